"""The review database's side of the Anki round trip: progress out, Anki's answers in.

Out: every card's state and the whole log, already in the shape of Anki's review
log, for ``export anki --with-progress``.

In (``import-anki``): each answer from Anki's review log that the log does not
hold yet is merged into the card's log in time order, and the card's states are
replayed through :func:`flashcards.schedule.answer.answer_card` from the first
answer that moved, so the log stays the truth and ``verify`` stays clean. An
answer is already held when its revlog id is one an export of this log gives
(:func:`flashcards.schedule.anki_log.revlog_ids`), or, should a second have been
crowded, when the card has an answer of the same second with the same button.
Answers that came from Anki keep their millisecond in ``answered_at``, so the next
export gives Anki back its own ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flashcards.files.gcpause import gc_paused
from flashcards.files.localtime import iso_epoch_ms_all, local_time
from flashcards.schedule.anki_log import (
    ANKI_EASE,
    LEARN_ENTRY,
    MAX_ANSWER_MS,
    RELEARN_ENTRY,
    REVIEW_ENTRY,
    revlog_ids,
)
from flashcards.schedule.answer import answer_card
from flashcards.schedule.records import CardState
from flashcards.schedule.studyday import study_day
from flashcards.store.connection import Db
from flashcards.store.values import (
    CARD_COLUMNS,
    STATE_COLUMNS,
    StoredCard,
    iso,
    prefixed_columns,
    to_stored_card,
)

ATTACHED = "k8sprep"
"""The name an Anki package's collection attaches an SQLite review database under, to
read its progress itself (:data:`ATTACHED_STATE_SQL`, :data:`ATTACHED_LOG_SQL`)."""

_STATES = (
    "SELECT s.card_id AS card_id, s.due AS due, s.interval_days AS interval_days, "
    "s.easiness AS easiness, s.lapses AS lapses, s.suspended AS suspended, "
    # counted in the log's card index, card by card: no grouped copy of the log to join
    "(SELECT COUNT(*) FROM {schema}review_log l WHERE l.card_id = s.card_id) AS answers "
    "FROM {schema}card_state s"
)
STATE_SQL = _STATES.format(schema="")
ATTACHED_STATE_SQL = _STATES.format(schema=f"{ATTACHED}.")
_EASE = " ".join(f"WHEN {grade} THEN {ease}" for grade, ease in enumerate(ANKI_EASE))
_LOG = (
    # Already in the shape of Anki's revlog: the database does the per-row work.
    f"card_id, answered_at, CASE grade {_EASE} END AS ease, after_interval AS ivl, "
    "before_interval AS last_ivl, after_easiness * 10 AS factor, "
    f"CASE WHEN answer_ms < 0 THEN 0 WHEN answer_ms > {MAX_ANSWER_MS} "
    f"THEN {MAX_ANSWER_MS} ELSE answer_ms END AS taken, CASE WHEN redrill THEN {REVIEW_ENTRY} "
    f"WHEN before_due IS NULL THEN {LEARN_ENTRY} "
    f"WHEN before_repetitions > 0 AND grade < 3 THEN {RELEARN_ENTRY} ELSE {REVIEW_ENTRY} END "
    "AS kind FROM {schema}review_log"
)
LOG_SQL = f"SELECT {_LOG.format(schema='')} ORDER BY id"
ATTACHED_LOG_SQL = f"SELECT id, {_LOG.format(schema=f'{ATTACHED}.')}"
""":data:`LOG_SQL`'s columns after the log's own ``id``, in no particular order."""
FIRST_DAY_SQL = "SELECT MIN(day) FROM {schema}review_log"
ATTACHED_FIRST_DAY_SQL = FIRST_DAY_SQL.format(schema=f"{ATTACHED}.")


def progress_rows(
    db: Db,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str | None]:
    """What ``export anki --with-progress`` carries: every card's state and answer count
    (:data:`STATE_SQL`), every answer oldest first as Anki's revlog has it
    (:data:`LOG_SQL`), and the first study day with an answer (None: none yet)."""
    first = db.rows(FIRST_DAY_SQL.format(schema=""))[0][0]
    with gc_paused():
        return db.rows(STATE_SQL), db.rows(LOG_SQL), first


def sqlite_file(db: Db) -> Path | None:
    """The SQLite file behind ``db``; None for a server or an in-memory database."""
    if db.sqlite is None:
        return None
    for _, name, file in db.sqlite.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    return None


def card_ids(db: Db) -> list[str]:
    """Every card the database knows, retired ones too (their answers still count)."""
    return [str(row[0]) for row in db.rows("SELECT id FROM card")]


def retired_count(db: Db) -> int:
    """Cards gone from their YAML that the database keeps."""
    return int(db.rows("SELECT COUNT(*) FROM card WHERE retired")[0][0])


@dataclass(frozen=True)
class AnkiAnswer:
    """One answer from Anki's review log, for a card k8sprep knows."""

    revlog_id: int
    card_id: str
    ease: int
    """Anki's button: 1 Again, 2 Hard, 3 Good, 4 Easy."""
    answer_ms: int


@dataclass(frozen=True)
class MergeReport:
    """What :func:`merge_answers` added (or, in a dry run, would add)."""

    added: int
    present: int
    cards: int
    """Cards that gained answers."""


@dataclass
class _Row:
    log_id: int | None  # None: new, from Anki
    time: datetime
    stamp: str
    day: date
    grade: int
    answer_ms: int


