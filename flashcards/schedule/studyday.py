"""Study days: the calendar that SM-2 intervals count in.

Due dates are calendar days, not moments: a card with a 1-day interval is due
the next study day whatever hour it was answered. A study day does not start
at midnight but at the rollover hour (4 am local time by default, as in
Anki), so a session that runs past midnight still counts as the evening's
day: 01:00 on the 27th belongs to the 26th, 04:00 on the 27th to the 27th.

Times are local wall-clock times, as naive ``datetime`` values; the edge
(``flashcards.files.settings.now``) supplies them. Because the rule is "shift the
wall clock back by the rollover hour, then take the date", it holds across
daylight-saving changes too. This module is pure: it never reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

DEFAULT_ROLLOVER_HOUR = 4
"""Hour (local time, 0..23) at which a new study day begins."""


def study_day(moment: datetime, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day ``moment`` belongs to.

    Args:
        moment: a local wall-clock time.
        rollover_hour: the hour a study day starts, 0..23.

    Returns:
        The calendar date of the day's start: the day before ``moment``'s
        date when ``moment`` is earlier than the rollover hour.

    Raises:
        ValueError: ``rollover_hour`` is not an ``int`` in 0..23.
    """
    hour = _check_rollover_hour(rollover_hour)
    if moment.time() >= time(hour):
        return moment.date()
    return moment.date() - timedelta(days=1)


def day_start(day: date, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The moment study day ``day`` begins: ``day`` at the rollover hour.

    Answers given at or after ``day_start(today)`` (and before
    ``day_end(today)``) are today's answers.

    Raises:
        ValueError: ``rollover_hour`` is not an ``int`` in 0..23.
    """
    return datetime.combine(_as_date(day), time(_check_rollover_hour(rollover_hour)))


def day_end(day: date, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The moment study day ``day`` ends (exclusive): the next day's start."""
    return day_start(_as_date(day) + timedelta(days=1), rollover_hour)


def due_date(today: date, interval: int) -> date:
    """The study day a card answered on ``today`` with ``interval`` days is due.

    Intervals beyond the calendar (SM-2 intervals grow without bound) are due
    on the last representable day rather than raising.

    Raises:
        ValueError: ``interval`` is not a non-negative ``int``.
    """
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 0:
        raise ValueError(f"interval must be a non-negative int, got {interval!r}")
    start = _as_date(today)
    if interval > (date.max - start).days:
        return date.max
    return start + timedelta(days=interval)


def days_overdue(due: date, today: date) -> int:
    """How many study days late a card due on ``due`` is on ``today``.

    0 when it is due today or not due yet: a card is never "negatively"
    overdue. Use :func:`is_due` to ask whether it should be shown at all.
    """
    return max(0, (_as_date(today) - _as_date(due)).days)


def is_due(due: date, today: date) -> bool:
    """Whether a card due on ``due`` should be shown on ``today``."""
    return _as_date(due) <= _as_date(today)


def _check_rollover_hour(hour: int) -> int:
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError(f"rollover hour must be an int from 0 to 23, got {hour!r}")
    return hour


def _as_date(day: date) -> date:
    """``day`` as a plain date; a ``datetime`` here is a caller's mix-up."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"expected a date, got {day!r}; use study_day() for a moment")
    return day
