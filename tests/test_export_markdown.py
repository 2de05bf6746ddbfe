"""The Markdown study sheet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from exporters.base import ExportOptions
from exporters.html_text import split_flow
from exporters.markdown import escape, export, render_markdown
from flashcards.errors import ExportError
from flashcards.model import Card, ChapterInfo, Deck, Kind
from tests.export_samples import DIAGRAM, storage_deck


def test_the_sheet_groups_a_chapter_by_kind() -> None:
    sheet = render_markdown([storage_deck()])
    lines = sheet.splitlines()
    assert lines[0] == "# 05 Storage in Kubernetes"
    assert lines[2] == "Data should outlive the pod · Level: intermediate · 23 min · 6 cards"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Concepts",
        "## Flows",
        "## Recall",
        "## Interview questions",
        "## Practice",
    ]


def test_interview_answers_show_their_trap() -> None:
    sheet = render_markdown([storage_deck()])
    block = sheet.split("## Interview questions")[1].split("## Practice")[0]
    assert block.strip().splitlines() == [
        "**1. Why do PVCs help app teams?**",
        "",
        "<details><summary>Answer</summary>",
        "",
        "They let workloads request storage intent without backend details.",
        "",
        "> **Trap to avoid:** ~~Because PVs are deprecated.~~",
        "",
        "</details>",
        "",
        "*Section: Interview Q\\&A*",
        "",
        "**2. Why are managed databases often still attractive?**",
        "",
        "<details><summary>Answer</summary>",
        "",
        "They offload replication, backup, patching and failure management.",
        "",
        "</details>",
        "",
        "*Section: Interview Q\\&A*",
    ]


def test_flows_are_numbered_stages_and_diagrams_are_code_blocks() -> None:
    sheet = render_markdown([storage_deck()])
    block = sheet.split("## Flows")[1].split("## Recall")[0]
    assert (
        "1. claim (app asks)\n2. class (policy picks)\n3. volume (storage binds)\n\n"
        "Claims talk intent, volumes provide reality.\n"
    ) in block
    assert f"```text\n{DIAGRAM}\n```" in block


def test_multi_line_answers_keep_their_line_breaks() -> None:
    sheet = render_markdown([storage_deck()])
    assert "A pod can be rescheduled anytime,\\\nso local writable state is fragile." in sheet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script> & <b>", "\\<script\\>alert(1)\\</script\\> \\& \\<b\\>"),
        ("use *all* the_things", "use \\*all\\* the\\_things"),
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "1\\. not a list"),
        ("line\n2) not a list", "line\\\n2\\) not a list"),
        ("- not a bullet", "\\- not a bullet"),
        ("a [link](x)", "a \\[link\\](x)"),
    ],
)
def test_card_text_prints_as_written(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_a_diagram_with_backticks_gets_a_longer_fence() -> None:
    deck = storage_deck()
    card = replace(deck.cards[1], diagram="a ``` b")
    sheet = render_markdown([replace(deck, cards=(card,))])
    assert "````text\na ``` b\n````" in sheet


def test_one_section_per_chapter_and_empty_decks_skipped(tmp_path: Path) -> None:
    other = Deck("06 Service Mesh", ChapterInfo(6, "service-mesh", "Service Mesh"), ())
    out = tmp_path / "sheet.md"
    result = export([storage_deck(), other], out, ExportOptions())
    assert (result.decks, result.cards) == (1, 6)
    text = out.read_text(encoding="utf-8")
    assert text == render_markdown([storage_deck()])
    assert "Service Mesh" not in text
    with pytest.raises(ExportError, match="nothing to export"):
        export([other], out, ExportOptions())
    assert out.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("answer", "stages", "note"),
    [
        ("a → b → c\nTakeaway.", ["a", "b", "c"], "Takeaway."),
        ("Intro.\na -> b", ["a", "b"], "Intro."),
        ("Steps:\n1. first\n2. second", ["first", "second"], "Steps:"),
        ("- one\n- two", ["one", "two"], ""),
        ("Just a sentence.", [], "Just a sentence."),
    ],
)
def test_flow_answers_split_into_stages_and_note(answer: str, stages: list[str], note: str) -> None:
    assert split_flow(answer) == (stages, note)


def test_definitions_have_their_own_section() -> None:
    deck = storage_deck()
    definition = Card(
        "storage-in-kubernetes-definition-0000000009",
        Kind.DEFINITION,
        "What is CSI?",
        "CSI is the standard interface between Kubernetes and storage systems.",
    )
    sheet = render_markdown([replace(deck, cards=(*deck.cards, definition))])
    headings = [line for line in sheet.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Concepts", "## Definitions"]
    part = sheet.split("## Definitions")[1].split("## Flows")[0]
    assert "What is CSI?" in part and "standard interface between Kubernetes" in part


def test_every_answer_is_folded_under_its_question_to_quiz_yourself() -> None:
    deck = storage_deck()
    hostile = replace(deck.cards[0], back="ends early? </details> <summary>x</summary>")
    cards = (hostile, *deck.cards[1:])
    sheet = render_markdown([replace(deck, cards=cards)])
    assert sheet.count("<details><summary>Answer</summary>") == len(deck.cards)
    assert sheet.count("</details>") == len(deck.cards)  # the card's own is escaped
    assert "ends early? \\</details\\> \\<summary\\>x\\</summary\\>" in sheet
    for card in cards:  # no answer shows before its fold opens
        question = sheet.index(escape(card.front))
        fold = sheet.index("<details><summary>Answer</summary>", question)
        answer = escape(card.back.splitlines()[0]) if card.kind is not Kind.FLOW else "1. "
        assert sheet.index(answer, question) > fold