def merge_answers(
    db: Db,
    answers: Sequence[AnkiAnswer],
    *,
    quality_of: dict[int, int],
    rollover_hour: int,
    dry_run: bool = False,
) -> MergeReport:
    """Add the answers the log does not hold and replay the cards they touch, in one
    transaction (nothing is written with ``dry_run``)."""
    with db.transaction():
        logged = db.rows(
            "SELECT id, card_id, answered_at, day, grade, answer_ms FROM review_log ORDER BY id"
        )
        stamps = iso_epoch_ms_all([row[2] for row in logged])
        ids = revlog_ids(stamps, [len(row[2]) > 19 for row in logged])
        known = {(row[1], revlog_id) for row, revlog_id in zip(logged, ids, strict=True)}
        by_second = Counter(
            (row[1], stamp // 1000, ANKI_EASE[int(row[4])])
            for row, stamp in zip(logged, stamps, strict=True)
        )
        new: dict[str, list[_Row]] = {}
        present = 0
        for answer in sorted(answers, key=lambda a: a.revlog_id):
            key = (answer.card_id, answer.revlog_id // 1000, answer.ease)
            if (answer.card_id, answer.revlog_id) in known:
                present += 1
                by_second[key] -= 1
                continue
            if by_second[key] > 0:
                present += 1
                by_second[key] -= 1
                continue
            known.add((answer.card_id, answer.revlog_id))
            moment = local_time(answer.revlog_id)
            new.setdefault(answer.card_id, []).append(
                _Row(
                    None,
                    moment,
                    moment.isoformat(timespec="milliseconds"),
                    study_day(moment, rollover_hour),
                    quality_of[answer.ease],
                    max(0, answer.answer_ms),
                )
            )
        if not dry_run:
            existing: dict[str, list[_Row]] = {card_id: [] for card_id in new}
            for row in logged:
                if row[1] in existing:
                    moment = datetime.fromisoformat(row[2])
                    existing[row[1]].append(
                        _Row(
                            int(row[0]),
                            moment,
                            row[2],
                            date.fromisoformat(row[3]),
                            int(row[4]),
                            int(row[5]),
                        )
                    )
            for card_id, rows in new.items():
                _rewrite_card(db, card_id, existing[card_id], rows)
    return MergeReport(sum(len(rows) for rows in new.values()), present, len(new))


def _merged(existing: list[_Row], new: list[_Row]) -> list[_Row]:
    """``new`` (in time order) placed among ``existing`` (kept in log order) by time."""
    merged: list[_Row] = []
    position = 0
    for row in existing:
        while position < len(new) and new[position].time < row.time:
            merged.append(new[position])
            position += 1
        merged.append(row)
    merged.extend(new[position:])
    return merged


def _rewrite_card(db: Db, card_id: str, existing: list[_Row], new: list[_Row]) -> None:
    """Replay the card's merged log; rewrite the log from the first row that moved."""
    merged = _merged(existing, new)
    keep = 0
    while keep < len(existing) and merged[keep] is existing[keep]:
        keep += 1
    for row in existing[keep:]:
        db.run("DELETE FROM review_log WHERE id = :id", {"id": row.log_id})
    state = CardState()
    for index, row in enumerate(merged):
        after, redrill = answer_card(state, row.grade, day=row.day)
        if index >= keep:
            _insert(db, card_id, row, state, after, redrill)
        state = after
    last = merged[-1]
    db.run(
        "UPDATE card_state SET repetitions = :r, interval_days = :i, easiness = :e, due = :d, "
        "lapses = :l, last_review = :lr, last_day = :ld, last_grade = :lg WHERE card_id = :c",
        {
            "r": state.sm2.repetitions,
            "i": state.sm2.interval,
            "e": state.sm2.easiness_hundredths,
            "d": iso(state.due),
            "l": state.lapses,
            "lr": last.stamp,
            "ld": iso(state.last_day),
            "lg": state.last_grade,
            "c": card_id,
        },
    )


def _insert(
    db: Db, card_id: str, row: _Row, before: CardState, after: CardState, redrill: bool
) -> None:
    db.run(
        "INSERT INTO review_log (card_id, answered_at, day, grade, redrill, answer_ms, "
        "before_repetitions, before_interval, before_easiness, before_due, before_lapses, "
        "after_repetitions, after_interval, after_easiness, after_due, after_lapses) "
        "VALUES (:id, :time, :day, :grade, :redrill, :ms, :br, :bi, :be, :bd, :bl, "
        ":ar, :ai, :ae, :ad, :al)",
        {
            "id": card_id,
            "time": row.stamp,
            "day": iso(row.day),
            "grade": row.grade,
            "redrill": redrill,
            "ms": row.answer_ms,
            "br": before.sm2.repetitions,
            "bi": before.sm2.interval,
            "be": before.sm2.easiness_hundredths,
            "bd": iso(before.due),
            "bl": before.lapses,
            "ar": after.sm2.repetitions,
            "ai": after.sm2.interval,
            "ae": after.sm2.easiness_hundredths,
            "ad": iso(after.due),
            "al": after.lapses,
        },
    )


def retired_cards(db: Db) -> list[StoredCard]:
    """Every retired card with its deck, in chapter and deck order."""
    return [
        to_stored_card(row)
        for row in db.rows(
            f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
            "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id "
            "WHERE c.retired ORDER BY c.chapter, c.position"
        )
    ]
