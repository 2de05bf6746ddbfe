"""Decks -> a CSV file that Anki's own File > Import takes as is, and a spreadsheet opens.

Anki reads the ``#key:value`` header lines (separator, HTML, which columns hold
the note type, deck, guid and tags), so no import dialog needs adjusting. Rows
use Anki's stock **Basic** note type, present in every profile, rather than the
k8sprep note types that only the ``.apkg`` brings; an interview card with a
trap adds a second Basic note, "Spot the trap", so the card count matches the
``.apkg``. Guids are the same stable ones, so importing a newer CSV updates
the notes in place. Quoting is standard CSV (``csv`` module, RFC 4180).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(...)`` from a chapter would be live).
Front and Back are HTML, so such a first character is written as its character
reference (``&#61;``): the spreadsheet sees text, Anki shows the same character.
A Tags cell gets a leading no-break space, which Anki drops (it splits tags at
spaces); a Deck cell a leading word joiner, invisible, which Anki keeps (a no-break
space would be trimmed from the name it looks up, making a new deck per row). The
GUID is a hash of the card id, the note type fixed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from genanki.util import guid_for

from exporters.base import ExportOptions, ExportResult, write_text_atomically
from exporters.html_text import stages_to_html, text_to_html
from exporters.notes import NoteData, plan_notes
from flashcards.model import Card, Deck, Kind

NOTETYPE = "Basic"
"""Anki's stock two-field note type (Front, Back)."""

COLUMNS = ("Note type", "Deck", "GUID", "Front", "Back", "Tags")
HEADER = (
    "#separator:Comma",
    "#html:true",
    "#notetype column:1",
    "#deck column:2",
    "#guid column:3",
    "#tags column:6",
    "#columns:" + ",".join(COLUMNS),
)
TRAP_TAG = "k8sprep::spot-the-trap"


def render_csv(decks: Sequence[Deck], root: str) -> tuple[str, int, int]:
    """The CSV text for ``decks``, its rows (= Anki notes = cards) and decks; pure."""
    buffer = io.StringIO()
    for line in HEADER:
        buffer.write(line + "\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = 0
    planned = plan_notes(decks, root)
    for note in planned:
        tags = " ".join(note.tags)
        writer.writerow(
            (
                NOTETYPE,
                _deck(note.deck_name),
                note.guid,
                _html(_front(note.card)),
                _html(_back(note)),
                _tags(tags),
            )
        )
        rows += 1
        if note.card.kind is Kind.INTERVIEW and note.card.wrong_answer.strip():
            writer.writerow(
                (
                    NOTETYPE,
                    _deck(note.deck_name),
                    trap_guid(note.card),
                    _html(_trap_front(note.card)),
                    _html(_trap_back(note)),
                    _tags(f"{tags} {TRAP_TAG}"),
                )
            )
            rows += 1
    return buffer.getvalue(), rows, len({note.deck_name for note in planned})


def export(decks: Sequence[Deck], out: Path, options: ExportOptions) -> ExportResult:
    """Write ``decks`` to the CSV file ``out`` atomically.

    Raises:
        ExportError: no cards, a card id used twice, or an unwritable output.
    """
    text, rows, deck_count = render_csv(decks, options.root)
    write_text_atomically(out, text)
    return ExportResult(path=out, decks=deck_count, notes=rows, cards=rows)


# Anki's Basic note type centres text and leaves <pre> unstyled: the diagram is
# set left, at the font's own line height (so box lines join), and scrolls inside
# its box on a narrow screen instead of widening the card.
_PRE_STYLE = "text-align:left;line-height:normal;overflow-x:auto;max-width:100%"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet cell a formula."""


def _html(cell: str) -> str:
    """An HTML cell that no spreadsheet runs: a formula's first character as ``&#NN;``."""
    return f"&#{ord(cell[0])};{cell[1:]}" if cell.startswith(FORMULA_STARTS) else cell


def _deck(cell: str) -> str:
    """A deck cell that no spreadsheet runs: a word joiner first."""
    return "\u2060" + cell if cell.startswith(FORMULA_STARTS) else cell


def _tags(cell: str) -> str:
    """A tags cell that no spreadsheet runs: a no-break space first (Anki drops it)."""
    return "\u00a0" + cell if cell.startswith(FORMULA_STARTS) else cell


def trap_guid(card: Card) -> str:
    """The guid of a card's "Spot the trap" note: stable, and distinct from the card's own."""
    return str(guid_for(card.id, "spot-the-trap"))  # genanki is untyped


def _front(card: Card) -> str:
    return text_to_html(card.front)


def _back(note: NoteData) -> str:
    card = note.card
    parts = [stages_to_html(card.back) if card.kind is Kind.FLOW else text_to_html(card.back)]
    if card.kind is Kind.INTERVIEW and card.wrong_answer.strip():
        parts.append(f"<br><br><b>✗ Trap to avoid:</b> “{text_to_html(card.wrong_answer)}”")
    parts.append(_footer(note))
    return "".join(parts)


def _trap_front(card: Card) -> str:
    return (
        f"<b>Spot the trap</b><br>{text_to_html(card.front)}<br><br>"
        f"A candidate answers: “{text_to_html(card.wrong_answer)}”<br><br>"
        "<i>What is wrong with it?</i>"
    )


def _trap_back(note: NoteData) -> str:
    return "<b>✓ A strong answer:</b><br>" + text_to_html(note.card.back) + _footer(note)


def _footer(note: NoteData) -> str:
    card = note.card
    diagram = f'<pre style="{_PRE_STYLE}">{text_to_html(card.diagram)}</pre>'
    chapter = note.deck_name.rsplit("::", 1)[-1]
    source = text_to_html(" · ".join(part for part in (chapter, card.source.section) if part))
    return (diagram if card.diagram.strip() else "") + f"<br><br><small>{source}</small>"
