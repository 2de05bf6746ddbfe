"""Re-importing ``k8sprep history --json``: rebuild a database's states from its log.

The history file is the review log as JSON, oldest first. Importing it into a fresh
database replays every answer through the store (:meth:`Store.record_review`), so
each card's state is rebuilt by the same SM-2 code that made it, and checks each
replayed answer against the states the file recorded: a file edited by hand, cut
short in the middle of a day, or meant for other decks is refused as a whole, in
one transaction, and nothing is written.

:func:`parse_history` is pure (text in, entries out) and names the line of every
problem; :func:`import_history` does the writing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flashcards.errors import HistoryFileError, StoreError
from flashcards.schedule.config import RETENTION_RANGE
from flashcards.schedule.sm2 import SM2State
from flashcards.schedule.studyday import study_day
from flashcards.store import Answer, Store
from flashcards.store import answers as store_answers

MAX_HISTORY_CHARS = 200_000_000
"""A decade of daily reviews is a few hundred MB of JSON at most; more is the wrong file
(also the most bytes ``history import`` reads)."""

MAX_INTEGER = 2**63 - 1
"""The largest whole number the database stores (SQLite and PostgreSQL BIGINT)."""

ENTRY_KEYS = ("id", "card_id", "time", "day", "grade", "redrill", "answer_ms", "before", "after")
FSRS_KEYS = ("scheduler", "desired_retention")
"""Written only for answers FSRS scheduled (``scheduler = "fsrs"``): ``"fsrs"`` and the
desired retention, so that the import gives them the same due dates."""
STATE_KEYS = ("repetitions", "interval", "easiness", "due", "lapses")


@dataclass(frozen=True)
class Snapshot:
    """A card's SM-2 state as a history entry records it."""

    sm2: SM2State
    due: date | None
    lapses: int


