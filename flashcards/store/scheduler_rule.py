"""Which scheduler set each answer's due date: SM-2, or FSRS at some desired retention.

SM-2's numbers (repetitions, interval, easiness, lapses) are kept for every answer
whatever the scheduler, so switching either way reschedules nothing and loses nothing:
with ``scheduler = "fsrs"`` only the due date of a day's first answer comes from FSRS,
from the card's memory state replayed from its log (re-drills included, as FSRS counts
them) through :class:`flashcards.schedule.memory.ShadowFSRS`.

The switches are recorded as *periods* in one ``meta`` row: ``[[first log id, "sm2" or
"fsrs", retention or null], ...]`` (no row: SM-2 throughout). ``verify`` reads them to
replay each answer by the rule it was given under. An undone answer's log id may be
reused; a period starting at or after the id being written is dropped first, so the
periods always describe the rows that exist.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from flashcards.schedule.studyday import due_date
from flashcards.store.connection import Db

if TYPE_CHECKING:  # FSRS loads only when an FSRS due date is computed
    from flashcards.schedule.memory import Memory, ShadowFSRS

PERIODS_KEY = "scheduler_periods"

Rule = tuple[str, float | None]
"""``("sm2", None)`` or ``("fsrs", desired retention)``."""

SM2: Rule = ("sm2", None)


def rule_for_retention(fsrs_retention: float | None) -> Rule:
    """The rule of an answer recorded with ``fsrs_retention`` (None: SM-2)."""
    return SM2 if fsrs_retention is None else ("fsrs", float(fsrs_retention))


def periods(db: Db) -> list[tuple[int, Rule]]:
    """The recorded periods, oldest first; empty means SM-2 throughout."""
    rows = db.rows("SELECT value FROM meta WHERE key = :key", {"key": PERIODS_KEY})
    if not rows:
        return []
    try:
        return [
            (int(start), (str(name), None if retention is None else float(retention)))
            for start, name, retention in json.loads(rows[0][0])
        ]
    except (ValueError, TypeError):
        return []  # unreadable: verify reports the due dates that do not follow


def current_rule(db: Db) -> Rule:
    """The rule of the latest answers (SM-2 when nothing was recorded)."""
    found = periods(db)
    return found[-1][1] if found else SM2


def rule_of(found: list[tuple[int, Rule]], log_id: int) -> Rule:
    """The rule the answer with ``log_id`` was given under."""
    rule = SM2
    for start, period_rule in found:
        if start > log_id:
            break
        rule = period_rule
    return rule


def note_rule(db: Db, log_id: int, rule: Rule) -> None:
    """Record that answer ``log_id`` (just written) was scheduled by ``rule``."""
    found = periods(db)
    kept = [(start, r) for start, r in found if start < log_id]
    if (kept[-1][1] if kept else SM2) != rule:
        kept.append((log_id, rule))
    if kept != found:
        store_periods(db, kept)


def store_periods(db: Db, found: list[tuple[int, Rule]]) -> None:
    """Record ``found`` as the periods, replacing whatever was recorded."""
    value = json.dumps([[start, name, retention] for start, (name, retention) in found])
    db.run("DELETE FROM meta WHERE key = :key", {"key": PERIODS_KEY})
    if found:
        db.run(
            "INSERT INTO meta (key, value) VALUES (:key, :value)",
            {"key": PERIODS_KEY, "value": value},
        )


def card_memory(db: Db, card_id: str, shadow: ShadowFSRS) -> Memory | None:
    """One card's FSRS memory state, replayed from its log (a few rows, on an index)."""
    rows = db.rows(
        "SELECT day, grade FROM review_log WHERE card_id = :c ORDER BY id", {"c": card_id}
    )
    return shadow.replay((date.fromisoformat(day), int(grade)) for day, grade in rows)


def fsrs_due(db: Db, card_id: str, day: date, grade: int, retention: float) -> date:
    """The FSRS due date of a first answer ``grade`` on ``day``, before it is logged."""
    from flashcards.schedule.memory import ShadowFSRS

    shadow = ShadowFSRS()
    after = shadow.step(card_memory(db, card_id, shadow), grade, day)
    return due_date(day, shadow.interval(after.stability, retention))
