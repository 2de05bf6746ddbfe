"""What ``k8sprep cards`` prints: which cards a search matches, as rows or JSON records.

Pure: stored cards in, lines and records out. The store does the filtering SQL can
do (deck, kind, suspended, leeches, due); the text search is here, case-insensitive
over front and back, as ``str.casefold`` compares (``ß`` finds ``SS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from flashcards.cli.review_views import card_report
from flashcards.cli.wrap import display_width
from flashcards.parse.controls import strip_controls
from flashcards.schedule.leech import LeechRule
from flashcards.schedule.records import StoredCard

HEADER = ("ID", "KIND", "DECK", "DUE", "IVL", "LAPSES", "FRONT")
DECK_COLUMNS = 24
"""A deck name wider than this is cut in a terminal (``--json`` has it whole)."""
MIN_DECK_COLUMNS = 6
"""``05 St…``: the chapter number stays in sight however narrow the terminal."""
FRONT_COLUMNS = 24
"""What the front should get in a terminal before columns are left out for it."""
DROPPED_FIRST = (2, 4, 5, 1)
"""The columns left out, in this order, when the terminal is too narrow: deck,
interval, lapses, kind (the id and the due day stay)."""
MIN_FRONT_COLUMNS = 12
ELLIPSIS = "…"


def contains(text: str | None) -> Callable[[str, str], bool] | None:
    """``keep(front, back)``: whether either contains ``text``, ignoring case; None: all."""
    if not text:
        return None
    wanted = text.casefold()
    return lambda front, back: wanted in front.casefold() or wanted in back.casefold()


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, without control characters or tabs."""
    for line in strip_controls(text).splitlines():
        if line.strip():
            return " ".join(line.split())
    return ""


def card_row(stored: StoredCard, short_id: str, rule: LeechRule) -> tuple[str, ...]:
    """One card's cells, in :data:`HEADER` order."""
    state = stored.state
    due = "new" if state.due is None else state.due.isoformat()
    if state.suspended:
        due = "suspended"
    interval = "-" if state.due is None else f"{state.sm2.interval}d"
    lapses = f"{state.lapses} leech" if rule.is_leech(state.lapses) else str(state.lapses)
    return (
        short_id,
        stored.card.kind.value,
        first_line(stored.deck_name),
        due,
        interval,
        lapses,
        first_line(stored.card.front),
    )


def card_lines(
    cards: Sequence[StoredCard],
    short_ids: Mapping[str, str],
    rule: LeechRule,
    width: int | None = None,
) -> list[str]:
    """A table of ``cards`` under :data:`HEADER`, then a count.

    ``width``: the terminal's columns. To fit it the deck name is cut first (down to its
    chapter number), then the deck, interval, lapses and kind columns are left out in
    that order until the front has :data:`FRONT_COLUMNS`; the front is cut with ``…``.
    None (a pipe) prints every cell whole, so ``grep`` sees the full first line.
    """
    if not cards:
        return ["No cards match."]
    rows = [card_row(s, short_ids.get(s.card.id, s.card.id), rule) for s in cards]
    widths = [max(display_width(row[i]) for row in [HEADER, *rows]) for i in range(6)]
    shown = list(range(6))
    if width is not None:
        others = sum(widths) - widths[2] + 2 * len(widths)
        deck = min(widths[2], max(MIN_DECK_COLUMNS, min(DECK_COLUMNS, width - others - 30)))
        rows = [(*row[:2], cut(row[2], deck), *row[3:]) for row in rows]
        widths[2] = max(display_width(row[2]) for row in [HEADER, *rows])
        for dropped in DROPPED_FIRST:
            if width - sum(widths[i] + 2 for i in shown) >= FRONT_COLUMNS:
                break
            shown.remove(dropped)
    lead = sum(widths[i] + 2 for i in shown)
    lines = []
    for row in [HEADER, *rows]:
        line = "".join(pad(row[i], widths[i], right=i in (4, 5)) + "  " for i in shown)
        if width is None:
            line += row[6]
        else:  # the front takes what is left; on a very narrow terminal the row is cut
            line = cut(line + cut(row[6], max(MIN_FRONT_COLUMNS, width - lead)), width)
        lines.append(line.rstrip())
    leeches = sum(rule.is_leech(s.state.lapses) for s in cards)
    suspended = sum(s.state.suspended for s in cards)
    extra = [f"{suspended} suspended"] if suspended else []
    extra += [f"{leeches} {'leech' if leeches == 1 else 'leeches'}"] if leeches else []
    noun = "card" if len(cards) == 1 else "cards"
    lines.append(f"{len(cards)} {noun}" + (f" ({', '.join(extra)})" if extra else ""))
    return lines


def card_record(
    stored: StoredCard, short_id: str, rule: LeechRule, deck_file: Path | None = None
) -> dict[str, Any]:
    """Every field of one card, as ``card --json`` has them (less its history), plus the
    short id, the deck's slug and whether it is a leech."""
    record = {k: v for k, v in card_report(stored, (), deck_file).items() if k != "history"}
    return {
        "id": record.pop("id"),
        "short_id": short_id,
        "slug": stored.deck,
        **record,
        "leech": rule.is_leech(stored.state.lapses),
    }


def cut(text: str, columns: int) -> str:
    """``text`` in at most ``columns`` display columns, ending in ``…`` when shortened."""
    if display_width(text) <= columns:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > columns - 1:
            break
        kept += char
    return kept + ELLIPSIS


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` display columns."""
    space = " " * max(0, columns - display_width(text))
    return space + text if right else text + space
