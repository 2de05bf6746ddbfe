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

import itertools
import json
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flashcards.errors import HistoryFileError, StoreError
from flashcards.files.gcpause import gc_paused
from flashcards.schedule.config import RETENTION_RANGE
from flashcards.schedule.sm2 import FIRST_INTERVAL, MIN_EASINESS, SM2State
from flashcards.store import Store, history_replay
from flashcards.store.history_cards import (
    HistoryCard,
    HistoryDeck,
    add_missing_cards,
    parse_card,
    text_field,
)
from flashcards.store.history_entries import HistoryEntry, Lines, ParsedHistory, Snapshot, State

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
_CARD_ENTRY_KEYS = _ENTRY_KEYS | {CARD_KEY}
_ALL_KEYS = _ENTRY_KEYS | set(FSRS_KEYS) | set(DRILL_KEYS) | {CARD_KEY}
_STATE_KEYS = frozenset(STATE_KEYS)
_NO_DRILL = (None, None)
"""The typed answer and verdict columns of a review (not a drill) answer."""
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


def parse_history(text: str, path: str = "<history>") -> ParsedHistory:
    """The answers of a ``k8sprep history --json`` file, ordered by answer id.

    Raises:
        HistoryFileError: not JSON, not a list of answers, an answer or card with a
            missing, unknown or ill-typed field, or one card described two ways; the
            message names the entry's line.
    """
    return _parse(text, path, fast=True)


