"""The whole effect of one answer on a card, as one pure function.

SM-2 (:func:`flashcards.schedule.sm2.review`) says what a grade does to repetitions,
interval and easiness. An answer does more: it sets the due study day, counts a lapse
when a learned card is forgotten, and, when the card was already answered earlier the
same study day, changes nothing of the schedule at all (a re-drill). The store applies
this inside its write transaction, ``verify`` replays logs through it, and anything
that simulates reviews (exam planning, scheduler comparisons) calls it too, so the rule
exists once.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from flashcards.schedule.records import CardState
from flashcards.schedule.sm2 import (
    MAX_QUALITY,
    MIN_QUALITY,
    PASSING_QUALITY,
    SM2State,
    check_quality,
    review,
)
from flashcards.schedule.studyday import due_date


def answer_card(
    state: CardState, grade: int, *, day: date, at: datetime | None = None
) -> tuple[CardState, bool]:
    """The card's state after one answer graded ``grade`` on study day ``day``.

    Args:
        state: the card's state before the answer.
        grade: the SM-2 quality, 0..5.
        day: the study day of the answer (see :mod:`flashcards.schedule.studyday`).
        at: when it was answered, kept as ``last_review``; None keeps the old value.

    Returns:
        ``(new_state, redrill)``: ``redrill`` is True when the card had already been
        answered on ``day``; its schedule is then unchanged and only the last answer's
        day and grade move.

    Raises:
        ValueError: ``grade`` is not a whole number from 0 to 5.
    """
    grade = check_quality(grade)
    last_review = state.last_review if at is None else at
    # CardState(...) rather than dataclasses.replace: replays call this for every answer
    # of a log, and replace() costs several times the constructor.
    if state.last_day == day:
        return CardState(
            state.sm2, state.due, state.lapses, last_review, day, grade, state.suspended
        ), True
    sm2 = _review(state.sm2, grade)
    lapsed = grade < PASSING_QUALITY and state.sm2.repetitions > 0  # a learned card forgotten
    after = CardState(
        sm2,
        due_date(day, sm2.interval),
        state.lapses + int(lapsed),
        last_review,
        day,
        grade,
        state.suspended,
    )
    return after, False


@functools.lru_cache(maxsize=8192)
def _review(state: SM2State, grade: int) -> SM2State:
    """:func:`review`, cached: it is pure, and the same few states recur across cards."""
    return review(state, grade)


def next_intervals(state: CardState, day: date) -> dict[int, int] | None:
    """Days until the next review for each quality 0..5, were the card answered on ``day``.

    What the review shows beside the grades after reveal, as Anki shows on its
    buttons. Each value is :func:`answer_card`'s own result, so the preview and the
    answer cannot disagree. None when the card was already answered on ``day``: a
    re-drill reschedules nothing, whatever the grade.
    """
    intervals: dict[int, int] = {}
    for grade in range(MIN_QUALITY, MAX_QUALITY + 1):
        after, redrill = answer_card(state, grade, day=day)
        if redrill:
            return None
        intervals[grade] = after.sm2.interval
    return intervals
