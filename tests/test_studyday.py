"""Study days: the rollover hour, calendar edges, due dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.schedule.studyday import (
    DEFAULT_ROLLOVER_HOUR,
    day_end,
    day_start,
    days_overdue,
    due_date,
    is_due,
    study_day,
)


def test_default_rollover_is_four_am() -> None:
    assert DEFAULT_ROLLOVER_HOUR == 4


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 11, 27, 1, 0), date(2026, 11, 26)),
        (datetime(2026, 11, 27, 0, 0), date(2026, 11, 26)),
        (datetime(2026, 11, 27, 3, 59, 59, 999999), date(2026, 11, 26)),
        (datetime(2026, 11, 27, 4, 0), date(2026, 11, 27)),
        (datetime(2026, 11, 27, 4, 0, 0, 1), date(2026, 11, 27)),
        (datetime(2026, 11, 27, 23, 59), date(2026, 11, 27)),
        (datetime(2026, 11, 27, 12, 0), date(2026, 11, 27)),
    ],
)
def test_four_am_boundary(moment: datetime, day: date) -> None:
    assert study_day(moment) == day


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2027, 1, 1, 2, 30), date(2026, 12, 31)),  # year end
        (datetime(2026, 12, 1, 3, 0), date(2026, 11, 30)),  # 30-day month
        (datetime(2026, 3, 1, 3, 0), date(2026, 2, 28)),  # February
        (datetime(2028, 3, 1, 3, 0), date(2028, 2, 29)),  # leap year
        (datetime(2026, 1, 1, 0, 0), date(2025, 12, 31)),
        (datetime(2026, 1, 1, 4, 0), date(2026, 1, 1)),
    ],
)
def test_month_and_year_ends(moment: datetime, day: date) -> None:
    assert study_day(moment) == day


@pytest.mark.parametrize(
    ("hour", "moment", "day"),
    [
        (0, datetime(2026, 11, 27, 0, 0), date(2026, 11, 27)),
        (0, datetime(2026, 11, 26, 23, 59), date(2026, 11, 26)),
        (6, datetime(2026, 11, 27, 5, 59), date(2026, 11, 26)),
        (6, datetime(2026, 11, 27, 6, 0), date(2026, 11, 27)),
        (23, datetime(2026, 11, 27, 22, 0), date(2026, 11, 26)),
        (23, datetime(2026, 11, 27, 23, 0), date(2026, 11, 27)),
    ],
)
def test_other_rollover_hours(hour: int, moment: datetime, day: date) -> None:
    assert study_day(moment, hour) == day


def test_wall_clock_of_an_aware_moment_is_used() -> None:
    tz = timezone(timedelta(hours=-8))
    assert study_day(datetime(2026, 11, 27, 3, 0, tzinfo=tz)) == date(2026, 11, 26)
    assert study_day(datetime(2026, 11, 27, 5, 0, tzinfo=UTC)) == date(2026, 11, 27)


@pytest.mark.parametrize("hour", [-1, 24, 4.0, True, "4", None])
def test_bad_rollover_hour(hour: object) -> None:
    with pytest.raises(ValueError, match="rollover hour"):
        study_day(datetime(2026, 11, 27, 12), hour)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rollover hour"):
        day_start(date(2026, 11, 27), hour)  # type: ignore[arg-type]


def test_day_start_and_end() -> None:
    assert day_start(date(2026, 11, 27)) == datetime(2026, 11, 27, 4, 0)
    assert day_start(date(2026, 11, 27), 0) == datetime(2026, 11, 27, 0, 0)
    assert day_end(date(2026, 11, 27)) == datetime(2026, 11, 28, 4, 0)
    assert day_end(date(2026, 12, 31)) == datetime(2027, 1, 1, 4, 0)


def test_due_date() -> None:
    assert due_date(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert due_date(date(2026, 11, 27), 1) == date(2026, 11, 28)
    assert due_date(date(2026, 11, 27), 6) == date(2026, 12, 3)
    assert due_date(date(2026, 12, 30), 3) == date(2027, 1, 2)
    assert due_date(date(2028, 2, 28), 1) == date(2028, 2, 29)
    assert due_date(date(2026, 11, 27), 365) == date(2027, 11, 27)


def test_due_date_beyond_the_calendar_is_the_last_day() -> None:
    assert due_date(date(2026, 11, 27), 10**12) == date.max
    assert due_date(date.max, 1) == date.max
    assert due_date(date(9999, 12, 30), 1) == date.max


@pytest.mark.parametrize("interval", [-1, 1.0, True, "1", None])
def test_due_date_bad_interval(interval: object) -> None:
    with pytest.raises(ValueError, match="interval"):
        due_date(date(2026, 11, 27), interval)  # type: ignore[arg-type]


def test_days_overdue_and_is_due() -> None:
    today = date(2026, 11, 27)
    assert days_overdue(date(2026, 11, 20), today) == 7
    assert days_overdue(date(2026, 10, 31), today) == 27
    assert days_overdue(date(2025, 11, 27), today) == 365
    assert days_overdue(today, today) == 0
    assert days_overdue(date(2026, 12, 1), today) == 0
    assert is_due(date(2026, 11, 20), today)
    assert is_due(today, today)
    assert not is_due(date(2026, 11, 28), today)


def test_dates_and_moments_are_not_mixed_up() -> None:
    with pytest.raises(ValueError, match="expected a date"):
        due_date(datetime(2026, 11, 27, 9), 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected a date"):
        days_overdue(date(2026, 11, 27), datetime(2026, 11, 28, 9))
    with pytest.raises(ValueError, match="expected a date"):
        day_start("2026-11-27")  # type: ignore[arg-type]


days = st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30))
hours = st.integers(min_value=0, max_value=23)


@given(days, hours)
def test_day_start_belongs_to_its_day(day: date, hour: int) -> None:
    assert study_day(day_start(day, hour), hour) == day
    assert study_day(day_start(day, hour) - timedelta(microseconds=1), hour) == day - timedelta(1)
    assert study_day(day_end(day, hour) - timedelta(microseconds=1), hour) == day


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 31)), hours)
def test_every_moment_lies_inside_its_study_day(moment: datetime, hour: int) -> None:
    day = study_day(moment, hour)
    assert day_start(day, hour) <= moment < day_end(day, hour)
    assert day in (moment.date(), moment.date() - timedelta(days=1))


@given(days, st.integers(min_value=0, max_value=3000))
def test_due_date_and_overdue_agree(today: date, interval: int) -> None:
    due = due_date(today, interval)
    if due < date.max:
        assert (due - today).days == interval
        assert days_overdue(today, due) == interval
        assert is_due(today, due)


def test_module_is_pure_stdlib() -> None:
    code = (
        "import sys; before = set(sys.modules); import flashcards.schedule.studyday; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new - set(sys.stdlib_module_names) - {'flashcards'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