def _parse(text: str, path: str, *, fast: bool) -> ParsedHistory:
    """:func:`parse_history`; ``fast=False`` checks every answer with :class:`_Reader` alone.

    The slow way is what the fast one must agree with (the tests compare them).
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
        return _parse_in_order(text, position, path, fast)


def _parse_in_order(text: str, position: int, path: str, fast: bool) -> ParsedHistory:
    """Entry by entry, so that the first problem in the file is the one reported.

    An entry written as ``k8sprep history --json`` writes it is read by one regular
    expression (:meth:`_Builder.add_canonical`); any other is decoded as JSON and
    checked as such. Both ways accept and refuse the same entries.
    """
    decoder = json.JSONDecoder()
    starts: list[int] = []
    builder = _Builder(_Reader(path, Lines(starts, text)), fast)
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return builder.finish(text, position + 1)
    while True:
        pending = True
        if fast:
            position, pending = builder.add_canonical(text, position, starts)
        if pending:
            starts.append(position)
            value, position = _decode(decoder, text, position, path)
            builder.add(value, len(starts) - 1)
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return builder.finish(text, position + 1)
        raise HistoryFileError(
            "not valid JSON: expected ',' or ']'", path=path, line=_line(text, position)
        )


_CANONICAL_ENTRY = re.compile(
    r'\{"id": (0|[1-9][0-9]{0,17}), "card_id": "([^"\\\x00-\x1f]+)", '
    r'"time": "(([0-9]{4}-[0-9]{2}-[0-9]{2})T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])", '
    r'"day": "([^"\\\x00-\x1f]*)", "grade": ([0-5]), "redrill": (true|false), '
    r'"answer_ms": (0|[1-9][0-9]{0,17}), "before": (\{[^{}\[\]]*\}), "after": (\{[^{}\[\]]*\})'
    r"(\},\n)?"
)
"""An answer as ``k8sprep history --json`` writes it: no escapes in its strings, whole
numbers as JSON writes them (at most 18 digits: never above :data:`MAX_INTEGER`), its
two states (objects of plain values) kept as text, then ``}`` and the ``,\n`` before the
next answer (matched here: the common case), or ``}`` alone, or the card
(``, "card": {...}}``)."""
_CARD_FOLLOWS = ', "card": '
_CANONICAL_STATE = re.compile(
    r'\{"repetitions": (0|[1-9][0-9]{0,18}), "interval": (0|[1-9][0-9]{0,18}), '
    r'"easiness": "([0-9])\.([0-9]{2})", "due": (?:null|"([0-9]{4}-[0-9]{2}-[0-9]{2})"), '
    r'"lapses": (0|[1-9][0-9]{0,18})\}'
)
"""A state as the history command writes it (easiness with two decimals)."""
_MIN_HUNDREDTHS = int(MIN_EASINESS * 100)


def _is_date(text: str) -> bool:
    """Whether a ``YYYY-MM-DD`` text names a real day."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class _Builder:
    """Checked answers made into log rows; most are checked by cheap type tests alone.

    An answer whose study day and states are ones already seen is checked with
    ``type()`` and range tests on the plain values :mod:`json` gives, and becomes a
    row of ints and strings (its states the shared tuples of those already seen).
    Anything else goes to :class:`_Reader`, which either accepts it (and so teaches
    the fast way its new day and states) or raises the one precise message: both
    ways accept the same answers and refuse the same ones, in the same words.
    """

    def __init__(self, reader: _Reader, fast: bool) -> None:
        self.reader = reader
        self.fast = fast
        self.rows: list[tuple[Any, ...]] = []
        self.befores: list[State] = []
        self.afters: list[State] = []
        self.ids: list[int] = []
        self.retentions: dict[int, float] = {}
        self.cards: list[tuple[int, HistoryCard]] = []
        self.card_ids: dict[str, str] = {}
        """Each card id seen, to itself (the one string its answers share)."""
        self.days: dict[str, tuple[str, date]] = {}
        """A study day as the file writes it: its ISO text and date."""
        self.states: dict[tuple[Any, ...], State] = {}
        """A state as the file writes it (checked): its columns."""
        self.interned: dict[State, State] = {}
        self.state_texts: dict[str, State] = {}
        """A state's text, as the file writes it: its columns (checked)."""
        self.decks: dict[tuple[Any, ...], HistoryDeck] = {}
        """The decks read so far (:func:`parse_card`)."""
        self.decoder = json.JSONDecoder()

    def add(self, value: Any, index: int) -> None:
        """Add the answer at ``index`` in the file."""
        if not self.fast or not self._add_fast(value):
            self._slow(value, index)

    def add_canonical(self, text: str, position: int, starts: list[int]) -> tuple[int, bool]:
        """Add the answers from ``position`` on while each is written as the history
        command writes it (one a line, ``,\\n`` between) and passes the cheap checks.

        Returns where it stopped and whether an answer starts there that it did not add
        (``True``: that one is for the JSON decoder and the full checks), or the end of
        the last one it added (``False``). Appends each added answer's start to
        ``starts``. Most of an import's time is this loop: an answer is read by one
        regular expression, a state by its text once (the few distinct states recur),
        and everything is in locals.
        """
        match_entry, decoder, days, card_ids = (
            _CANONICAL_ENTRY.match,
            self.decoder,
            self.days,
            self.card_ids,
        )
        texts, ids, befores, afters, rows = (
            self.state_texts,
            self.ids,
            self.befores,
            self.afters,
            self.rows,
        )
        state_of_text, from_iso, starts_at = (
            self._state_of_text,
            datetime.fromisoformat,
            text.startswith,
        )
        while True:
            match = match_entry(text, position)
            if match is None:
                return position, True
            (
                log_id,
                card_id,
                time,
                time_day,
                day,
                grade,
                redrill,
                answer_ms,
                before,
                after,
                next_follows,
            ) = match.groups()
            end, card = match.end(), None
            if next_follows is None:  # the card follows, or this is the last answer
                if starts_at(_CARD_FOLLOWS, end):
                    try:
                        card, end = decoder.raw_decode(text, end + len(_CARD_FOLLOWS))
                    except (ValueError, RecursionError):
                        return position, True
                if not starts_at("}", end):
                    return position, True
            known = days.get(day)
            if known is None:
                return position, True
            known_id = card_ids.get(card_id)
            if known_id is None:
                if not card_id.strip():
                    return position, True
                card_ids[card_id] = card_id
            else:  # one string for all of a card's answers: lookups and the rows share it
                card_id = known_id
            old = texts.get(before) or state_of_text(before)
            new = texts.get(after) or state_of_text(after)
            if old is None or new is None:
                return position, True
            day_text, day_date = known
            # The time's clock is valid (the expression says so); so is its date when it
            # is the study day's. Else it is the day after: see _Reader._entry for the rule.
            if time_day != day_text:
                try:
                    if (from_iso(time) - _DAY_BEFORE).date() != day_date:
                        return position, True
                except ValueError:
                    return position, True
            if card is not None:
                try:
                    self.cards.append((len(ids), parse_card(card_id, card, self.decks)))
                except ValueError:
                    return position, True
            starts.append(position)
            ids.append(int(log_id))
            befores.append(old)
            afters.append(new)
            rows.append(
                (
                    card_id,
                    time,
                    day_text,
                    int(grade),
                    redrill == "true",
                    int(answer_ms),
                    *old,
                    *new,
                    *_NO_DRILL,
                )
            )
            if next_follows is not None:
                position = end
            elif starts_at(",\n", end + 1):
                position = end + 3
            else:
                return end + 1, False

    def _state_of_text(self, text: str) -> State | None:
        """The columns of a state's text not seen before, or None if it is not plainly one.

        A state as the history command writes it is checked here by the rules of
        :class:`SM2State` and :meth:`_Reader._new_snapshot`; any other goes through them.
        """
        match = _CANONICAL_STATE.fullmatch(text)
        if match is not None:
            reps, interval, units, hundredths, due, lapses = match.groups()
            numbers = int(reps), int(interval), int(units) * 100 + int(hundredths), int(lapses)
            if (
                max(numbers) <= MAX_INTEGER
                and not (numbers[0] > 0 and numbers[1] < FIRST_INTERVAL)
                and numbers[2] >= _MIN_HUNDREDTHS
                and (due is None or _is_date(due))
            ):
                columns = (numbers[0], numbers[1], numbers[2], due, numbers[3])
                state = self.state_texts[text] = self.interned.setdefault(columns, columns)
                return state
        try:
            value = json.loads(text)
            key = tuple(value[field] for field in STATE_KEYS)
        except (ValueError, KeyError, TypeError):
            return None
        if len(value) != len(STATE_KEYS) or not _cacheable(key):
            return None
        found = self.states.get(key) or self._state(value)
        if found is not None:
            self.state_texts[text] = found
        return found

    def _add_fast(self, value: Any) -> bool:
        """Add a decoded answer if it passes the cheap checks; False leaves it to
        :class:`_Reader` to accept or refuse."""
        ids, rows, befores, afters = self.ids, self.rows, self.befores, self.afters
        days, states, card_ids = self.days, self.states, self.card_ids
        if type(value) is not dict:
            return False
        keys = value.keys()
        card = None
        if keys != _ENTRY_KEYS:
            if keys != _CARD_ENTRY_KEYS:
                return False
            card = value[CARD_KEY]
        log_id, card_id, time, day, grade, redrill, answer_ms, before, after = (
            value["id"],
            value["card_id"],
            value["time"],
            value["day"],
            value["grade"],
            value["redrill"],
            value["answer_ms"],
            value["before"],
            value["after"],
        )
        if not (
            type(log_id) is int
            and 0 <= log_id <= MAX_INTEGER
            and type(card_id) is str
            and type(time) is str
            and type(grade) is int
            and 0 <= grade <= 5
            and type(redrill) is bool
            and type(answer_ms) is int
            and 0 <= answer_ms <= MAX_INTEGER
            and type(day) is str
            and type(before) is dict
            and type(after) is dict
            and len(before) == 5  # with the five fields below: those and no other
            and len(after) == 5
            and (card_id in card_ids or card_id.strip())
        ):
            return False
        known = days.get(day)
        if known is None or not _CANONICAL_TIME.fullmatch(time):
            return False
        try:
            old_key = (
                before["repetitions"],
                before["interval"],
                before["easiness"],
                before["due"],
                before["lapses"],
            )
            new_key = (
                after["repetitions"],
                after["interval"],
                after["easiness"],
                after["due"],
                after["lapses"],
            )
        except KeyError:
            return False
        # Of a known (checked) state, only the counts could be of another type and
        # compare equal (True == 1.0 == 1); easiness and due are strings or None.
        if not (
            type(old_key[0])
            is type(old_key[1])
            is type(old_key[4])
            is type(new_key[0])
            is type(new_key[1])
            is type(new_key[4])
            is int
        ):
            return False
        try:
            moment = datetime.fromisoformat(time)
            old = states.get(old_key) or self._state(before)
            new = states.get(new_key) or self._state(after)
        except (ValueError, TypeError):  # not a time; a list or object as a field
            return False
        if old is None or new is None:
            return False
        day_text, day_date = known
        # canonical, so time[:10] is the time's date: see _Reader._entry for the rule
        if time[:10] != day_text and (moment - _DAY_BEFORE).date() != day_date:
            return False
        if card is not None:
            try:
                parsed = parse_card(card_id, card, self.decks)
            except ValueError:
                return False
            self.cards.append((len(ids), parsed))  # its place: every answer is added
            card_ids.setdefault(card_id, card_id)
        elif card_id not in card_ids:
            card_ids[card_id] = card_id
        ids.append(log_id)
        befores.append(old)
        afters.append(new)
        rows.append((card_id, time, day_text, grade, redrill, answer_ms, *old, *new, *_NO_DRILL))
        return True

    def _state(self, value: Any) -> State | None:
        """The columns of a state not seen before, or None if :class:`_Reader` refuses it."""
        if type(value) is not dict:
            return None
        key = tuple(value.get(field) for field in STATE_KEYS)
        if not _cacheable(key):
            return None
        try:
            found = self._columns(self.reader._new_snapshot(value, "state"))
        except ValueError:
            return None
        self.states[key] = found
        return found

    def _columns(self, snapshot: Snapshot) -> State:
        sm2, due = snapshot.sm2, snapshot.due
        columns = (
            sm2.repetitions,
            sm2.interval,
            sm2.easiness_hundredths,
            None if due is None else due.isoformat(),
            snapshot.lapses,
        )
        return self.interned.setdefault(columns, columns)

    def _slow(self, value: Any, index: int) -> None:
        """Check ``value`` with :class:`_Reader` (which names any problem) and add it."""
        entry = self.reader.entry(value, index)
        self.append(entry)
        day = value["day"]  # the reader checked it: a string naming entry.day
        self.days.setdefault(day, (entry.day.isoformat(), entry.day))
        for name, snapshot in (("before", entry.before), ("after", entry.after)):
            state = value[name]
            raw = tuple(state[field] for field in STATE_KEYS)
            if _cacheable(raw):
                self.states.setdefault(raw, self._columns(snapshot))

    def append(self, entry: HistoryEntry) -> None:
        """Add an answer :class:`_Reader` accepted."""
        place = len(self.ids)
        before, after = self._columns(entry.before), self._columns(entry.after)
        if entry.card is not None:
            self.cards.append((place, entry.card))
        if entry.fsrs_retention is not None:
            self.retentions[place] = entry.fsrs_retention
        self.card_ids.setdefault(entry.card_id, entry.card_id)
        self.ids.append(entry.log_id)
        self.befores.append(before)
        self.afters.append(after)
        self.rows.append(
            (
                entry.card_id,
                entry.time_text,
                entry.day.isoformat(),
                entry.grade,
                entry.redrill,
                entry.answer_ms,
                *before,
                *after,
                entry.typed_answer,
                entry.verdict,
            )
        )

    def finish(self, text: str = "", end: int = 0) -> ParsedHistory:
        """The answers, once the list's end, the ids and the cards are found sound.

        Raises:
            HistoryFileError: text after the list, an answer id twice, or a card or deck
                described two ways.
        """
        path, lines = self.reader.path, self.reader.lines
        if text:
            rest = _skip_space(text, end)
            if rest < len(text):
                raise HistoryFileError(
                    "not valid JSON: text after the list", path=path, line=_line(text, rest)
                )
        ids = self.ids
        ordered = all(map(operator.lt, ids, itertools.islice(ids, 1, None)))
        if not ordered:  # an edited file, or one of an older release
            seen: dict[int, int] = {}
            for place, log_id in enumerate(ids):
                first = seen.setdefault(log_id, place)
                if first != place:
                    raise HistoryFileError(
                        f"answer id {log_id} appears twice (first on line {lines.line(first)})",
                        path=path,
                        line=lines.line(place),
                    )
        _check_cards(self.cards, lines, path)
        days = {text: day for text, day in self.days.values()}
        cards = [card for _, card in self.cards]
        if ordered:
            return ParsedHistory(
                ids, self.rows, self.befores, self.afters, self.retentions, cards, days, None, lines
            )
        order = sorted(range(len(ids)), key=ids.__getitem__)
        new_place = {old: new for new, old in enumerate(order)} if self.retentions else {}
        return ParsedHistory(
            [ids[i] for i in order],
            [self.rows[i] for i in order],
            [self.befores[i] for i in order],
            [self.afters[i] for i in order],
            {new_place[old]: value for old, value in self.retentions.items()},
            cards,
            days,
            order,
            lines,
        )


