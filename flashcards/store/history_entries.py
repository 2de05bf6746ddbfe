"""What a history file holds once read: answers, each with its states and maybe its card.

Plain values shared by :mod:`flashcards.store.history_io` (which reads them) and
:mod:`flashcards.store.history_replay` (which replays them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from flashcards.schedule.sm2 import SM2State
from flashcards.store.history_cards import HistoryCard


class Snapshot(NamedTuple):
    """A card's SM-2 state as a history entry records it."""

    sm2: SM2State
    due: date | None
    lapses: int


class Lines:
    """Where each answer of a history file starts, found only when a message needs it.

    A file that reads as JSON at once is parsed by :func:`json.loads` (fast, but it
    does not say where each answer was); the lines are found again for the rare
    message that names one.
    """

    def __init__(
        self, text: str, find: Callable[[str], list[int]], known: list[int] | None = None
    ) -> None:
        self.text = text
        self.find = find
        self.known = known

    def line(self, index: int) -> int:
        """The line the answer at ``index`` (its place in the file) starts on."""
        if self.known is None:
            self.known = self.find(self.text)
        return self.known[index]


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
