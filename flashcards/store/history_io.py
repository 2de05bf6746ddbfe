"""Re-importing ``k8sprep history --json``: rebuild a database from its review log.

The history file is the review log as JSON, oldest first; the first answer of each
card also carries the card itself (:mod:`flashcards.store.history_cards`), so the file
rebuilds a database on its own, the user's own decks and retired cards included. Files
written before the cards were added import as before, into a database that has the
cards. Importing replays every answer in memory through the same rule that made it
(:func:`flashcards.schedule.answer.answer_card`, as ``verify`` does) and checks each
against the states the file recorded: a file edited by hand, cut short in the middle
of a day, or meant for other decks is refused as a whole, in one transaction, and
nothing is written. The replayed answers are then written in two bulk statements.

:func:`parse_history` is pure (text in, entries out) and names the line of every
problem; :func:`import_history` does the writing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flashcards.errors import HistoryFileError, StoreError
from flashcards.files.gcpause import gc_paused
from flashcards.schedule.config import RETENTION_RANGE
from flashcards.schedule.sm2 import SM2State
from flashcards.store import Store, history_replay
from flashcards.store.history_cards import add_missing_cards, parse_card, text_field
from flashcards.store.history_entries import HistoryEntry, Lines, Snapshot

MAX_HISTORY_CHARS = 200_000_000
"""A decade of daily reviews is a few hundred MB of JSON at most; more is the wrong file
(also the most bytes ``history import`` reads)."""

MAX_INTEGER = 2**63 - 1
"""The largest whole number the database stores (SQLite and PostgreSQL BIGINT)."""

ENTRY_KEYS = ("id", "card_id", "time", "day", "grade", "redrill", "answer_ms", "before", "after")
FSRS_KEYS = ("scheduler", "desired_retention")
"""Written only for answers FSRS scheduled (``scheduler = "fsrs"``): ``"fsrs"`` and the
desired retention, so that the import gives them the same due dates."""
DRILL_KEYS = ("typed_answer", "verdict")
"""Written only for drill answers: what was typed and the grader's verdict."""
CARD_KEY = "card"
"""On the first answer of each card: the card (see :mod:`flashcards.store.history_cards`)."""
STATE_KEYS = ("repetitions", "interval", "easiness", "due", "lapses")

MAX_TYPED_CHARS = 100_000
"""A typed drill answer: as long as ``restore`` accepts."""