@dataclass(frozen=True)
class HistoryEntry:
    """One answer read from a history file, with the line it starts on."""

    line: int
    log_id: int
    card_id: str
    time: datetime
    day: date
    grade: int
    redrill: bool
    answer_ms: int
    before: Snapshot
    after: Snapshot
    fsrs_retention: float | None = None


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_history` wrote."""

    answers: int
    cards: int


def parse_history(text: str, path: str = "<history>") -> list[HistoryEntry]:
    """Entries of a ``k8sprep history --json`` file, oldest first.

    Raises:
        HistoryFileError: not JSON, not a list of answers, or an answer with a missing,
            unknown or ill-typed field; the message names the entry's line.
    """
    if len(text) > MAX_HISTORY_CHARS:
        raise HistoryFileError(
            "far larger than a review history; is this the right file?", path=path
        )
    text = text.removeprefix("\ufeff")
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        if position < len(text):
            _decode(decoder, text, position, path)  # report broken JSON as such
        raise HistoryFileError(
            "not a review history: expected a JSON list (k8sprep history --json)",
            path=path,
            line=_line(text, position),
        )
    entries: list[HistoryEntry] = []
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return _finish(entries, text, position + 1, path)
    line, counted = 1, 0  # counted incrementally: a big history must not cost n² scans
    while True:
        value, end = _decode(decoder, text, position, path)
        line, counted = line + text.count("\n", counted, position), position
        entries.append(_entry(value, path, line))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return _finish(entries, text, position + 1, path)
        raise HistoryFileError(
            "not valid JSON: expected ',' or ']'", path=path, line=_line(text, position)
        )


def _finish(entries: list[HistoryEntry], text: str, end: int, path: str) -> list[HistoryEntry]:
    rest = _skip_space(text, end)
    if rest < len(text):
        raise HistoryFileError(
            "not valid JSON: text after the list", path=path, line=_line(text, rest)
        )
    seen: dict[int, int] = {}
    for entry in entries:
        if entry.log_id in seen:
            raise HistoryFileError(
                f"answer id {entry.log_id} appears twice (first on line {seen[entry.log_id]})",
                path=path,
                line=entry.line,
            )
        seen[entry.log_id] = entry.line
    return sorted(entries, key=lambda entry: entry.log_id)


def _decode(decoder: json.JSONDecoder, text: str, position: int, path: str) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, position)
    except json.JSONDecodeError as error:
        raise HistoryFileError(
            f"not valid JSON: {error.msg}", path=path, line=error.lineno
        ) from None
    except RecursionError:
        raise HistoryFileError(
            "not valid JSON: nested too deeply", path=path, line=_line(text, position)
        ) from None
    except ValueError:  # a number of more than 4,300 digits: Python refuses to read it
        raise HistoryFileError(
            "not valid JSON: a number far too long", path=path, line=_line(text, position)
        ) from None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _entry(value: Any, path: str, line: int) -> HistoryEntry:
    def fail(message: str) -> HistoryFileError:
        return HistoryFileError(message, path=path, line=line)

    if not isinstance(value, dict):
        raise fail("each answer must be a JSON object")
    unknown = sorted(set(value) - set(ENTRY_KEYS) - set(FSRS_KEYS))
    if unknown:
        raise fail(f"unknown field {unknown[0]!r} (fields: {', '.join(ENTRY_KEYS)})")
    missing = [key for key in ENTRY_KEYS if key not in value]
    if missing:
        raise fail(f"answer has no {missing[0]!r}")
    try:
        entry = HistoryEntry(
            line=line,
            log_id=_int(value["id"], "id"),
            card_id=_text(value["card_id"], "card_id"),
            time=_time(value["time"]),
            day=_day(value["day"], "day"),
            grade=_int(value["grade"], "grade", high=5),
            redrill=_bool(value["redrill"], "redrill"),
            answer_ms=_int(value["answer_ms"], "answer_ms"),
            before=_snapshot(value["before"], "before"),
            after=_snapshot(value["after"], "after"),
            fsrs_retention=_fsrs_retention(value),
        )
    except ValueError as error:
        raise fail(str(error)) from None
    # The day is the study day of the time, whatever the rollover hour (0-23) was: the
    # time's date, or the day before for a time before 23:00. An edited time is refused.
    if entry.day not in (study_day(entry.time, 0), study_day(entry.time, 23)):
        raise fail(
            f"time {value['time']!r} does not fall on study day {value['day']!r} "
            "(the file was edited)"
        )
    return entry


def _fsrs_retention(value: dict[str, Any]) -> float | None:
    """The desired retention of an FSRS-scheduled answer; None for SM-2."""
    if "scheduler" not in value and "desired_retention" not in value:
        return None
    if value.get("scheduler") != "fsrs":
        raise ValueError(f'scheduler must be "fsrs" when given, got {value.get("scheduler")!r}')
    retention = value.get("desired_retention")
    low, high = RETENTION_RANGE
    if isinstance(retention, bool) or not isinstance(retention, int | float):
        raise ValueError(f"desired_retention must be a number, got {retention!r}")
    if not low <= retention <= high:
        raise ValueError(f"desired_retention must be from {low} to {high}, got {retention}")
    return float(retention)


def _int(value: Any, name: str, *, high: int = MAX_INTEGER) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, got {_clip(value)}")
    if value > high:
        raise ValueError(f"{name} must be from 0 to {high:,}, got {_clip(value)}")
    return value


def _clip(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def _time(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, "time"))
    except ValueError:
        raise ValueError(f"time must be an ISO 8601 time, got {value!r}") from None
    if moment.tzinfo is not None:
        raise ValueError(f"time must be a local time without a zone, got {value!r}")
    return moment


def _day(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(_text(value, name))
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), got {value!r}") from None


def _snapshot(value: Any, name: str) -> Snapshot:
    if not isinstance(value, dict) or set(value) != set(STATE_KEYS):
        raise ValueError(f"{name} must be an object with {', '.join(STATE_KEYS)}")
    easiness = value["easiness"]
    try:
        if not isinstance(easiness, str):
            raise InvalidOperation
        sm2 = SM2State(
            _int(value["repetitions"], f"{name} repetitions"),
            _int(value["interval"], f"{name} interval"),
            Decimal(easiness),
        )
    except (InvalidOperation, ValueError) as error:
        detail = str(error) if isinstance(error, ValueError) else f"easiness {easiness!r}"
        raise ValueError(f"{name}: {detail}") from None
    due = None if value["due"] is None else _day(value["due"], f"{name} due")
    return Snapshot(sm2, due, _int(value["lapses"], f"{name} lapses"))


def import_history(store: Store, entries: Sequence[HistoryEntry], path: str) -> ImportReport:
    """Replay ``entries`` into ``store``, whose review log must be empty, in one transaction.

    Raises:
        StoreError: the store already has answers (import into a fresh database).
        HistoryFileError: an entry names a card the store does not hold, or replaying
            it does not give the states the file recorded; nothing is written.
    """
    db = store.db
    logged = int(db.rows("SELECT COUNT(*) FROM review_log")[0][0])
    if logged:
        raise StoreError(
            f"{store.where}: already has {logged} answers; import a history into a fresh "
            "database (--db new.db), so that no answer is counted twice"
        )
    known = {row[0] for row in db.rows("SELECT id FROM card")}
    for entry in entries:
        if entry.card_id not in known:
            raise HistoryFileError(
                f"card {entry.card_id} is not in the database; import its deck first "
                "(k8sprep import DECK)",
                path=path,
                line=entry.line,
            )
    with db.transaction():
        for entry in entries:
            answer = store_answers.record_review(
                db,
                entry.card_id,
                time=entry.time,
                day=entry.day,
                grade=entry.grade,
                answer_ms=entry.answer_ms,
                fsrs_retention=entry.fsrs_retention,
            )
            _check_replay(entry, answer, path)
    return ImportReport(len(entries), len({entry.card_id for entry in entries}))


def _check_replay(entry: HistoryEntry, answer: Answer, path: str) -> None:
    replayed = (
        answer.redrill,
        Snapshot(answer.before, answer.before_due, answer.before_lapses),
        Snapshot(answer.after, answer.after_due, answer.after_lapses),
    )
    if replayed != (entry.redrill, entry.before, entry.after):
        raise HistoryFileError(
            f"answer {entry.log_id} for {entry.card_id} does not replay as recorded (the file "
            "was edited, or answers are missing before it); nothing imported",
            path=path,
            line=entry.line,
        )
