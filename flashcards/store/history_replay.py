"""Replaying a history file in memory, then writing it in two bulk statements.

Each answer goes through :func:`flashcards.schedule.answer.answer_card` (what the store
applies and ``verify`` replays), FSRS-scheduled ones get their due date from the card's
memory state as :func:`flashcards.store.scheduler_rule.fsrs_due` gives it, and the
replayed states must be the ones the file recorded. Only then is anything written: the
log in one ``executemany``, every card's final state in another, and the scheduler
periods in one ``meta`` row, all inside the caller's transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flashcards.errors import HistoryFileError
from flashcards.schedule.answer import answer_card
from flashcards.schedule.studyday import due_date
from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.values import STATE_COLUMNS, CardState, iso, to_sm2, to_state

if TYPE_CHECKING:
    from flashcards.schedule.memory import Memory
    from flashcards.store.history_entries import ParsedHistory, State

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


def start_states(db: Db) -> dict[str, tuple[State, str | None]]:
    """Every card's stored state, which its first replayed answer starts from.

    As :data:`State` columns and the last study day answered (ISO text or None); in a
    fresh database nearly all are a new card's, which share one value.
    """
    new = CardState()
    fresh = (0, 0, new.sm2.easiness_hundredths, None, 0, None, None, None)
    new_start: tuple[State, str | None] = ((0, 0, new.sm2.easiness_hundredths, None, 0), None)
    starts: dict[str, tuple[State, str | None]] = {}
    for row in db.rows(f"SELECT card_id, {STATE_COLUMNS} FROM card_state"):
        if row[1:9] == fresh and not row[9]:
            starts[row[0]] = new_start
            continue
        state = to_state(row[1:])  # read as every other command reads it
        sm2 = state.sm2
        columns = (sm2.repetitions, sm2.interval, sm2.easiness_hundredths, iso(state.due))
        starts[row[0]] = ((*columns, state.lapses), iso(state.last_day))
    return starts


def replay(
    history: ParsedHistory, starts: Mapping[str, tuple[State, str | None]], path: str
) -> Replayed:
    """Replay ``history`` from ``starts`` (:func:`start_states`); nothing is written.

    Works on the rows' plain columns: each distinct SM-2 step (a state and a grade) is
    asked of :func:`~flashcards.schedule.answer.answer_card` once (:func:`_step`), and
    each distinct due date of :func:`~flashcards.schedule.studyday.due_date` once, so
    the rule is the store's own while the loop handles only ints and strings.

    Raises:
        HistoryFileError: an answer does not replay to the states the file recorded.
    """
    shadow = None
    if history.retentions:
        from flashcards.schedule.memory import ShadowFSRS

        shadow = ShadowFSRS()
    rows, befores, afters = history.rows, history.befores, history.afters
    retentions, days = history.retentions, history.days
    memories: dict[str, Memory] = {}
    last: dict[str, tuple[State, str | None, int]] = {}
    """Each card's state so far (the file's own shared tuple once it replayed as such),
    its last study day and its last answer's place."""
    steps: dict[tuple[int, int, int, int, int], tuple[int, int, int, int]] = {}
    dues: dict[tuple[str, int], str] = {}
    changes: list[tuple[int, scheduler_rule.Rule]] = []
    rule = scheduler_rule.SM2
    for index, row in enumerate(rows):
        card_id, day, grade = row[0], row[2], row[3]
        so_far = last.get(card_id)
        if so_far is None:
            state, previous_day = starts[card_id]
        else:
            state, previous_day, _ = so_far
        if previous_day == day:  # a re-drill changes nothing (see answer_card)
            after, redrill = state, True
        else:
            key = (state[0], state[1], state[2], state[4], grade)
            reps, interval, hundredths, lapses = steps.get(key) or _step(key, steps)
            due = dues.get((day, interval)) or _due(day, interval, days, dues)
            after, redrill = (reps, interval, hundredths, due, lapses), False
        retention = retentions.get(index) if retentions else None
        if shadow is not None:  # FSRS memory counts every answer; its due date the first
            memory = memories[card_id] = shadow.step(memories.get(card_id), grade, days[day])
            if retention is not None and not redrill:
                interval = shadow.interval(memory.stability, retention)
                after = (*after[:3], due_date(days[day], interval).isoformat(), after[4])
        before, logged = befores[index], afters[index]
        if (
            redrill is not row[4]
            or (before is not state and before != state)
            or (after is not logged and after != logged)
        ):
            raise HistoryFileError(
                f"answer {history.ids[index]} for {card_id} does not replay as recorded (the "
                "file was edited, or answers are missing before it); nothing imported",
                path=path,
                line=history.line(index),
            )
        last[card_id] = (logged, day, index)
        if retention is not None or rule is not scheduler_rule.SM2:
            entry_rule = scheduler_rule.rule_for_retention(retention)
            if entry_rule != rule:
                changes.append((index, entry_rule))
                rule = entry_rule
    states = {
        card_id: (*afters[index], rows[index][1], rows[index][2], rows[index][3])
        for card_id, (_, _, index) in last.items()
    }
    return Replayed(rows, states, changes)


_ANY_DAY = date(2000, 1, 1)
"""The day :func:`_step` answers on: an SM-2 step does not depend on the day."""


def _step(
    key: tuple[int, int, int, int, int], steps: dict[tuple[int, int, int, int, int], Any]
) -> tuple[int, int, int, int]:
    """What :func:`answer_card` makes of a state (not answered that day) and a grade."""
    reps, interval, hundredths, lapses, grade = key
    state = CardState(to_sm2(reps, interval, hundredths), None, lapses)
    after, _ = answer_card(state, grade, day=_ANY_DAY)
    sm2 = after.sm2
    found = steps[key] = (sm2.repetitions, sm2.interval, sm2.easiness_hundredths, after.lapses)
    return found


def _due(
    day: str, interval: int, days: Mapping[str, date], dues: dict[tuple[str, int], str]
) -> str:
    """The due date (ISO) of an answer on ``day`` with ``interval``, remembered."""
    found = dues[day, interval] = due_date(days[day], interval).isoformat()
    return found


def write(db: Db, replayed: Replayed) -> None:
    """Write a replay: the log, the cards' states and the scheduler periods."""
    names = ", ".join(LOG_COLUMNS)
    sets = ", ".join(f"{column} = :{column}" for column in STATE_SET)
    insert = f"INSERT INTO review_log ({names}) VALUES ({', '.join(':' + c for c in LOG_COLUMNS)})"
    update = f"UPDATE card_state SET {sets} WHERE card_id = :card_id"
    states = [(*values, card_id) for card_id, values in replayed.states.items()]
    if db.sqlite is not None:  # positional parameters: the fastest the driver binds
        with _indexes_made_after(db.sqlite, "review_log"):
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


@contextlib.contextmanager
def _indexes_made_after(connection: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s indexes for the block and make them again after it, as they were.

    Filling an empty table and then sorting each index once is about a third faster
    than keeping every index in order row by row. Each index is made again from its own
    ``CREATE INDEX`` text, so the schema is exactly as before; inside the caller's
    transaction, a failure rolls the drop back with everything else.
    """
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()
    for name, _ in indexes:
        quoted = name.replace('"', '""')
        connection.execute(f'DROP INDEX "{quoted}"')
    yield
    for _, sql in indexes:
        connection.execute(sql)
