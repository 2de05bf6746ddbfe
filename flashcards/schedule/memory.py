"""Shadow FSRS: FSRS memory states rebuilt from the review log, whatever scheduled the cards.

FSRS (the ``fsrs`` package, py-fsrs) models each card's memory by a *stability* S (days
until recall drops to 90%) and a *difficulty* D (1..10), and predicts recall after t
days as ``R = (1 + F·t/S)^-decay``. Replaying a card's answers gives its memory state
even when SM-2 scheduled it: that is what ``readiness`` and ``fsrs evaluate`` read.

- Grades map to FSRS ratings 0–2 Again, 3 Hard, 4 Good, 5 Easy; same-day re-drills are
  reviews too (FSRS's short-term stability update handles them).
- Time is counted in study days (the 4 am rule), not hours: py-fsrs measures elapsed
  time as whole days between aware UTC moments, so :func:`fsrs_moment` places every
  answer of a study day at that day's noon UTC.
- :class:`ShadowFSRS` restates py-fsrs's state update (``Scheduler.review_card`` with
  no learning steps and no fuzz) as a few float operations per answer, because
  replaying a million logged answers through ``review_card`` takes about a minute; a
  test holds the two equal on random answer streams. The parameters and the
  formulas' constants come from the package.

Pure: no I/O, no clock. ``fsrs`` is a pure-computation package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import NamedTuple

from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    MAX_DIFFICULTY,
    MIN_DIFFICULTY,
    STABILITY_MIN,
)

DEFAULT_DESIRED_RETENTION = 0.9

MAXIMUM_INTERVAL = 36500
"""py-fsrs's default longest interval, in days."""

RATING_OF_GRADE = (1, 1, 1, 2, 3, 4)
"""FSRS rating (1 Again, 2 Hard, 3 Good, 4 Easy) for each grade 0..5."""


def rating_of(grade: int) -> int:
    """The FSRS rating for a k8sprep grade 0..5."""
    return RATING_OF_GRADE[grade]


def fsrs_moment(day: date) -> datetime:
    """The aware UTC moment py-fsrs is given for an answer on study day ``day``.

    Noon UTC of the study day's date, for every answer of that day: whole days between
    two moments are then exactly the study days between them, whatever the local time
    zone or hour (any offset within a day could make 20 days count as 19).
    """
    return datetime.combine(day, time(12), tzinfo=UTC)


class Memory(NamedTuple):
    """A card's FSRS memory state after its last answer (study day ``last_day``).

    A named tuple: a million of them are made replaying a big log, three times faster
    than a frozen dataclass.
    """

    stability: float
    difficulty: float
    last_day: date


class ShadowFSRS:
    """py-fsrs's memory-state update and recall prediction, fast enough for a whole log."""

    def __init__(self, parameters: Sequence[float] = DEFAULT_PARAMETERS) -> None:
        w = tuple(float(p) for p in parameters)
        self.w = w
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self._easy_d0 = w[4] - (math.e ** (w[5] * 3)) + 1  # D0(Easy), unclamped
        self._forget_cap = math.e ** (w[17] * w[18])
        self._e8 = math.e ** w[8]

    def interval(self, stability: float, desired_retention: float) -> int:
        """Days until recall is predicted to fall to ``desired_retention`` (py-fsrs's rule)."""
        days = (stability / self.factor) * ((desired_retention ** (1 / self.decay)) - 1)
        return int(min(max(round(days), 1), MAXIMUM_INTERVAL))

    def retrievability(self, memory: Memory, day: date) -> float:
        """Predicted recall on study day ``day``."""
        elapsed = max(0, (day - memory.last_day).days)
        return float((1 + self.factor * elapsed / memory.stability) ** self.decay)

    def step(self, memory: Memory | None, grade: int, day: date) -> Memory:
        """The memory state after answering with ``grade`` on study day ``day``."""
        if memory is None:
            return Memory(*self.first(grade), day)
        elapsed = (day - memory.last_day).days
        return Memory(*self.advance(memory.stability, memory.difficulty, elapsed, grade), day)

    def first(self, grade: int) -> tuple[float, float]:
        """``(stability, difficulty)`` after a card's first answer."""
        w = self.w
        rating = RATING_OF_GRADE[grade]
        return max(w[rating - 1], STABILITY_MIN), _clamp(
            w[4] - (math.e ** (w[5] * (rating - 1))) + 1
        )

    def advance(self, s: float, d: float, elapsed: int, grade: int) -> tuple[float, float]:
        """``(stability, difficulty)`` after an answer ``elapsed`` study days after the last.

        Plain floats in and out, so that a whole log replays without making objects.
        """
        w = self.w
        rating = RATING_OF_GRADE[grade]
        if elapsed < 1:
            increase = (math.e ** (w[17] * (rating - 3 + w[18]))) * (s ** -w[19])
            if rating > 1:
                increase = max(increase, 1.0)
            stability = max(s * increase, STABILITY_MIN)
        else:
            r = (1 + self.factor * elapsed / s) ** self.decay
            if rating == 1:
                long_term = (
                    w[11] * (d ** -w[12]) * (((s + 1) ** w[13]) - 1) * (math.e ** ((1 - r) * w[14]))
                )
                stability = min(long_term, s / self._forget_cap)
            else:
                hard = w[15] if rating == 2 else 1
                easy = w[16] if rating == 4 else 1
                stability = s * (
                    1
                    + self._e8
                    * (11 - d)
                    * (s ** -w[9])
                    * ((math.e ** ((1 - r) * w[10])) - 1)
                    * hard
                    * easy
                )
            stability = max(stability, STABILITY_MIN)
        damped = d + (10.0 - d) * -(w[6] * (rating - 3)) / 9.0
        return stability, _clamp(w[7] * self._easy_d0 + (1 - w[7]) * damped)

    def replay(self, answers: Iterable[tuple[date, int]]) -> Memory | None:
        """The memory state after ``(study day, grade)`` answers, oldest first."""
        memory: Memory | None = None
        for day, grade in answers:
            memory = self.step(memory, grade, day)
        return memory


def _clamp(difficulty: float) -> float:
    return min(max(difficulty, MIN_DIFFICULTY), MAX_DIFFICULTY)
