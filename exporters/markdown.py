"""Decks -> a printable Markdown study sheet, one section per chapter.

For the last read-through before an interview, and to quiz yourself: each
chapter's cards grouped by kind, each answer folded under its question
(``<details>``), traps marked, flows as numbered stages and diagrams in code
blocks that keep their layout. Card text is escaped so a
stray ``*`` or ``<pod>`` prints as written instead of becoming formatting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from exporters.base import ExportOptions, ExportResult, write_text_atomically
from exporters.html_text import split_flow
from flashcards.errors import ExportError
from flashcards.model import Card, Deck, Kind

SECTION_TITLES: dict[Kind, str] = {
    Kind.CONCEPT: "Concepts",
    Kind.DEFINITION: "Definitions",
    Kind.FLOW: "Flows",
    Kind.RECALL: "Recall",
    Kind.INTERVIEW: "Interview questions",
    Kind.PRACTICE: "Practice",
}

ANSWER_OPENS = "<details><summary>Answer</summary>"
ANSWER_CLOSES = "</details>"

# Backslash-escapes are valid for any ASCII punctuation in CommonMark; these are
# the characters that could start formatting, links or raw HTML mid-sentence.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&])")
_LINE_START_BULLET = re.compile(r"^([ \t]*+)([-+=])(?=\s|$)", re.MULTILINE)
_LINE_START_NUMBER = re.compile(r"^([ \t]*+\d++)([.)])(?=\s|$)", re.MULTILINE)
_UNDERLINE = re.compile(r"^([ \t]*+)([=-])(?=[=-]*+[ \t]*+$)", re.MULTILINE)
"""A line of ``===`` or ``---`` would turn the line above into a heading (or be a rule)."""


def render_markdown(decks: Sequence[Deck]) -> str:
    """The study sheet for ``decks``; pure.

    Raises:
        ExportError: the decks hold no cards.
    """
    if not any(deck.cards for deck in decks):
        raise ExportError("nothing to export: the decks have no cards")
    sheets = [_chapter_sheet(deck) for deck in decks if deck.cards]
    return "\n\n".join(sheets).rstrip("\n") + "\n"


def export(decks: Sequence[Deck], out: Path, options: ExportOptions) -> ExportResult:
    """Write the study sheet for ``decks`` to ``out`` atomically."""
    text = render_markdown(decks)
    cards = sum(len(deck.cards) for deck in decks)
    write_text_atomically(out, text)
    return ExportResult(
        path=out, decks=sum(1 for deck in decks if deck.cards), notes=cards, cards=cards
    )


def escape(text: str) -> str:
    """``text`` as literal Markdown: formatting characters backslash-escaped, lines kept."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text.strip())
    # Only punctuation can be backslash-escaped: "1\." not "\1.".
    escaped = _LINE_START_BULLET.sub(r"\1\\\2", escaped)
    escaped = _LINE_START_NUMBER.sub(r"\1\\\2", escaped)
    escaped = _UNDERLINE.sub(r"\1\\\2", escaped)
    # A hard line break (two trailing spaces would be invisible; a backslash is not).
    return escaped.replace("\r\n", "\n").replace("\n", "\\\n")


def _chapter_sheet(deck: Deck) -> str:
    chapter = deck.chapter
    lines = [f"# {escape(deck.name)}", ""]
    about = [escape(chapter.subtitle)] if chapter.subtitle else []
    if chapter.level:
        about.append(f"Level: {escape(chapter.level)}")
    if chapter.minutes:
        about.append(f"{chapter.minutes} min")
    about.append(f"{len(deck.cards)} cards")
    lines += [" · ".join(about), ""]
    for kind in Kind:
        cards = [card for card in deck.cards if card.kind is kind]
        if not cards:
            continue
        lines += [f"## {SECTION_TITLES[kind]}", ""]
        for number, card in enumerate(cards, start=1):
            lines += _card_block(number, card)
    return "\n".join(lines)


def _card_block(number: int, card: Card) -> list[str]:
    """The question, then its answer folded in ``<details>``: read the question, answer it
    aloud, then open the answer (GitHub, GitLab and most viewers fold it). The blank
    lines around the answer let it stay Markdown inside the HTML block; card text is
    escaped, so no ``</details>`` in it can close the fold early."""
    lines = [f"**{number}. {escape(card.front)}**", "", ANSWER_OPENS, ""]
    stages, note = split_flow(card.back) if card.kind is Kind.FLOW else ([], card.back)
    if stages:
        lines += [f"{index}. {escape(stage)}" for index, stage in enumerate(stages, start=1)]
        if note:
            lines += ["", escape(note)]
    else:
        lines.append(escape(card.back))
    lines.append("")
    if card.wrong_answer.strip():
        lines += [f"> **Trap to avoid:** ~~{escape(card.wrong_answer)}~~", ""]
    if card.diagram.strip():
        lines += [*_code_block(card.diagram), ""]
    lines += [ANSWER_CLOSES, ""]
    if card.source.section:
        lines += [f"*Section: {escape(card.source.section)}*", ""]
    return lines


def _code_block(text: str) -> list[str]:
    """A fenced block longer than any backtick run inside, so the diagram cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *text.strip("\n").splitlines(), fence]
