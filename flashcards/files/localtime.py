"""Local wall-clock times <-> epoch milliseconds, the form Anki stamps its review log in.

k8sprep keeps local times without a zone; Anki keeps epoch milliseconds. Both
conversions use this machine's time zone, the one the answers were given in.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def epoch_ms(moment: datetime) -> int:
    """A local wall-clock time as epoch milliseconds."""
    return round(moment.timestamp() * 1000)


def local_time(stamp_ms: int) -> datetime:
    """The local wall-clock moment of epoch milliseconds, to the millisecond."""
    return datetime.fromtimestamp(stamp_ms // 1000) + timedelta(milliseconds=stamp_ms % 1000)
