"""``k8sprep verify``: is the database sound, and does every state follow from its log?

The review log is the truth and each card's state a cache of it. Replaying a card's
answers through SM-2 (:func:`flashcards.schedule.sm2.review`) with the store's own rules must
give back, row by row, the "before" and "after" states the log recorded and, at the
end, the state stored for the card:

- the first answer of a study day schedules; later answers the same study day are
  re-drills, logged with the state unchanged;
- a lapse (grade < 3 on a card with passes in a row) adds one to ``lapses``;
- an undone answer is gone from the log and its effect gone from the state, so an
  undo leaves nothing to explain;
- an answer given under ``scheduler = "fsrs"`` (the periods in
  :mod:`flashcards.store.scheduler_rule`) has the due date FSRS gives the card's memory
  state replayed from its log; its SM-2 numbers follow SM-2 as always.

:func:`replay_card` is pure; :func:`verify_database` reads the rows and adds SQLite's
own integrity and foreign-key checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from flashcards.schedule.answer import answer_card
from flashcards.schedule.sm2 import SM2State
from flashcards.schedule.studyday import due_date
from flashcards.store.connection import Db
from flashcards.store.scheduler_rule import Rule, periods, rule_of
from flashcards.store.values import (
    LOG_COLUMNS,
    STATE_COLUMNS,
    Answer,
    CardState,
    to_answer,
    to_state,
)

if TYPE_CHECKING:
    from flashcards.schedule.memory import Memory, ShadowFSRS

MAX_PROBLEMS_SHOWN = 50
"""A badly broken database could list thousands; the first ones are enough to act on."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong, about one card (``card_id``) or the whole database ("")."""

    card_id: str
    message: str

    def __str__(self) -> str:
        return f"card {self.card_id}: {self.message}" if self.card_id else self.message


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify_database` looked at and found."""

    cards: int = 0
    answers: int = 0
    integrity_checked: bool = False
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def replay_card(
    card_id: str,
    answers: Sequence[Answer],
    stored: CardState,
    fsrs: FsrsPeriods | None = None,
) -> list[Problem]:
    """Problems found replaying one card's log (oldest first) against its stored state.

    Reports the first answer whose logged states disagree with the replay (later ones
    would only repeat it), then any difference in the final stored state. With
    ``fsrs``, the answers given under ``scheduler = "fsrs"`` have FSRS due dates.
    """
    problems: list[Problem] = []
    at = CardState()
    memory: Memory | None = None
    for answer in answers:
        if answer.card_id != card_id:
            raise ValueError(f"answer {answer.log_id} is for {answer.card_id}, not {card_id}")
        try:
            after, redrill = answer_card(at, answer.grade, day=answer.day)
        except ValueError:
            problems.append(Problem(card_id, f"answer {answer.log_id} has grade {answer.grade}"))
            return problems
        if fsrs is not None:  # FSRS memory counts every answer; its due date the first
            memory = fsrs.shadow.step(memory, answer.grade, answer.day)
            name, retention = rule_of(fsrs.periods, answer.log_id)
            if not redrill and name == "fsrs" and retention is not None:
                interval = fsrs.shadow.interval(memory.stability, retention)
                after = replace(after, due=due_date(answer.day, interval))
        found = _disagreement(answer, at, after, redrill)
        if found and not problems:
            problems.append(Problem(card_id, f"answer {answer.log_id} ({answer.day}): {found}"))
        at = after
    expected = (at.sm2, at.due, at.lapses, at.last_day, at.last_grade)
    actual = (stored.sm2, stored.due, stored.lapses, stored.last_day, stored.last_grade)
    if expected != actual:
        problems.append(Problem(card_id, "stored state " + _diff(actual, expected)))
    if answers and stored.last_review != answers[-1].time:
        problems.append(
            Problem(card_id, f"last review {stored.last_review} but last answer {answers[-1].time}")
        )
    return problems


@dataclass(frozen=True)
class FsrsPeriods:
    """What replaying FSRS-scheduled answers needs: the model and the recorded periods."""

    shadow: ShadowFSRS
    periods: list[tuple[int, Rule]]


def _disagreement(answer: Answer, before: CardState, after: CardState, redrill: bool) -> str:
    if answer.redrill != redrill:
        said = "a re-drill" if answer.redrill else "the first answer of its day"
        return f"logged as {said}, but the log before it says otherwise"
    logged_before = (answer.before, answer.before_due, answer.before_lapses)
    if logged_before != (before.sm2, before.due, before.lapses):
        return "state before it " + _diff(logged_before, (before.sm2, before.due, before.lapses))
    logged_after = (answer.after, answer.after_due, answer.after_lapses)
    if logged_after != (after.sm2, after.due, after.lapses):
        return "state after it " + _diff(logged_after, (after.sm2, after.due, after.lapses))
    return ""


def _diff(actual: tuple[object, ...], expected: tuple[object, ...]) -> str:
    return f"is {_show(actual)}, replaying the log gives {_show(expected)}"


def _show(values: tuple[object, ...]) -> str:
    sm2, due, lapses, *rest = values
    assert isinstance(sm2, SM2State)
    text = (
        f"reps {sm2.repetitions} ivl {sm2.interval}d ease {sm2.easiness} due {due} lapses {lapses}"
    )
    if rest:
        text += f" last day {rest[0]} grade {rest[1]}"
    return f"({text})"


def verify_database(db: Db, *, integrity: bool = True) -> VerifyReport:
    """Integrity (SQLite) plus a replay of every card's log against its stored state.

    Everything is read in one snapshot (:meth:`Db.snapshot`), so a review answered in
    another terminal meanwhile is seen whole or not at all, never as a state without
    its log row. ``integrity`` False skips SQLite's page check (a database just built
    from checked rows).
    """
    with db.snapshot():
        return _verify(db, integrity=integrity and db.sqlite is not None)


def _verify(db: Db, *, integrity: bool) -> VerifyReport:
    problems: list[Problem] = []
    if integrity:
        problems += [Problem("", f"integrity: {line}") for line in _sqlite_integrity(db)]
        if problems:  # replaying a damaged file could only add noise
            return VerifyReport(0, 0, True, tuple(problems))
    states: dict[str, CardState] = {}
    for row in db.rows(f"SELECT card_id, {STATE_COLUMNS} FROM card_state ORDER BY card_id"):
        try:
            states[row[0]] = to_state(row[1:])
        except (TypeError, ValueError) as error:
            problems.append(Problem(row[0], f"unreadable state ({error})"))
    cards = [row[0] for row in db.rows("SELECT id FROM card ORDER BY id")]
    problems += [Problem(c, "has no review state") for c in cards if c not in states]
    known = set(cards)
    problems += [
        Problem(c, "state for a card that does not exist") for c in states if c not in known
    ]
    problems += [
        Problem(row[0], f"state names deck {row[1]!r}, the card is in {row[2]!r}")
        for row in db.rows(
            "SELECT s.card_id, s.deck, CASE WHEN c.retired THEN NULL ELSE c.deck END "
            "FROM card_state s JOIN card c ON c.id = s.card_id WHERE COALESCE(s.deck, '') != "
            "COALESCE(CASE WHEN c.retired THEN NULL ELSE c.deck END, '') ORDER BY s.card_id"
        )
    ]
    logs, answers = _answers_by_card(db, problems)
    for card_id in logs:
        if card_id not in known:
            problems.append(Problem(card_id, "answers logged for a card that does not exist"))
    fsrs = _fsrs_periods(db)
    for card_id, state in states.items():
        problems += replay_card(card_id, logs.get(card_id, []), state, fsrs)
    return VerifyReport(len(cards), answers, integrity, tuple(problems))


def _fsrs_periods(db: Db) -> FsrsPeriods | None:
    """The FSRS periods to replay by, or None when SM-2 scheduled every answer."""
    found = periods(db)
    if not any(name == "fsrs" for _start, (name, _retention) in found):
        return None
    from flashcards.schedule.memory import ShadowFSRS

    return FsrsPeriods(ShadowFSRS(), found)


def _answers_by_card(db: Db, problems: list[Problem]) -> tuple[dict[str, list[Answer]], int]:
    logs: dict[str, list[Answer]] = {}
    count = 0
    for row in db.rows(f"SELECT {LOG_COLUMNS} FROM review_log ORDER BY card_id, id"):
        count += 1
        try:
            answer = to_answer(row)
        except (TypeError, ValueError) as error:
            problems.append(Problem(str(row[1]), f"answer {row[0]} is unreadable ({error})"))
            continue
        logs.setdefault(answer.card_id, []).append(answer)
    return logs, count


def _sqlite_integrity(db: Db) -> Iterable[str]:
    lines = [str(row[0]) for row in db.rows("PRAGMA integrity_check")]
    if lines != ["ok"]:
        yield from lines[:MAX_PROBLEMS_SHOWN]
        return
    for table, rowid, parent, _ in db.rows("PRAGMA foreign_key_check"):
        yield f"row {rowid} of {table} points to a missing {parent}"
