"""What a history file holds once read: answers, each with its states and maybe its card.

Plain values shared by :mod:`flashcards.store.history_io` (which reads them) and
:mod:`flashcards.store.history_replay` (which replays them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from flashcards.schedule.sm2 import SM2State
from flashcards.store.history_cards import HistoryCard


class Snapshot(NamedTuple):
    """A card's SM-2 state as a history entry records it."""

    sm2: SM2State
    due: date | None
    lapses: int


class Lines:
    """The line each answer of a history file starts on, by its place in the file.

    Given the file's ``text``, ``starts`` are where each answer starts in it, and a
    line is counted only for the rare message that names one; without, they are lines.
    """

    def __init__(self, starts: list[int], text: str | None = None) -> None:
        self.starts = starts
        self.text = text

    def line(self, index: int) -> int:
        """The line the answer at ``index`` (its place in the file) starts on."""
        start = self.starts[index]
        return start if self.text is None else self.text.count("\n", 0, start) + 1


class HistoryEntry(NamedTuple):
    """One answer read from a history file; ``line`` is the line it starts on."""

    place: int
    """Where the answer is in the file: 0 for the first."""
    log_id: int
    card_id: str
    time: datetime
    time_text: str
    """``time`` as the log stores it (ISO 8601, to the second)."""
    day: date
    grade: int
    redrill: bool
    answer_ms: int
    before: Snapshot
    after: Snapshot
    fsrs_retention: float | None
    typed_answer: str | None
    verdict: str | None
    card: HistoryCard | None
    lines: Lines

    @property
    def line(self) -> int:
        return self.lines.line(self.place)


State = tuple[int, int, int, str | None, int]
"""A state as the log's five columns: repetitions, interval, easiness in hundredths, due
(ISO date or None) and lapses. Equal states read from one file are one shared tuple."""


class ParsedHistory(NamedTuple):
    """A history file read and checked, its answers ordered by answer id.

    Plain rows rather than an object per answer: the replay and the bulk insert of a
    few hundred thousand answers then handle nothing but ints and strings.
    """

    ids: list[int]
    """Each answer's id in the file."""
    rows: list[tuple[Any, ...]]
    """Each answer as its review_log row (:data:`flashcards.store.history_replay.LOG_COLUMNS`)."""
    befores: list[State]
    """The state before each answer: the row's before columns, as a shared tuple."""
    afters: list[State]
    """The state after each answer, likewise."""
    retentions: dict[int, float]
    """The desired retention of each FSRS-scheduled answer, by its index in ``rows``."""
    cards: list[HistoryCard]
    """The cards the file carries."""
    days: dict[str, date]
    """Every study day of ``rows`` (ISO text) as a date."""
    places: list[int] | None
    """Where each answer was in the file, when that is not the order of ``rows``."""
    lines: Lines

    def line(self, index: int) -> int:
        """The line the answer at ``index`` in ``rows`` starts on."""
        return self.lines.line(index if self.places is None else self.places[index])

    @classmethod
    def empty(cls) -> ParsedHistory:
        """A history without answers."""
        return cls([], [], [], [], {}, [], {}, None, Lines([]))
