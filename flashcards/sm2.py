"""The SM-2 step at the import path it has always had (``from flashcards.sm2 import
SM2State, review``); it lives in :mod:`flashcards.schedule.sm2`."""

from flashcards.schedule.sm2 import (
    FIRST_INTERVAL,
    GRADE_LEGEND,
    INITIAL_EASINESS,
    MAX_QUALITY,
    MIN_EASINESS,
    MIN_QUALITY,
    PASSING_QUALITY,
    REDRILL_BELOW,
    SECOND_INTERVAL,
    SM2State,
    check_quality,
    needs_redrill,
    preview_intervals,
    replay,
    review,
)

__all__ = [
    "FIRST_INTERVAL",
    "GRADE_LEGEND",
    "INITIAL_EASINESS",
    "MAX_QUALITY",
    "MIN_EASINESS",
    "MIN_QUALITY",
    "PASSING_QUALITY",
    "REDRILL_BELOW",
    "SECOND_INTERVAL",
    "SM2State",
    "check_quality",
    "needs_redrill",
    "preview_intervals",
    "replay",
    "review",
]
