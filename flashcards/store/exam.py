"""The exam's settings and the selections its plan needs (see :mod:`flashcards.schedule.exam`).

The settings are one JSON row in the ``meta`` key/value table, so an exam needs no
schema change and travels with backups. "Seen in the window" is read off
``card_state.last_day``: any answer on a day implies a first answer that day, and
undo restores ``last_day`` from the log, so no extra bookkeeping is kept.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from flashcards.errors import StoreError
from flashcards.schedule.config import Config
from flashcards.schedule.exam import (
    MAX_WINDOW_DAYS,
    Exam,
    ExamCounts,
    Feasibility,
    Progress,
    feasibility,
    progress,
)
from flashcards.store.connection import Db
from flashcards.store.values import ACTIVE, iso

EXAM_KEY = "exam"
"""The ``meta`` key holding the exam settings."""

_FROM = "FROM card_state s JOIN card c ON c.id = s.card_id"
_UNSEEN = "(s.last_day IS NULL OR s.last_day < :start)"
"""A card not answered since the window started (``last_day`` is the latest answer's day)."""


def load_exam(db: Db) -> Exam | None:
    """The exam set, or None.

    Raises:
        StoreError: the stored settings are unreadable (edited by hand?).
    """
    rows = db.rows("SELECT value FROM meta WHERE key = :key", {"key": EXAM_KEY})
    if not rows:
        return None
    try:
        data = json.loads(rows[0][0])
        return Exam(
            date=date.fromisoformat(data["date"]),
            window_days=int(data["window_days"]),
            max_per_day=None if data["max_per_day"] is None else int(data["max_per_day"]),
            decks=tuple(str(d) for d in data["decks"]),
            set_on=date.fromisoformat(data["set_on"]) if data.get("set_on") else None,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError(
            f"the stored exam settings are unreadable ({error}); `k8sprep exam clear` removes them"
        ) from None


def save_exam(db: Db, exam: Exam) -> None:
    """Store ``exam``, replacing any exam set before."""
    value = json.dumps(
        {
            "date": exam.date.isoformat(),
            "window_days": exam.window_days,
            "max_per_day": exam.max_per_day,
            "decks": list(exam.decks),
            "set_on": iso(exam.set_on),
        }
    )
    with db.transaction():
        db.run("DELETE FROM meta WHERE key = :key", {"key": EXAM_KEY})
        db.run(
            "INSERT INTO meta (key, value) VALUES (:key, :value)", {"key": EXAM_KEY, "value": value}
        )


def clear_exam(db: Db) -> bool:
    """Remove the exam; whether there was one."""
    had = bool(db.rows("SELECT 1 FROM meta WHERE key = :key", {"key": EXAM_KEY}))
    with db.transaction():
        db.run("DELETE FROM meta WHERE key = :key", {"key": EXAM_KEY})
    return had


def _decks(exam: Exam, deck: str | None, params: dict[str, Any]) -> str:
    """SQL restricting ``c`` to the exam decks (and to ``deck``), filling ``params``."""
    sql = ""
    if exam.decks:
        names = []
        for i, slug in enumerate(exam.decks):
            params[f"x{i}"] = slug
            names.append(f":x{i}")
        sql += f" AND c.deck IN ({', '.join(names)})"
    if deck:
        params["deck"] = deck
        sql += " AND c.deck = :deck"
    return sql


def exam_counts(db: Db, today: date, exam: Exam) -> ExamCounts:
    """The counts :func:`flashcards.schedule.exam.plan_day` works on."""
    params: dict[str, Any] = {"start": iso(exam.window_start), "today": iso(today)}
    decks = _decks(exam, None, params)
    where = f"WHERE {ACTIVE}" + decks
    # Counted apart, each on an index or a narrow scan: one pass joining every card to
    # its state takes four times as long on 100,000 cards.
    kept = db.rows(f"SELECT COUNT(*) FROM card c WHERE NOT c.retired{decks}", params)[0][0]
    suspended = db.rows(
        f"SELECT COUNT(*) {_FROM} WHERE s.suspended AND NOT c.retired{decks}", params
    )[0][0]
    seen = db.rows(f"SELECT COUNT(*) {_FROM} {where} AND s.last_day >= :start", params)[0][0]
    never = db.rows(f"SELECT COUNT(*) {_FROM} {where} AND s.due IS NULL", params)[0][0]
    cards = int(kept) - int(suspended)
    # Today's answers are few: the cards answered today, and what the log says of them.
    today_rows = db.rows(
        "SELECT "
        "COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM review_log r WHERE "
        "r.card_id = c.id AND r.day >= :start AND r.day < :today) THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM review_log r WHERE "
        "r.card_id = c.id AND r.day < :today) THEN 1 ELSE 0 END), 0) "
        f"{_FROM} {where} AND s.last_day = :today",
        params,
    )[0]
    firsts = db.rows(
        "SELECT COUNT(*) FROM review_log WHERE day = :today AND NOT redrill", {"today": iso(today)}
    )[0][0]
    in_window = today >= exam.window_start
    return ExamCounts(
        unseen=cards - int(seen),
        seen_today=int(today_rows[0]) if in_window else 0,
        never_answered=int(never),
        introduced_today=int(today_rows[1]),
        firsts_today=int(firsts),
        cards=cards,
    )


def unseen_ids(db: Db, exam: Exam, limit: int, deck: str | None = None) -> list[str]:
    """Exam cards not answered since the window started: the soonest due first, new last."""
    params: dict[str, Any] = {"start": iso(exam.window_start), "limit": limit}
    sql = (
        f"SELECT c.id {_FROM} WHERE {ACTIVE} AND {_UNSEEN}"
        + _decks(exam, deck, params)
        + " ORDER BY s.due IS NULL, s.due, s.queue_order LIMIT :limit"
    )
    return [r[0] for r in db.rows(sql, params)]


def exam_new_ids(db: Db, exam: Exam, limit: int, deck: str | None = None) -> list[str]:
    """Never-answered exam cards in chapter order."""
    params: dict[str, Any] = {"limit": limit}
    sql = (
        f"SELECT c.id {_FROM} WHERE {ACTIVE} AND s.due IS NULL"
        + _decks(exam, deck, params)
        + " ORDER BY s.queue_order LIMIT :limit"
    )
    return [r[0] for r in db.rows(sql, params)]


def recent_last_days(db: Db, exam: Exam, total: int, since: date) -> dict[date | None, int]:
    """Exam cards by the study day of their last answer, from ``since`` on.

    The cards last answered before ``since`` (or never) are lumped under None: for any
    window starting on ``since`` or later they are all unseen. Only the recent days are
    read, on the ``last_day`` index, so this is cheap on 100,000 cards.
    """
    params: dict[str, Any] = {"since": iso(since)}
    rows = db.rows(
        f"SELECT s.last_day, COUNT(*) {_FROM} WHERE s.last_day >= :since AND {ACTIVE}"
        + _decks(exam, None, params)
        + " GROUP BY s.last_day",
        params,
    )
    recent: dict[date | None, int] = {date.fromisoformat(day): int(n) for day, n in rows}
    recent[None] = total - sum(recent.values())
    return recent


def other_dues(db: Db, exam: Exam, first: date, last: date) -> dict[date, int]:
    """Active cards outside the exam decks due from ``first`` to ``last``, by due date."""
    if not exam.decks:
        return {}
    params: dict[str, Any] = {"first": iso(first), "last": iso(last)}
    names = []
    for i, slug in enumerate(exam.decks):
        params[f"x{i}"] = slug
        names.append(f":x{i}")
    rows = db.rows(
        f"SELECT s.due, COUNT(*) {_FROM} WHERE {ACTIVE} AND s.due >= :first AND s.due <= :last "
        f"AND c.deck NOT IN ({', '.join(names)}) GROUP BY s.due",
        params,
    )
    return {date.fromisoformat(day): int(n) for day, n in rows}


def study_days(db: Db, first: date, last: date) -> set[date]:
    """Study days from ``first`` to ``last`` with at least one answer."""
    rows = db.rows(
        "SELECT DISTINCT day FROM review_log WHERE day >= :first AND day <= :last",
        {"first": iso(first), "last": iso(last)},
    )
    return {date.fromisoformat(r[0]) for r in rows}


def exam_status(db: Db, exam: Exam, config: Config, today: date) -> tuple[Feasibility, Progress]:
    """Whether ``exam`` fits from ``today`` on (with the smallest window and limit that do),
    and where the candidate stands (see :func:`flashcards.schedule.exam.progress`)."""
    counts = exam_counts(db, today, exam)
    dues = other_dues(db, exam, today, exam.date - timedelta(days=1))

    def check_from(since: date) -> Feasibility:
        recent = recent_last_days(db, exam, counts.cards, since)
        return feasibility(
            exam, config, today, unseen_since=recent, dues_on=dues,
            firsts_today=counts.firsts_today,
        )  # fmt: skip

    check = check_from(min(exam.window_start, today))
    if not check.ok:  # the smallest window may reach back further: count those days too
        check = check_from(min(exam.date - timedelta(days=MAX_WINDOW_DAYS), today))
    standing = progress(
        exam, config, today, counts, study_days=study_days(db, exam.window_start, today)
    )
    return check, standing


def exam_progress(db: Db, exam: Exam, config: Config, today: date) -> Progress:
    """Where the candidate stands, without the feasibility check (for ``due``, ``review``)."""
    counts = exam_counts(db, today, exam)
    return progress(
        exam, config, today, counts, study_days=study_days(db, exam.window_start, today)
    )
