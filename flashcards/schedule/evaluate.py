"""How well SM-2 and FSRS predict the candidate's own answers: log loss and RMSE (bins).

Every first answer of a study day on a card answered on an earlier day is a test: was
the card recalled (grade 3 or more)? Each scheduler predicts the recall probability
from what came before that answer:

- **FSRS**: retrievability after ``t`` days from the card's memory state replayed from
  its earlier answers, re-drills included (:mod:`flashcards.schedule.memory`), with the
  package's default parameters.
- **SM-2** has no forgetting curve of its own; as the srs-benchmark project does, its
  interval is read as the time at which recall falls to 90%: ``R = 0.9 ** (t / I)``,
  ``I`` the SM-2 interval set by the previous first answer.

``t`` counts study days since the card's last answer. Metrics as in srs-benchmark:

- log loss: the mean of ``-(y·ln p + (1 - y)·ln(1 - p))``;
- RMSE (bins): answers binned by elapsed days, by how many earlier study days the card
  was answered on, and by earlier lapses (each on a roughly logarithmic scale); the
  root of the answer-weighted mean squared difference between the mean prediction
  and the observed recall rate of each bin.

Pure: the review log comes in as values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flashcards.schedule.memory import Memory, ShadowFSRS
from flashcards.schedule.sm2 import PASSING_QUALITY

MIN_REVIEWS = 50
"""Fewer tests than this say little; ``fsrs evaluate`` reports too little history instead."""

_EPSILON = 1e-6


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Evaluation:
    """Scores of each scheduler's predictions on ``reviews`` answers (None: too few)."""

    reviews: int
    sm2: Scores | None
    fsrs: Scores | None


@dataclass
class _Card:
    memory: Memory | None = None
    last_day: date | None = None
    days: int = 0  # study days with an answer so far
    lapses: int = 0  # failed first answers after the first one


def evaluate(
    log: Iterable[tuple[str, date, int, bool, int]], shadow: ShadowFSRS | None = None
) -> Evaluation:
    """Score both schedulers on ``(card_id, day, grade, redrill, SM-2 interval before)``
    rows in log order."""
    model = shadow or ShadowFSRS()
    cards: dict[str, _Card] = defaultdict(_Card)
    tests: list[tuple[int, float, float, tuple[float, float, float]]] = []
    for card_id, day, grade, redrill, interval_before in log:
        card = cards[card_id]
        if not redrill and card.last_day is not None and card.memory is not None:
            elapsed = (day - card.last_day).days
            if elapsed > 0 and interval_before > 0:
                recalled = int(grade >= PASSING_QUALITY)
                fsrs_p = model.retrievability(card.memory, day)
                sm2_p = 0.9 ** (elapsed / interval_before)
                tests.append((recalled, sm2_p, fsrs_p, _bin(elapsed, card.days, card.lapses)))
        if not redrill:
            if card.days and grade < PASSING_QUALITY:
                card.lapses += 1
            card.days += 1
        card.memory = model.step(card.memory, grade, day)
        card.last_day = day
    if len(tests) < MIN_REVIEWS:
        return Evaluation(len(tests), None, None)
    return Evaluation(
        len(tests),
        _scores([(y, p, b) for y, p, _f, b in tests]),
        _scores([(y, f, b) for y, _p, f, b in tests]),
    )


def _scores(tests: list[tuple[int, float, tuple[float, float, float]]]) -> Scores:
    loss = 0.0
    bins: dict[tuple[float, float, float], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for y, p, key in tests:
        p = min(max(p, _EPSILON), 1 - _EPSILON)
        loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
        cell = bins[key]
        cell[0] += y
        cell[1] += p
        cell[2] += 1
    squared = sum(n * ((ys - ps) / n) ** 2 for ys, ps, n in bins.values())
    return Scores(loss / len(tests), math.sqrt(squared / len(tests)))


def _bin(elapsed: int, days: int, lapses: int) -> tuple[float, float, float]:
    """srs-benchmark's bins: elapsed days, review number and lapses on log scales."""
    return (
        round(2.48 * 3.62 ** math.floor(math.log(elapsed) / math.log(3.62)), 2),
        round(1.99 * 1.89 ** math.floor(math.log(days) / math.log(1.89))),
        round(1.65 * 1.73 ** math.floor(math.log(lapses) / math.log(1.73))) if lapses else 0,
    )