_ENTRY_KEYS = frozenset(ENTRY_KEYS)
_ALL_KEYS = _ENTRY_KEYS | set(FSRS_KEYS) | set(DRILL_KEYS) | {CARD_KEY}
_STATE_KEYS = frozenset(STATE_KEYS)
_VERDICTS = frozenset(("right", "partly", "wrong", "trap", "unsure"))
_DAY_BEFORE = timedelta(hours=23)
_CANONICAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_history` wrote."""

    answers: int
    cards: int
    created: int = 0
    """Cards the database lacked, made from the file."""


def parse_history(text: str, path: str = "<history>") -> list[HistoryEntry]:
    """Entries of a ``k8sprep history --json`` file, ordered by answer id.

    Raises:
        HistoryFileError: not JSON, not a list of answers, an answer or card with a
            missing, unknown or ill-typed field, or one card described two ways; the
            message names the entry's line.
    """
    if len(text) > MAX_HISTORY_CHARS:
        raise HistoryFileError(
            "far larger than a review history; is this the right file?", path=path
        )
    text = text.removeprefix("\ufeff")
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        if position < len(text):
            _decode(json.JSONDecoder(), text, position, path)  # report broken JSON as such
        raise HistoryFileError(
            "not a review history: expected a JSON list (k8sprep history --json)",
            path=path,
            line=_line(text, position),
        )
    with gc_paused():  # a million small objects, no cycles: collecting is wasted time
        try:
            values = json.loads(text)
        except (ValueError, RecursionError):  # found again, in order, with the line
            return _parse_in_order(text, position, path)
        reader = _Reader(path, Lines(text, _element_lines))
        entries = [reader.entry(value, index) for index, value in enumerate(values)]
        del values
        return _finish(entries, path)


def _parse_in_order(text: str, position: int, path: str) -> list[HistoryEntry]:
    """Entry by entry, so that the first problem in the file is the one reported."""
    decoder = json.JSONDecoder()
    known: list[int] = []
    reader = _Reader(path, Lines(text, _element_lines, known))
    entries: list[HistoryEntry] = []
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return _finish(entries, path, text, position + 1)
    line, counted = 1, 0  # counted incrementally: a big history must not cost n² scans
    while True:
        value, end = _decode(decoder, text, position, path)
        line, counted = line + text.count("\n", counted, position), position
        known.append(line)
        entries.append(reader.entry(value, len(entries)))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return _finish(entries, path, text, position + 1)
        raise HistoryFileError(
            "not valid JSON: expected ',' or ']'", path=path, line=_line(text, position)
        )


def _element_lines(text: str) -> list[int]:
    """The line each element of the JSON list ``text`` (known to be valid) starts on."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = _skip_space(text, _skip_space(text, 0) + 1)
    line, counted = 1, 0
    while position < len(text) and text[position] != "]":
        _, end = decoder.raw_decode(text, position)
        line, counted = line + text.count("\n", counted, position), position
        lines.append(line)
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    return lines


def _finish(
    entries: list[HistoryEntry], path: str, text: str = "", end: int = 0
) -> list[HistoryEntry]:
    if text:
        rest = _skip_space(text, end)
        if rest < len(text):
            raise HistoryFileError(
                "not valid JSON: text after the list", path=path, line=_line(text, rest)
            )
    seen: dict[int, HistoryEntry] = {}
    for entry in entries:
        first = seen.setdefault(entry.log_id, entry)
        if first is not entry:
            raise HistoryFileError(
                f"answer id {entry.log_id} appears twice (first on line {first.line})",
                path=path,
                line=entry.line,
            )
    _check_cards(entries, path)
    return sorted(entries, key=lambda entry: entry.log_id)


def _check_cards(entries: list[HistoryEntry], path: str) -> None:
    """One card, or one deck, described two ways is an edited file."""
    cards: dict[str, HistoryEntry] = {}
    decks: dict[str, HistoryEntry] = {}
    for entry in entries:
        card = entry.card
        if card is None:
            continue
        first = cards.setdefault(card.card_id, entry)
        if first.card != card:
            raise HistoryFileError(
                f"card {card.card_id} is described two ways (first on line {first.line})",
                path=path,
                line=entry.line,
            )
        first = decks.setdefault(card.deck.slug, entry)
        if first.card is not None and first.card.deck != card.deck:
            raise HistoryFileError(
                f"deck {card.deck.slug} is described two ways (first on line {first.line})",
                path=path,
                line=entry.line,
            )


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


class _Reader:
    """Checks answers one by one; the few distinct days and states are read once each."""

    def __init__(self, path: str, lines: Lines) -> None:
        self.path = path
        self.lines = lines
        self.days: dict[str, date] = {}
        self.snapshots: dict[tuple[Any, ...], Snapshot] = {}

    def entry(self, value: Any, index: int) -> HistoryEntry:
        try:
            return self._entry(value, index)
        except ValueError as error:
            raise HistoryFileError(
                str(error), path=self.path, line=self.lines.line(index)
            ) from None

    def _entry(self, value: Any, index: int) -> HistoryEntry:
        if type(value) is not dict:
            raise ValueError("each answer must be a JSON object")
        keys = value.keys()
        if keys != _ENTRY_KEYS:
            unknown = sorted(keys - _ALL_KEYS)
            if unknown:
                raise ValueError(
                    f"unknown field {_clip(unknown[0])} (fields: {', '.join(ENTRY_KEYS)})"
                )
            missing = [key for key in ENTRY_KEYS if key not in value]
            if missing:
                raise ValueError(f"answer has no {missing[0]!r}")
        log_id, card_id, grade, redrill, answer_ms = (
            value["id"],
            value["card_id"],
            value["grade"],
            value["redrill"],
            value["answer_ms"],
        )
        # type() is: a bool is an int to isinstance, and JSON's true must not pass for 1
        if type(log_id) is not int or not 0 <= log_id <= MAX_INTEGER:
            _int(log_id, "id")
        if type(card_id) is not str or not card_id.strip():
            raise ValueError(f"card_id must be a non-empty string, got {_clip(card_id)}")
        time = value["time"]
        moment = _time(time)
        day = self._day(value["day"], "day")
        # The day is the study day of the time, whatever the rollover hour (0-23) was: the
        # time's date, or the day before for a time before 23:00. An edited time is refused.
        if day != moment.date() and day != (moment - _DAY_BEFORE).date():
            raise ValueError(
                f"time {_clip(time)} does not fall on study day {_clip(value['day'])} "
                "(the file was edited)"
            )
        if type(grade) is not int or not 0 <= grade <= 5:
            _int(grade, "grade", high=5)
        if type(redrill) is not bool:
            raise ValueError(f"redrill must be true or false, got {_clip(redrill)}")
        if type(answer_ms) is not int or not 0 <= answer_ms <= MAX_INTEGER:
            _int(answer_ms, "answer_ms")
        typed, verdict, retention, card = None, None, None, None
        if keys != _ENTRY_KEYS:
            typed, verdict = _drill(value)
            retention = _fsrs_retention(value)
            if CARD_KEY in value:
                card = parse_card(card_id, value[CARD_KEY])
        return HistoryEntry(
            index,
            log_id,
            card_id,
            moment,
            time if _CANONICAL_TIME.fullmatch(time) else moment.isoformat(timespec="seconds"),
            day,
            grade,
            redrill,
            answer_ms,
            self._snapshot(value["before"], "before"),
            self._snapshot(value["after"], "after"),
            retention,
            typed,
            verdict,
            card,
            self.lines,
        )

    def _day(self, value: Any, name: str) -> date:
        found = self.days.get(value) if type(value) is str else None
        if found is None:
            found = _day(value, name)
            self.days[value] = found
        return found

    def _snapshot(self, value: Any, name: str) -> Snapshot:
        """One snapshot per distinct state: answers of a card share most of theirs."""
        if type(value) is dict and value.keys() == _STATE_KEYS:
            key = (
                value["repetitions"],
                value["interval"],
                value["easiness"],
                value["due"],
                value["lapses"],
            )
            reps, interval, easiness, due, lapses = key
            if (
                type(reps) is int
                and type(interval) is int
                and type(easiness) is str
                and (due is None or type(due) is str)
                and type(lapses) is int
            ):
                found = self.snapshots.get(key)
                if found is None:
                    found = self.snapshots[key] = self._new_snapshot(value, name)
                return found
        return self._new_snapshot(value, name)

    def _new_snapshot(self, value: Any, name: str) -> Snapshot:
        if not isinstance(value, dict) or set(value) != _STATE_KEYS:
            raise ValueError(f"{name} must be an object with {', '.join(STATE_KEYS)}")
        due = value["due"]
        return Snapshot(
            _sm2(value["repetitions"], value["interval"], value["easiness"], name),
            None if due is None else self._day(due, f"{name} due"),
            _int(value["lapses"], f"{name} lapses"),
        )


def _sm2(reps: Any, interval: Any, easiness: Any, name: str) -> SM2State:
    try:
        if not isinstance(easiness, str):
            raise InvalidOperation
        return SM2State(
            _int(reps, f"{name} repetitions"),
            _int(interval, f"{name} interval"),
            Decimal(easiness),
        )
    except (InvalidOperation, ValueError) as error:
        detail = str(error) if isinstance(error, ValueError) else f"easiness {_clip(easiness)}"
        raise ValueError(f"{name}: {detail}") from None


def _drill(value: dict[str, Any]) -> tuple[str | None, str | None]:
    """What a drill answer typed and its verdict; (None, None) for a plain review."""
    if "typed_answer" not in value and "verdict" not in value:
        return None, None
    if "typed_answer" not in value:
        raise ValueError("verdict without typed_answer")
    typed = text_field(value["typed_answer"], "typed_answer")
    if len(typed) > MAX_TYPED_CHARS:
        raise ValueError(f"typed_answer is longer than {MAX_TYPED_CHARS:,} characters")
    verdict = value.get("verdict")
    if verdict is not None and verdict not in _VERDICTS:
        raise ValueError(
            f"verdict must be one of {', '.join(sorted(_VERDICTS))}, got {_clip(verdict)}"
        )
    return typed, verdict


def _fsrs_retention(value: dict[str, Any]) -> float | None:
    """The desired retention of an FSRS-scheduled answer; None for SM-2."""
    if "scheduler" not in value and "desired_retention" not in value:
        return None
    if value.get("scheduler") != "fsrs":
        raise ValueError(
            f'scheduler must be "fsrs" when given, got {_clip(value.get("scheduler"))}'
        )
    retention = value.get("desired_retention")
    low, high = RETENTION_RANGE
    if isinstance(retention, bool) or not isinstance(retention, int | float):
        raise ValueError(f"desired_retention must be a number, got {_clip(retention)}")
    if not low <= retention <= high:
        raise ValueError(f"desired_retention must be from {low} to {high}, got {retention}")
    return float(retention)


def _int(value: Any, name: str, *, high: int = MAX_INTEGER) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, got {_clip(value)}")
    if value > high:
        raise ValueError(f"{name} must be from 0 to {high:,}, got {_clip(value)}")
    return value


def _clip(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _time(value: Any) -> datetime:
    try:
        if type(value) is not str:
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"time must be an ISO 8601 time, got {_clip(value)}") from None
    if moment.tzinfo is not None:
        raise ValueError(f"time must be a local time without a zone, got {_clip(value)}")
    return moment


def _day(value: Any, name: str) -> date:
    try:
        if type(value) is not str:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), got {_clip(value)}") from None


def import_history(store: Store, entries: Sequence[HistoryEntry], path: str) -> ImportReport:
    """Replay ``entries`` into ``store``, whose review log must be empty, in one transaction.

    Cards the file carries and the store lacks are created first (with their decks);
    then every answer is replayed in memory and, when all replay as recorded, written.

    Raises:
        StoreError: the store already has answers (import into a fresh database).
        HistoryFileError: an entry names a card neither the store nor the file holds,
            or replaying it does not give the states the file recorded; nothing is
            written.
    """
    db = store.db
    with gc_paused(), db.transaction():
        logged = int(db.rows("SELECT COUNT(*) FROM review_log")[0][0])
        if logged:
            raise StoreError(
                f"{store.where}: already has {logged} answers; import a history into a "
                "fresh database (--db new.db), so that no answer is counted twice"
            )
        created = add_missing_cards(db, [e.card for e in entries if e.card is not None])
        starts = history_replay.start_states(db)
        for entry in entries:
            if entry.card_id not in starts:
                raise HistoryFileError(
                    f"card {entry.card_id} is not in the database; import its deck first "
                    "(k8sprep import DECK)",
                    path=path,
                    line=entry.line,
                )
        replayed = history_replay.replay(entries, starts, path)
        history_replay.write(db, replayed)
    return ImportReport(len(entries), len(replayed.states), created)
