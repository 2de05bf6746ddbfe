"""One chapter in all four forms it comes in gives the same cards; no sentence is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.errors import ChapterError
from flashcards.model import Deck, Kind
from flashcards.parse.cards import build_deck, build_deck_reporting
from flashcards.parse.chapter import is_filler, parse_chapter

from .conftest import ROOT, SEED

FIXTURES = ROOT / "tests" / "fixtures"
FORMS = {
    "site text": FIXTURES / "07-scheduling-ml-workloads.txt",
    "markdown": FIXTURES / "07-scheduling-ml-workloads.md",
    "browser copy": FIXTURES / "07-scheduling-ml-workloads-copy.txt",
    "saved page": FIXTURES / "07-scheduling-ml-workloads.html",
}
CHAPTERS = [SEED, FIXTURES / "06-service-mesh-network-policy.txt", FORMS["site text"]]


def deck_of(path: Path) -> Deck:
    parsed = parse_chapter(path.read_text(encoding="utf-8"), str(path))
    return build_deck(parsed.chapter, "07-scheduling-ml-workloads.txt")


@pytest.mark.parametrize("form", ["markdown", "browser copy", "saved page"])
def test_every_form_gives_the_same_cards(form: str) -> None:
    expected = deck_of(FORMS["site text"])
    assert len(expected.cards) == 25
    assert deck_of(FORMS[form]) == expected


def test_browser_copy_chrome_is_skipped_with_its_lines() -> None:
    path = FORMS["browser copy"]
    parsed = parse_chapter(path.read_text(encoding="utf-8"), str(path))
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (1, "site text before the title skipped (lines 1-9)"),
        (89, "site text after the chapter skipped (lines 89-95)"),
    ]
    assert parsed.chapter.title == "Scheduling ML Workloads"
    assert [c.heading for c in parsed.chapter.concepts][1] == (
        "Taints keep expensive nodes for the jobs that need them"
    )
    assert len(parsed.chapter.recall) == 4 and len(parsed.chapter.wild) == 3


def test_saved_page_ignores_the_site_and_names_page_lines() -> None:
    path = FORMS["saved page"]
    parsed = parse_chapter(path.read_text(encoding="utf-8"), str(path))
    assert parsed.warnings == ()
    chapter = parsed.chapter
    assert (chapter.number, chapter.level, chapter.minutes) == (7, "advanced", 27)
    assert chapter.eli5.startswith("Think of a busy shipping port.")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "Taints keep expensive nodes" in lines[chapter.concepts[1].line - 1]
    assert all("Skip to content" not in card.back for card in deck_of(path).cards)


def test_an_html_page_with_no_chapter_is_one_clear_error() -> None:
    with pytest.raises(ChapterError, match="no chapter text"):
        parse_chapter("<!doctype html><html><body><nav>Home</nav></body></html>", "x.html")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_content_sentence_reaches_a_card_or_a_warning(path: Path) -> None:
    parsed = parse_chapter(path.read_text(encoding="utf-8"), str(path))
    deck, unreached = build_deck_reporting(parsed.chapter, path.name)
    text = "\n".join(f"{card.front}\n{card.back}" for card in deck.cards)
    warned = "\n".join(w.message for w in unreached)
    content = 0
    reached = 0
    for concept in parsed.chapter.concepts:
        for sentence in (*concept.sentences, concept.takeaway):
            if not sentence or is_filler(sentence):
                continue
            on_card = sentence in text or sentence.replace(_word(sentence), "___") in text
            assert on_card or sentence[:40] in warned or _is_analogy(sentence), sentence
            if not _is_analogy(sentence):
                content += 1
                reached += on_card
    assert reached / content >= 0.85, f"{reached}/{content}"


def _word(sentence: str) -> str:
    return sentence.split()[0]


def _is_analogy(sentence: str) -> bool:
    return "dock manager" in sentence or "cargo crane" in sentence


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_backs_are_short_and_never_lean_on_a_dropped_sentence(path: Path) -> None:
    parsed = parse_chapter(path.read_text(encoding="utf-8"), str(path))
    deck = build_deck(parsed.chapter, path.name)
    for card in deck.cards:
        if card.kind in (Kind.INTERVIEW, Kind.PRACTICE, Kind.FLOW):
            continue
        assert len(card.back.split()) <= 60, card.front
        first = card.back.split()[0]
        assert first not in ("This", "That", "These", "It", "They", "Such"), card.back
        for text in (card.front, card.back):
            assert "dock manager" not in text and "Now watch" not in text


def test_recall_answers_name_every_item_and_give_the_reason() -> None:
    deck = deck_of(SEED)
    recall = {card.front: card.back for card in deck.cards if card.kind is Kind.RECALL}
    roles = recall["How do PVs, PVCs, and StorageClasses divide responsibilities?"]
    assert "A PersistentVolume describes" in roles
    assert "A PersistentVolumeClaim expresses" in roles
    assert "StorageClass adds the policy layer" in roles
    csi = recall["What extra work does CSI remove for platform teams?"]
    # "That removes ..." comes with the sentence it refers to (dynamic provisioning)
    assert "Dynamic provisioning means volumes appear when claims are created. That removes" in csi
    gpu = {card.front: card.back for card in deck_of(FORMS["site text"]).cards}
    assert (
        "because one device cannot serve two pods"
        in gpu["Why can a GPU request not be overcommitted?"]
    )


def test_definition_cards() -> None:
    deck = deck_of(SEED)
    definitions = {c.front: c.back for c in deck.cards if c.kind is Kind.DEFINITION}
    assert definitions == {
        "What does a PersistentVolume describe?": (
            "A PersistentVolume describes available storage capacity and capabilities."
        ),
        "What does a PersistentVolumeClaim express?": (
            "A PersistentVolumeClaim expresses what the workload wants to consume."
        ),
        "What is CSI?": (
            "CSI is the standard interface between Kubernetes and storage systems. "
            "It lets vendors build one integration model instead of custom hacks."
        ),
        "What does dynamic provisioning mean?": (
            "Dynamic provisioning means volumes appear when claims are created. "
            "That removes ticket-driven storage work for common paths."
        ),
    }


def test_blanks_test_key_terms_only() -> None:
    deck = deck_of(FORMS["site text"])
    concept = {c.back.splitlines()[0]: c.front for c in deck.cards if c.kind is Kind.CONCEPT}
    assert concept["Share small workloads, isolate noisy ones."].endswith(
        "“___ small workloads, isolate noisy ones.”"
    )
    text = "\n".join(concept.values())
    for common in ("parts", "carries", "really"):
        assert f"___ {common}" not in text


def test_a_section_with_bullets_and_a_closing_line() -> None:
    """The bullets and the closing line of a section without a diagram reach cards."""
    deck = deck_of(FORMS["site text"])
    text = "\n".join(card.back for card in deck.cards)
    assert "A toleration lets a pod ignore one taint" in text
    assert "Priority classes let urgent training preempt lower-priority batch work." in text
    takeaway = [c for c in deck.cards if "“Guard the ___ hardware with taints" in c.front]
    assert len(takeaway) == 1


_PAGE_PIECES = [
    "<h1>09. Noise — Shapes<a class=headerlink>¶</a></h1>",
    "<h2>Pods<a class=headerlink href='#p'>¶</a></h2>",
    "<h2>Pause and recall</h2>",
    "<p>Plain sentence. It leans on it.</p>",
    "<p><strong>Q:</strong> Why? <strong>A:</strong> Because.",
    "<ul><li>a bullet",
    "</ul>",
    "<pre><code>┌──┐    ┌──┐\n│ a │ -> │ b │\n└┬─┘    └┬─┘\n v       v\n x       y</code></pre>",
    "<div class='admonition tip'><p class=admonition-title>ELI5 callback</p><p>Think.</p>",
    "</div>",
    "<nav>Home</nav>",
    "<script>var x = '<p>';</script>",
    "<article>",
    "</article>",
    "&amp; &lt;tag&gt; &#x1F600;",
    "</p></p></li>",
    "<p>Bridge. Next → 06 → <a href='x'>06-x.md</a></p>",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PAGE_PIECES), max_size=25))
def test_page_shaped_noise_never_crashes(pieces: list[str]) -> None:
    text = "<!doctype html><html><body>" + "\n".join(pieces)
    try:
        parsed = parse_chapter(text, "noise.html")
    except ChapterError as error:
        assert str(error).startswith("noise.html")
    else:
        build_deck_reporting(parsed.chapter, "noise.html")


_COPY_LINES = [
    "Skip to content",
    "09. Noise — Shapes",
    "⏱️ Estimated time: 5 min | Level: basic",
    "Pods are short",
    "Pause and recall",
    "Why?",
    "A plain sentence that ends here.",
    "That one leans back.",
    "┌──┐ ┌──┐",
    "│ a │ -> │ b │",
    "v v",
    "x | y",
    "Bridge. Next → 06 → 06-x.md",
    "Previous",
    "",
    "",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_COPY_LINES), max_size=30))
def test_copy_shaped_noise_never_crashes(lines: list[str]) -> None:
    try:
        parsed = parse_chapter("\n".join(lines), "noise.txt")
    except ChapterError as error:
        assert str(error).startswith("noise.txt")
    else:
        build_deck_reporting(parsed.chapter, "noise.txt")


def _as_browser_copy(site_text: str) -> str:
    """The site text as a browser copies it: no ``¶``, blank lines between blocks, no list
    markers, and the site's own lines around the chapter."""
    lines: list[str] = ["Skip to content", "K8s Interview Prep", ""]
    after_arrows = False
    for line in site_text.splitlines():
        arrows = set(line.split()) == {"v"}
        if line.startswith("- "):
            lines.append(line[2:])
        elif any(ch in line for ch in "┌│└") or arrows or after_arrows:
            lines.append(line)  # diagram rows and the caption row under the arrows
        else:
            lines += ["", line.removesuffix("¶"), ""]
        after_arrows = arrows
    return "\n".join([*lines, "", "Previous", "Next", "Made with Material for MkDocs"])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_any_chapter_copied_plainly_gives_the_same_cards(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    copy = parse_chapter(_as_browser_copy(text), "copy.txt")
    assert [w.message.split(" (")[0] for w in copy.warnings] == [
        "site text before the title skipped",
        "site text after the chapter skipped",
    ]
    assert build_deck(copy.chapter, path.name) == build_deck(
        parse_chapter(text, str(path)).chapter, path.name
    )