def _cacheable(key: tuple[Any, ...]) -> bool:
    """Whether a state's raw values are of the types a checked state has.

    A key of other types must not find a checked one: ``True == 1`` and ``1.0 == 1``.
    """
    reps, interval, easiness, due, lapses = key
    return (
        type(reps) is int
        and type(interval) is int
        and type(easiness) is str
        and (due is None or type(due) is str)
        and type(lapses) is int
    )


def _check_cards(cards: list[tuple[int, HistoryCard]], lines: Lines, path: str) -> None:
    """One card, or one deck, described two ways is an edited file."""
    by_id: dict[str, tuple[int, HistoryCard]] = {}
    by_deck: dict[str, tuple[int, HistoryCard]] = {}
    for place, card in cards:
        first, first_card = by_id.setdefault(card.card_id, (place, card))
        if first_card != card:
            raise HistoryFileError(
                f"card {card.card_id} is described two ways (first on line {lines.line(first)})",
                path=path,
                line=lines.line(place),
            )
        first, first_card = by_deck.setdefault(card.deck.slug, (place, card))
        if first_card.deck != card.deck:
            raise HistoryFileError(
                f"deck {card.deck.slug} is described two ways (first on line {lines.line(first)})",
                path=path,
                line=lines.line(place),
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
            if _cacheable(key):
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


def import_history(
    store: Store, history: ParsedHistory | Sequence[HistoryEntry], path: str
) -> ImportReport:
    """Replay ``history`` into ``store``, whose review log must be empty, in one transaction.

    Cards the file carries and the store lacks are created first (with their decks);
    then every answer is replayed in memory and, when all replay as recorded, written.

    Raises:
        StoreError: the store already has answers (import into a fresh database).
        HistoryFileError: an entry names a card neither the store nor the file holds,
            or replaying it does not give the states the file recorded; nothing is
            written.
    """
    if not isinstance(history, ParsedHistory):
        history = _from_entries(history, path)
    db = store.db
    with gc_paused(), db.transaction():
        logged = int(db.rows("SELECT COUNT(*) FROM review_log")[0][0])
        if logged:
            raise StoreError(
                f"{store.where}: already has {logged} answers; import a history into a "
                "fresh database (--db new.db), so that no answer is counted twice"
            )
        created = add_missing_cards(db, history.cards)
        starts = history_replay.start_states(db)
        rows = history.rows
        if not {row[0] for row in rows} <= starts.keys():
            index = next(i for i, row in enumerate(rows) if row[0] not in starts)
            raise HistoryFileError(
                f"card {rows[index][0]} is not in the database; import its deck first "
                "(k8sprep import DECK)",
                path=path,
                line=history.line(index),
            )
        replayed = history_replay.replay(history, starts, path)
        history_replay.write(db, replayed)
    return ImportReport(len(rows), len(replayed.states), created)


def _from_entries(entries: Sequence[HistoryEntry], path: str) -> ParsedHistory:
    """Entries :class:`_Reader` made, as :func:`parse_history` gives them."""
    lines = Lines([entry.line for entry in entries])
    builder = _Builder(_Reader(path, lines), fast=False)
    for entry in entries:
        builder.append(entry)
    return builder.finish()
