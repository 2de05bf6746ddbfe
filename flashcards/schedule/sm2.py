"""SuperMemo SM-2 scheduling: one answer in, the card's next state out.

This module is pure: no I/O, no clock, no database. The store keeps an
:class:`SM2State` per card and calls :func:`review` with the quality of the
first answer of each study day.

The rules (SuperMemo SM-2, read as the ``supermemo2`` package reads them):

- A new card starts with ``repetitions = 0``, ``interval = 0`` days and
  ``easiness = 2.5``.
- Quality is an integer grade 0..5 (see :data:`GRADE_LEGEND`).
- Quality >= 3 (a pass): the interval becomes 1 day after the first pass,
  6 days after the second, and after that ``ceil(interval × easiness)``,
  where ``easiness`` is the value *before* this answer; ``repetitions``
  grows by one.
- Quality < 3 (a lapse): ``repetitions`` returns to 0 and the interval to
  1 day, so the card starts its climb again tomorrow.
- Every answer, pass or lapse, moves easiness by
  ``0.1 − (5 − q)(0.08 + (5 − q)·0.02)`` (+0.10, 0, −0.14, −0.32, −0.54,
  −0.80 for q = 5..0), never below 1.3.
- Same-day re-drill: a card graded below 4 comes back later in the same
  session until it is graded 4 or 5 (:func:`needs_redrill`). Those repeats
  are logged but do not change the state: only the day's first answer
  schedules.

Easiness only ever moves in steps of 0.02, so it is kept exact: as a
``Decimal`` with two places outside, as integer hundredths inside. Binary
floats would turn 1.3 + 0.1 + 0.1 into 1.5000000000000002 and then
``ceil(6 × 1.5)`` into 10 days instead of 9.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

INITIAL_EASINESS = Decimal("2.50")
"""Easiness of a card never answered."""

MIN_EASINESS = Decimal("1.30")
"""Easiness never drops below this, however often a card is failed."""

PASSING_QUALITY = 3
"""Grades at or above this count as remembered; below it is a lapse."""

REDRILL_BELOW = 4
"""Grades below this bring the card back later in the same session."""

MIN_QUALITY = 0
MAX_QUALITY = 5

FIRST_INTERVAL = 1
"""Days until the next review after the first pass, and after any lapse."""

SECOND_INTERVAL = 6
"""Days until the next review after the second pass in a row."""

GRADE_LEGEND: dict[int, str] = {
    0: "blackout",
    1: "wrong, familiar",
    2: "wrong, easy to recall",
    3: "right, hard",
    4: "right, hesitant",
    5: "perfect",
}
"""What each quality means, for the review prompt and help text."""

# A private context so that whatever precision or rounding the caller's thread
# has set, easiness is normalised the same way.
_DECIMAL = Context(prec=60, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")
_MIN_EASINESS_HUNDREDTHS = 130


@dataclass(frozen=True)
class SM2State:
    """Where a card stands in SM-2: passes in a row, days to wait, and easiness.

    ``easiness`` may be given as a ``Decimal``, ``int``, ``float`` or ``str``;
    it is stored as an exact ``Decimal`` rounded (half up) to 0.01, so
    ``SM2State(easiness=2.36).easiness == Decimal("2.36")`` and a value read
    back from a database column compares equal to the one written.

    Raises:
        ValueError: a count that is not a non-negative ``int``, an easiness
            that is not a finite number or is below 1.3, or a card that has
            passed (``repetitions > 0``) with an interval of 0 days.
    """

    repetitions: int = 0
    interval: int = 0
    easiness: Decimal = INITIAL_EASINESS

    def __post_init__(self) -> None:
        for name in ("repetitions", "interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        if self.repetitions > 0 and self.interval < FIRST_INTERVAL:
            raise ValueError(
                f"a card with {self.repetitions} passes in a row must have an interval "
                f"of at least {FIRST_INTERVAL} day, got {self.interval}"
            )
        easiness = _exact_easiness(self.easiness)
        if easiness < MIN_EASINESS:
            raise ValueError(f"easiness must be at least {MIN_EASINESS}, got {easiness}")
        object.__setattr__(self, "easiness", easiness)

    @property
    def easiness_hundredths(self) -> int:
        """Easiness as an exact integer number of hundredths (2.5 -> 250)."""
        return int(_DECIMAL.scaleb(self.easiness, 2))


def review(state: SM2State, quality: int) -> SM2State:
    """The state after answering a card with ``quality``.

    Only the first answer of a study day should be passed here; same-day
    re-drills are logged but do not reschedule (see :func:`needs_redrill`).

    Args:
        state: the card's state before this answer; it is not modified.
        quality: the grade, an ``int`` from 0 to 5.

    Returns:
        A new :class:`SM2State`.

    Raises:
        ValueError: ``quality`` is not an ``int`` in 0..5 (``bool`` included).
    """
    grade = check_quality(quality)
    if not isinstance(state, SM2State):
        raise ValueError(f"state must be an SM2State, got {state!r}")
    easiness = state.easiness_hundredths
    if grade >= PASSING_QUALITY:
        repetitions = state.repetitions + 1
        interval = _next_interval(
            repetitions=state.repetitions, interval=state.interval, easiness_hundredths=easiness
        )
    else:
        repetitions = 0
        interval = FIRST_INTERVAL
    new_easiness = max(_MIN_EASINESS_HUNDREDTHS, easiness + _easiness_change_hundredths(grade))
    return SM2State(
        repetitions=repetitions,
        interval=interval,
        easiness=_DECIMAL.scaleb(Decimal(new_easiness), -2),
    )


def replay(qualities: Iterable[int], state: SM2State | None = None) -> SM2State:
    """The state after answering ``qualities`` in order, one per study day.

    The review log is the truth and the stored state a cache of it: replaying
    a card's first-of-day grades rebuilds its state.
    """
    current = SM2State() if state is None else state
    for quality in qualities:
        current = review(current, quality)
    return current


def needs_redrill(quality: int) -> bool:
    """Whether a card answered with ``quality`` comes back later today.

    SM-2 asks that items graded below 4 be repeated in the same session until
    they reach 4 or 5. The repeats do not change the card's SM-2 state.

    Raises:
        ValueError: ``quality`` is not an ``int`` in 0..5.
    """
    return check_quality(quality) < REDRILL_BELOW


def preview_intervals(state: SM2State) -> dict[int, int]:
    """Days until the next review for each possible grade, for the answer prompt."""
    return {grade: review(state, grade).interval for grade in GRADE_LEGEND}


def check_quality(quality: object) -> int:
    """``quality`` itself if it is a valid grade, else ``ValueError``.

    ``bool`` is refused although it is an ``int``: ``True`` is not a grade.
    """
    if isinstance(quality, bool) or not isinstance(quality, int):
        raise ValueError(
            f"quality must be an int from {MIN_QUALITY} to {MAX_QUALITY}, got {quality!r}"
        )
    if not MIN_QUALITY <= quality <= MAX_QUALITY:
        raise ValueError(f"quality must be from {MIN_QUALITY} to {MAX_QUALITY}, got {quality}")
    return int(quality)


def _next_interval(*, repetitions: int, interval: int, easiness_hundredths: int) -> int:
    """Days to wait after a pass, given the state before it."""
    if repetitions == 0:
        return FIRST_INTERVAL
    if repetitions == 1:
        return SECOND_INTERVAL
    # ceil(interval * easiness) in integers: ceil(a / 100) == -(-a // 100).
    return -(-(interval * easiness_hundredths) // 100)


def _easiness_change_hundredths(quality: int) -> int:
    """SM-2's 0.1 − (5 − q)(0.08 + (5 − q)·0.02), in hundredths."""
    miss = MAX_QUALITY - quality
    return 10 - miss * (8 + miss * 2)


def _exact_easiness(value: object) -> Decimal:
    """``value`` as a finite ``Decimal`` rounded half up to 0.01.

    Floats go through their shortest repr, so 2.36 means 2.36 and not the
    binary 2.35999999999999987565...
    """
    if isinstance(value, bool):
        raise ValueError(f"easiness must be a number, got {value!r}")
    try:
        if isinstance(value, Decimal):
            exact = value
        elif isinstance(value, int):
            exact = Decimal(value)
        elif isinstance(value, float):
            exact = Decimal(repr(value))
        elif isinstance(value, str):
            exact = Decimal(value.strip())
        else:
            raise ValueError(f"easiness must be a number, got {value!r}")
        if not exact.is_finite():
            raise ValueError(f"easiness must be a finite number, got {value!r}")
        return _DECIMAL.quantize(exact, _CENT)
    except InvalidOperation:
        raise ValueError(f"easiness must be a number, got {value!r}") from None
