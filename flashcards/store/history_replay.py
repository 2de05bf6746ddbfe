"""Replaying a history file in memory, then writing it in two bulk statements.

Each answer goes through :func:`flashcards.schedule.answer.answer_card` (what the store
applies and ``verify`` replays), FSRS-scheduled ones get their due date from the card's
memory state as :func:`flashcards.store.scheduler_rule.fsrs_due` gives it, and the
replayed states must be the ones the file recorded. Only then is anything written: the
log in one ``executemany``, every card's final state in another, and the scheduler
periods in one ``meta`` row, all inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from flashcards.errors import HistoryFileError
from flashcards.schedule.answer import answer_card
from flashcards.schedule.studyday import due_date
from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.values import STATE_COLUMNS, CardState, iso, to_state

if TYPE_CHECKING:
    from flashcards.schedule.memory import Memory
    from flashcards.store.history_entries import HistoryEntry, Snapshot

LOG_COLUMNS = (
    "card_id",
    "answered_at",
    "day",
    "grade",
    "redrill",
    "answer_ms",
    "before_repetitions",
    "before_interval",
    "before_easiness",
    "before_due",
    "before_lapses",
    "after_repetitions",
    "after_interval",
    "after_easiness",
    "after_due",
    "after_lapses",
    "typed_answer",
    "verdict",
)
STATE_SET = (
    "repetitions",
    "interval_days",
    "easiness",
    "due",
    "lapses",
    "last_review",
    "last_day",
    "last_grade",
)


@dataclass(frozen=True)
class Replayed:
    """What a replay writes: log rows in order, final states, scheduler changes."""

    log_rows: list[tuple[Any, ...]]
    states: dict[str, tuple[Any, ...]]
    """Per card, the :data:`STATE_SET` values of its last answer."""
    rule_changes: list[tuple[int, scheduler_rule.Rule]]
    """``(place in the log, rule)`` wherever the scheduler changes (none: SM-2 throughout)."""


def start_states(db: Db) -> dict[str, CardState]:
    """Every card's stored state, which the first replayed answer starts from.

    In a fresh database nearly all are a new card's: those share one value.
    """
    new = CardState()
    fresh = (0, 0, new.sm2.easiness_hundredths, None, 0, None, None, None)
    return {
        row[0]: new if row[1:9] == fresh and not row[9] else to_state(row[1:])
        for row in db.rows(f"SELECT card_id, {STATE_COLUMNS} FROM card_state")
    }


def replay(entries: Sequence[HistoryEntry], starts: Mapping[str, CardState], path: str) -> Replayed:
    """Replay ``entries`` (ordered by answer id) from ``starts``; nothing is written.

    Raises:
        HistoryFileError: an answer does not replay to the states the file recorded.
    """
    shadow = None
    if any(entry.fsrs_retention is not None for entry in entries):
        from flashcards.schedule.memory import ShadowFSRS

        shadow = ShadowFSRS()
    memories: dict[str, Memory] = {}
    states: dict[str, CardState] = {}
    last: dict[str, tuple[Any, ...]] = {}
    rows: list[tuple[Any, ...]] = []
    changes: list[tuple[int, scheduler_rule.Rule]] = []
    rule = scheduler_rule.SM2
    # The reader shares one Snapshot per distinct state, so a card's answers hand their
    # states on as the same objects: the columns of each are worked out once (keyed by
    # identity, as ``entries`` keeps them alive), and an answer whose state before is the
    # very object recorded after the card's previous answer needs no comparing.
    columns: dict[int, tuple[Any, ...]] = {}
    previous: dict[str, Snapshot] = {}
    days: dict[date, str] = {}
    for place, entry in enumerate(entries):
        card_id, grade, day, before, logged = (
            entry.card_id,
            entry.grade,
            entry.day,
            entry.before,
            entry.after,
        )
        state = states.get(card_id) or starts[card_id]
        after, redrill = answer_card(state, grade, day=day, at=entry.time)
        retention = entry.fsrs_retention
        if shadow is not None:  # FSRS memory counts every answer; its due date the first
            memory = memories[card_id] = shadow.step(memories.get(card_id), grade, day)
            if retention is not None and not redrill:
                interval = shadow.interval(memory.stability, retention)
                after = replace(after, due=due_date(day, interval))
        if (
            redrill is not entry.redrill
            or (
                before is not previous.get(card_id)
                and (state.sm2, state.due, state.lapses) != before
            )
            or (after.sm2, after.due, after.lapses) != logged
        ):
            raise HistoryFileError(
                f"answer {entry.log_id} for {card_id} does not replay as recorded (the "
                "file was edited, or answers are missing before it); nothing imported",
                path=path,
                line=entry.line,
            )
        states[card_id] = after
        previous[card_id] = logged
        if retention is not None or rule is not scheduler_rule.SM2:
            entry_rule = scheduler_rule.rule_for_retention(retention)
            if entry_rule != rule:
                changes.append((place, entry_rule))
                rule = entry_rule
        before_columns = columns.get(id(before)) or _columns(before, columns)
        after_columns = columns.get(id(logged)) or _columns(logged, columns)
        today = days.get(day) or days.setdefault(day, day.isoformat())
        moment = entry.time_text
        rows.append(
            (
                card_id,
                moment,
                today,
                grade,
                redrill,
                entry.answer_ms,
                *before_columns,
                *after_columns,
                entry.typed_answer,
                entry.verdict,
            )
        )
        last[card_id] = (*after_columns, moment, today, grade)
    return Replayed(rows, last, changes)


def _columns(snapshot: Snapshot, known: dict[int, tuple[Any, ...]]) -> tuple[Any, ...]:
    """A snapshot as the log's five columns of a state, remembered by identity."""
    sm2 = snapshot.sm2
    found = known[id(snapshot)] = (
        sm2.repetitions,
        sm2.interval,
        sm2.easiness_hundredths,
        iso(snapshot.due),
        snapshot.lapses,
    )
    return found


def write(db: Db, replayed: Replayed) -> None:
    """Write a replay: the log, the cards' states and the scheduler periods."""
    names = ", ".join(LOG_COLUMNS)
    sets = ", ".join(f"{column} = :{column}" for column in STATE_SET)
    insert = f"INSERT INTO review_log ({names}) VALUES ({', '.join(':' + c for c in LOG_COLUMNS)})"
    update = f"UPDATE card_state SET {sets} WHERE card_id = :card_id"
    states = [(*values, card_id) for card_id, values in replayed.states.items()]
    if db.sqlite is not None:  # positional parameters: the fastest the driver binds
        db.sqlite.executemany(
            f"INSERT INTO review_log ({names}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
            replayed.log_rows,
        )
        db.sqlite.executemany(
            f"UPDATE card_state SET {', '.join(c + ' = ?' for c in STATE_SET)} WHERE card_id = ?",
            states,
        )
    else:
        db.run(insert, [dict(zip(LOG_COLUMNS, row, strict=True)) for row in replayed.log_rows])
        db.run(update, [dict(zip((*STATE_SET, "card_id"), row, strict=True)) for row in states])
    if replayed.rule_changes:  # the ids the log rows were given, in order
        ids = [int(row[0]) for row in db.rows("SELECT id FROM review_log ORDER BY id")]
        periods = [(ids[place], rule) for place, rule in replayed.rule_changes]
        scheduler_rule.store_periods(db, periods)
    elif scheduler_rule.periods(db):  # left from answers no longer logged
        scheduler_rule.store_periods(db, [])
