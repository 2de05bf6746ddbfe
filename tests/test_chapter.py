"""Chapter parsing: the seed as golden input, then one test per edge case."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.errors import ChapterError
from flashcards.parse.blocks import has_box_char, is_diagram_row
from flashcards.parse.chapter import Interview, parse_chapter, split_sentences

MINIMAL = "07. Networking — Pods talk\nFirst section¶\nPods get IPs. Services give names.\n"


def test_seed_header(seed_text: str) -> None:
    chapter = parse_chapter(seed_text, "seed.txt").chapter
    assert (chapter.number, chapter.title, chapter.subtitle) == (
        5,
        "Storage in Kubernetes",
        "Data should outlive the pod",
    )
    assert (chapter.minutes, chapter.level, chapter.slug) == (
        23,
        "intermediate",
        "storage-in-kubernetes",
    )
    assert chapter.eli5.startswith("Think of a busy shipping port.")
    assert chapter.eli5.endswith("keeps lanes and permissions clean.")


def test_seed_concepts_flows_and_takeaways(seed_text: str) -> None:
    concepts = parse_chapter(seed_text, "seed.txt").chapter.concepts
    assert [c.heading for c in concepts] == [
        "Pods are temporary, so storage must be explicit",
        "PersistentVolumes and claims split supply from demand",
        "CSI drivers automate provisioning and attachment",
        "Stateful workloads need identity and careful rollout",
        "Backups, recovery, and cost need equal attention",
    ]
    assert [c.takeaway for c in concepts] == [
        "Not all writes deserve durability.",
        "Claims talk intent, volumes provide reality.",
        "Storage arrives through a controller workflow.",
        "Identity stays attached to storage.",
        "A backup is theory until restore works.",
    ]
    flows = [flow for c in concepts for flow in c.flows]
    assert [f.name for f in flows] == [
        "state choices",
        "pv claim flow",
        "csi path",
        "stateful set",
        "recovery view",
    ]
    assert all(len(f.stages) == 3 for f in flows)
    assert flows[1].as_text() == "claim (app asks) → class (policy picks) → volume (storage binds)"
    assert flows[2].as_text() == "claim (request) → csi (provision) → disk (attach mount)"


def test_filler_and_marks_never_reach_the_content(seed_text: str) -> None:
    chapter = parse_chapter(seed_text, "seed.txt").chapter
    sentences = [s for c in chapter.concepts for s in c.sentences]
    assert "A pod can be rescheduled anytime, so local writable state is fragile." in sentences
    for filler in ("See.", "Now watch.", "Simple, no?", "Keep the analogy close."):
        assert filler not in sentences
    text = " ".join(sentences + [c.takeaway for c in chapter.concepts])
    assert "¶" not in text
    assert not any(char in text for char in "┌│└─")
    assert "state choices" not in sentences  # the diagram's name is not prose


def test_seed_lists_interviews_practice_and_bridge(seed_text: str) -> None:
    chapter = parse_chapter(seed_text, "seed.txt").chapter
    assert len(chapter.wild) == 4
    assert (
        chapter.wild[1]
        == "ML platforms store checkpoints on persistent volumes during long training jobs."
    )
    assert chapter.recall == (
        "Why is pod-local storage unsafe for durable application data?",
        "How do PVs, PVCs, and StorageClasses divide responsibilities?",
        "What extra work does CSI remove for platform teams?",
        "Why do stateful systems need different rollout thinking than stateless APIs?",
    )
    assert len(chapter.interviews) == 4
    first = chapter.interviews[0]
    assert first.question == "Why do PVCs help app teams?"
    assert first.answer.startswith("They let workloads request storage intent")
    assert first.answer.endswith("while platform policy evolves underneath.")
    assert first.wrong_answer == "Because PVs are deprecated."
    assert all(item.wrong_answer for item in chapter.interviews)
    assert chapter.practice_heading == "Apply now (5 min)"
    assert chapter.practice.startswith("List one workload you know")
    assert chapter.bridge is not None
    assert chapter.bridge.teaser == "Storage attached. But how do containers talk securely?"
    assert (chapter.bridge.next_number, chapter.bridge.next_file) == (
        6,
        "06-service-mesh-network-policy.md",
    )


def test_seed_has_no_warnings(seed_text: str) -> None:
    assert parse_chapter(seed_text, "seed.txt").warnings == ()


def test_markdown_source_reads_like_the_site_copy(seed_text: str, seed_markdown: str) -> None:
    site = parse_chapter(seed_text, "a").chapter
    markdown = parse_chapter(seed_markdown, "b")
    assert markdown.warnings == ()
    for field in ("number", "title", "subtitle", "minutes", "level", "eli5", "wild", "recall"):
        assert getattr(markdown.chapter, field) == getattr(site, field), field
    assert markdown.chapter.practice == site.practice
    assert markdown.chapter.bridge == site.bridge
    strip_lines = [(c.heading, c.sentences, c.takeaway) for c in site.concepts]
    assert [(c.heading, c.sentences, c.takeaway) for c in markdown.chapter.concepts] == strip_lines
    site_stages = [f.stages for c in site.concepts for f in c.flows]
    assert [f.stages for c in markdown.chapter.concepts for f in c.flows] == site_stages
    questions = [(i.question, i.answer, i.wrong_answer) for i in site.interviews]
    assert [
        (i.question, i.answer, i.wrong_answer) for i in markdown.chapter.interviews
    ] == questions


def test_crlf_and_bom_are_the_same_chapter(seed_text: str) -> None:
    plain = parse_chapter(seed_text, "a").chapter
    windows = parse_chapter("\ufeff" + seed_text.replace("\n", "\r\n"), "b").chapter
    assert windows == plain


def test_interview_without_wrong_answer() -> None:
    text = MINIMAL + "Interview Q&A¶\nQ: What is a Service? A: A stable name for pods.\n"
    (item,) = parse_chapter(text, "c.txt").chapter.interviews
    assert item == Interview("What is a Service?", "A stable name for pods.", "", line=5)


def test_missing_sections_are_fine() -> None:
    chapter = parse_chapter(MINIMAL, "c.txt").chapter
    assert chapter.number == 7
    assert chapter.recall == () and chapter.interviews == () and chapter.bridge is None
    assert chapter.concepts[0].sentences == ("Pods get IPs.", "Services give names.")
    assert chapter.concepts[0].flows == ()


def test_title_without_subtitle() -> None:
    chapter = parse_chapter("3. Pods\nA section¶\nText.\n", "p.txt").chapter
    assert (chapter.number, chapter.title, chapter.subtitle) == (3, "Pods", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "p.txt:1: empty file, not a chapter"),
        ("\n  \n\n", "p.txt:1: empty file, not a chapter"),
        (
            "Just some notes\nmore text\n",
            "p.txt:1: no title line: a chapter starts with '05. Title — Subtitle'",
        ),
        ("\n\nHello¶\n", "p.txt:3: no title line: a chapter starts with '05. Title — Subtitle'"),
        ("05. A\x00B\n", "p.txt: binary data (NUL bytes), not a chapter text"),
    ],
)
def test_not_a_chapter(text: str, message: str) -> None:
    with pytest.raises(ChapterError) as raised:
        parse_chapter(text, "p.txt")
    assert str(raised.value) == message


def test_huge_text_is_refused_quickly() -> None:
    text = MINIMAL + "x" * 10_000_000
    with pytest.raises(ChapterError, match="far larger than a chapter"):
        parse_chapter(text, "big.txt")


def test_text_it_cannot_place_is_warned_with_its_line() -> None:
    text = (
        "07. Networking — Pods talk\n"
        "Some stray remark\n"
        "Pause and recall¶\n"
        "This is not a bullet\n"
        "- What is a Service?\n"
        "Interview Q&A¶\n"
        "Q: A question with no answer\n"
    )
    parsed = parse_chapter(text, "n.txt")
    assert parsed.chapter.recall == ("What is a Service?",)
    assert [(w.line, w.message.split(":")[0]) for w in parsed.warnings] == [
        (2, "text before the first section was not placed"),
        (4, "expected a '- ' list item, not placed"),
        (7, "interview question has no 'A"),
    ]


def test_diagram_with_wrong_stage_count_is_warned() -> None:
    text = MINIMAL + "one box\n┌───┐\n│ a │\n└───┘\nTakeaway line.\n"
    parsed = parse_chapter(text, "d.txt")
    assert parsed.chapter.concepts[0].flows == ()
    assert parsed.warnings[0].line == 5
    assert "1 stages (expected 2-6)" in parsed.warnings[0].message


def test_six_stage_aligned_diagram_without_pipes() -> None:
    diagram = (
        "```\n"
        "┌──────┐    ┌──────┐    ┌──────┐    ┌──────┐    ┌──────┐    ┌──────┐\n"
        "│  a   │ -> │  b   │ -> │  c   │ -> │  d   │ -> │  e   │ -> │  f   │\n"
        "└──┬───┘    └──┬───┘    └──┬───┘    └──┬───┘    └──┬───┘    └──┬───┘\n"
        "   v           v           v           v           v           v\n"
        " one thing   two        three       four        five words   six\n"
        "```\n"
    )
    text = (
        f"# 08. Six — Steps\n\n## Steps\n\nIntro sentence.\n\n**six steps**\n\n{diagram}\nDone.\n"
    )
    flow = parse_chapter(text, "six.md").chapter.concepts[0].flows[0]
    assert flow.name == "six steps"
    assert [s.name for s in flow.stages] == ["a", "b", "c", "d", "e", "f"]
    assert [s.caption for s in flow.stages] == [
        "one thing",
        "two",
        "three",
        "four",
        "five words",
        "six",
    ]


def test_split_sentences_drops_filler() -> None:
    assert split_sentences("See. Pods die. Now watch. Simple, no? Keep it.") == [
        "Pods die.",
        "Keep it.",
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parsed = parse_chapter(text, "fuzz.txt")
    except ChapterError as error:
        assert str(error).startswith("fuzz.txt")
    else:
        assert parsed.chapter.number >= 0


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Pods¶",
                "Interview Q&A¶",
                "Pause and recall¶",
                "Q: Why? A: Because. Common wrong answer to avoid: “No.”",
                "- a bullet",
                "┌──┐ ┌──┐",
                "│ a │ -> │ b │",
                "v v",
                "x | y",
                "Bridge. Next → 06 → 06-x.md",
                "Plain sentence.",
                "",
            ]
        ),
        max_size=30,
    )
)
def test_chapter_shaped_noise_never_crashes(lines: list[str]) -> None:
    text = "\n".join(["09. Noise — Shapes", *lines])
    parsed = parse_chapter(text, "noise.txt")
    assert parsed.chapter.title == "Noise"
    for concept in parsed.chapter.concepts:
        for flow in concept.flows:
            assert 2 <= len(flow.stages) <= 6


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("┌────┐   ┌────┐", True),
        ("│ pod │ -> │ node │", True),
        ("   │          │", True),
        ("   v          v", True),
        ("   ↓", True),
        ("  |  |", False),  # bars without an arrow down
        ("Pods are temporary, so storage must be explicit.", False),
        ("“Quoted” prose — with dashes.", False),
        ("   ", False),
    ],
)
def test_diagram_rows_are_told_from_prose(line: str, row: bool) -> None:
    assert is_diagram_row(line) is row


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("│ pod │", True),
        ("“quoted” prose with ─ one", True),
        ("“quoted” prose", False),
        ("ascii", False),
        ("", False),
    ],
)
def test_box_characters_are_found_in_any_text(text: str, box: bool) -> None:
    assert has_box_char(text) is box
