"""What ``k8sprep due`` reports: per deck, cards due, new cards today and re-drills.

Apart from the review and stats views so that ``due``, run often and from scripts,
loads nothing it does not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashcards.schedule.queue import Allowance
    from flashcards.store.values import DeckCount, NextDue


def due_report(
    deck_counts: Sequence[DeckCount],
    left: Allowance,
    today: date,
    next_due: NextDue | None,
) -> dict[str, Any]:
    """Due now, new available today (within the daily limit) and re-drills, per deck."""
    decks: list[dict[str, Any]] = []
    new_left = left.new
    for row in deck_counts:
        new = min(row.unseen, new_left)
        new_left -= new  # new cards go in chapter order: earlier decks take the budget first
        decks.append(
            {
                "deck": row.deck,
                "slug": row.slug,
                "chapter": row.chapter,
                "due": row.due,
                "new": new,
                "redo": row.redo,
                "unseen": row.unseen,
                "next_due": row.next_due,
            }
        )
    total = {key: sum(d[key] for d in decks) for key in ("due", "new", "redo")}
    return {
        "today": today.isoformat(),
        "total": total,
        "reviews_left_today": left.reviews,
        "next_due": None if next_due is None else next_due.day.isoformat(),
        "decks": decks,
    }


def due_lines(report: dict[str, Any]) -> list[str]:
    """The report as aligned lines, one per deck, then the total and the next due day."""
    lines = [f"Study day {report['today']}"]
    width = max([len(d["deck"]) for d in report["decks"]] + [5])
    for row in [*report["decks"], {"deck": "total", **report["total"], "next_due": None}]:
        after = f"   next {row['next_due']}" if row.get("next_due") else ""
        lines.append(
            f"  {row['deck']:<{width}}  due {row['due']:>4}  new {row['new']:>4}  "
            f"redo {row['redo']:>3}{after}"
        )
    lines.append(f"Next due after today: {report['next_due'] or 'nothing scheduled'}")
    return lines
