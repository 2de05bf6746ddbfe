"""Local wall-clock times <-> epoch milliseconds, the form Anki stamps its review log in.

k8sprep keeps local times without a zone; Anki keeps epoch milliseconds. Both
conversions use this machine's time zone, the one the answers were given in.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta


def epoch_ms(moment: datetime) -> int:
    """A local wall-clock time as epoch milliseconds."""
    return round(moment.timestamp() * 1000)


def local_time(stamp_ms: int) -> datetime:
    """The local wall-clock moment of epoch milliseconds, to the millisecond."""
    return datetime.fromtimestamp(stamp_ms // 1000) + timedelta(milliseconds=stamp_ms % 1000)


def iso_epoch_ms(stamp: str) -> int:
    """:func:`epoch_ms` of an ISO local time as the review log stores it.

    Whole seconds (``YYYY-MM-DDTHH:MM:SS``) are added to the start of their hour,
    which is converted once per hour: a million answers convert in a fraction of a
    second, and time-zone changes fall on whole hours.
    """
    if len(stamp) == 19:
        return _hour_ms(stamp[:13]) + (int(stamp[14:16]) * 60 + int(stamp[17:19])) * 1000
    return epoch_ms(datetime.fromisoformat(stamp))


@functools.lru_cache(maxsize=1 << 16)
def _hour_ms(hour: str) -> int:
    return epoch_ms(datetime.fromisoformat(hour + ":00:00"))
