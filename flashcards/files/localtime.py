"""Local wall-clock times <-> epoch milliseconds, the form Anki stamps its review log in.

k8sprep keeps local times without a zone; Anki keeps epoch milliseconds. Both
conversions use this machine's time zone, the one the answers were given in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def epoch_ms(moment: datetime) -> int:
    """A local wall-clock time as epoch milliseconds."""
    return round(moment.timestamp() * 1000)


def local_time(stamp_ms: int) -> datetime:
    """The local wall-clock moment of epoch milliseconds, to the millisecond."""
    return datetime.fromtimestamp(stamp_ms // 1000) + timedelta(milliseconds=stamp_ms % 1000)


def iso_epoch_ms_all(stamps: Sequence[str]) -> list[int]:
    """:func:`epoch_ms` of each ISO local time, as the review log stores them.

    Whole seconds (``YYYY-MM-DDTHH:MM:SS``) are added to the start of their minute,
    converted once per minute: a million answers convert in a fraction of the time,
    and time-zone changes fall on whole minutes.
    """
    minutes: dict[str, int] = {}
    converted: list[int] = []
    append = converted.append
    minute, start = "\0", 0  # the last minute seen: a log in time order repeats it
    for stamp in stamps:
        if len(stamp) != 19:
            append(epoch_ms(datetime.fromisoformat(stamp)))
            continue
        if not stamp.startswith(minute):
            minute = stamp[:16]
            known = minutes.get(minute)
            start = epoch_ms(datetime.fromisoformat(minute)) if known is None else known
            minutes[minute] = start
        append(start + int(stamp[17:]) * 1000)
    return converted
