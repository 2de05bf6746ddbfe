"""Stats math: activity, retention, streaks, forecast and the bar chart."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.schedule.stats import (
    OVERALL,
    ReviewRow,
    bar_chart,
    days_with_reviews,
    forecast,
    overall_retention,
    retention,
    retention_counts,
    reviews_per_day,
    streak,
)

TODAY = date(2026, 11, 27)


def row(
    day: date,
    quality: int = 4,
    *,
    card: str = "c1",
    chapter: int = 5,
    kind: str = "concept",
    first: bool = True,
) -> ReviewRow:
    return ReviewRow(card, day, quality, chapter, kind, first)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


# --- reviews per day ---------------------------------------------------------------------------


def test_reviews_per_day_zero_fills_oldest_first() -> None:
    rows = [
        row(d(11, 27)),
        row(d(11, 27), card="c2"),
        row(d(11, 27), 2, card="c3"),
        row(d(11, 27), 4, card="c3", first=False),  # re-drill
        row(d(11, 25)),
        row(d(11, 24)),  # before the window
        row(d(11, 28)),  # after today
    ]
    assert reviews_per_day(rows, TODAY, days=3) == [
        (d(11, 25), 1),
        (d(11, 26), 0),
        (d(11, 27), 4),
    ]
    assert reviews_per_day(rows, TODAY, days=3, first_only=True) == [
        (d(11, 25), 1),
        (d(11, 26), 0),
        (d(11, 27), 3),
    ]


def test_reviews_per_day_default_window_is_thirty_days() -> None:
    series = reviews_per_day([], TODAY)
    assert len(series) == 30
    assert series[0] == (d(10, 29), 0)
    assert series[-1] == (TODAY, 0)


def test_reviews_per_day_across_year_end() -> None:
    rows = [row(d(12, 31)), row(date(2027, 1, 1)), row(date(2027, 1, 1), card="c2")]
    assert reviews_per_day(rows, date(2027, 1, 1), days=2) == [
        (d(12, 31), 1),
        (date(2027, 1, 1), 2),
    ]


@pytest.mark.parametrize("days", [0, -3, 1.5, True])
def test_reviews_per_day_bad_window(days: object) -> None:
    with pytest.raises(ValueError, match="days"):
        reviews_per_day([], TODAY, days)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="days"):
        forecast([], TODAY, days)  # type: ignore[arg-type]


# --- retention ---------------------------------------------------------------------------------


def test_retention_per_chapter_and_kind_first_answers_only() -> None:
    rows = [
        # chapter 5 concept: 3 first answers, 2 pass (4, 3), 1 fail (2) -> 2/3
        row(d(11, 25), 4, card="a"),
        row(d(11, 26), 3, card="b"),
        row(d(11, 27), 2, card="c"),
        row(d(11, 27), 1, card="c", first=False),  # re-drills never count
        row(d(11, 27), 5, card="c", first=False),
        # chapter 5 interview: 1 of 2 -> 1/2
        row(d(11, 27), 5, card="d", kind="interview"),
        row(d(11, 27), 0, card="e", kind="interview"),
        # chapter 6 concept: 0 of 1
        row(d(11, 27), 1, card="f", chapter=6),
        # chapter 6 flow: only a re-drill -> absent
        row(d(11, 27), 5, card="g", chapter=6, kind="flow", first=False),
    ]
    assert retention_counts(rows) == {
        OVERALL: (3, 6),
        (5, "concept"): (2, 3),
        (5, "interview"): (1, 2),
        (6, "concept"): (0, 1),
    }
    shares = retention(rows)
    assert list(shares) == [OVERALL, (5, "concept"), (5, "interview"), (6, "concept")]
    assert shares[(5, "concept")] == pytest.approx(2 / 3)
    assert shares[(5, "interview")] == 0.5
    assert shares[(6, "concept")] == 0.0
    assert shares[OVERALL] == 0.5
    assert overall_retention(rows) == 0.5


def test_retention_pass_mark_is_three() -> None:
    rows = [row(TODAY, q, card=str(q)) for q in range(6)]
    assert retention_counts(rows)[OVERALL] == (3, 6)


def test_retention_without_answers() -> None:
    assert retention([]) == {}
    assert retention([row(TODAY, 5, first=False)]) == {}
    assert overall_retention([]) is None


def test_retention_accepts_a_one_shot_iterator() -> None:
    rows = iter([row(TODAY, 5), row(TODAY, 0, card="x")])
    assert retention(rows) == {OVERALL: 0.5, (5, "concept"): 0.5}


def test_review_row_checks_quality() -> None:
    with pytest.raises(ValueError, match="quality"):
        ReviewRow("c1", TODAY, 6, 5, "concept", True)


# --- streak ------------------------------------------------------------------------------------


def test_streak_ending_today() -> None:
    assert streak({d(11, 25), d(11, 26), d(11, 27)}, TODAY) == 3


def test_streak_ending_yesterday_when_today_not_yet_studied() -> None:
    assert streak({d(11, 24), d(11, 25), d(11, 26)}, TODAY) == 3


def test_streak_broken() -> None:
    assert streak({d(11, 20), d(11, 21), d(11, 25)}, TODAY) == 0
    assert streak({d(11, 23), d(11, 25), d(11, 26), d(11, 27)}, TODAY) == 3
    assert streak(set(), TODAY) == 0


def test_streak_ignores_future_days_and_crosses_year_end() -> None:
    days = {d(12, 30, 2026), d(12, 31, 2026), date(2027, 1, 1), date(2027, 1, 5)}
    assert streak(days, date(2027, 1, 1)) == 3
    assert streak(days, date(2027, 1, 2)) == 3


def test_streak_from_rows() -> None:
    rows = [row(d(11, 26)), row(d(11, 26), card="c2"), row(TODAY, first=False)]
    assert days_with_reviews(rows) == {d(11, 26), TODAY}
    assert streak(days_with_reviews(rows), TODAY) == 2


def test_streak_at_the_start_of_the_calendar() -> None:
    assert streak({date.min, date.min + timedelta(1)}, date.min + timedelta(1)) == 2


@given(st.integers(min_value=0, max_value=400), st.booleans())
def test_streak_counts_an_unbroken_run(length: int, studied_today: bool) -> None:
    end = TODAY if studied_today else TODAY - timedelta(days=1)
    run = {end - timedelta(days=i) for i in range(length)}
    # two empty days, so that an empty run is not mistaken for "ending yesterday"
    gap_then_more = {end - timedelta(days=length + 2 + i) for i in range(5)}
    assert streak(run | gap_then_more, TODAY) == length


# --- forecast ----------------------------------------------------------------------------------


def test_forecast_overdue_lands_on_today() -> None:
    due = [d(11, 1), d(11, 26), TODAY, TODAY, d(11, 28), d(11, 30), d(12, 25)]
    assert forecast(due, TODAY, days=4) == [
        (d(11, 27), 4),  # 2 overdue + 2 due today
        (d(11, 28), 1),
        (d(11, 29), 0),
        (d(11, 30), 1),
    ]


def test_forecast_default_window() -> None:
    series = forecast([d(12, 26), d(12, 27)], TODAY)
    assert len(series) == 30
    assert series[0] == (TODAY, 0)
    assert series[-1] == (d(12, 26), 1)  # 12-27 is past the 30-day window
    assert sum(count for _, count in series) == 1


@given(st.lists(st.dates(min_value=d(1, 1), max_value=d(12, 31)), max_size=50))
def test_forecast_keeps_every_card_due_in_the_window(due: list[date]) -> None:
    series = forecast(due, TODAY, days=10)
    assert sum(count for _, count in series) == sum(1 for x in due if x < TODAY + timedelta(10))


# --- bar chart ---------------------------------------------------------------------------------


def test_bar_chart_scales_to_the_largest_count() -> None:
    series = [(d(11, 25), 12), (d(11, 26), 0), (d(11, 27), 6), (d(11, 28), 1)]
    assert bar_chart(series, width=10) == [
        "Nov 25 ██████████ 12",
        "Nov 26 0",
        "Nov 27 █████ 6",  # 6/12 * 10 = 5
        "Nov 28 █ 1",  # 1/12 * 10 = 0.83 -> 1
    ]


def test_bar_chart_rounds_half_up_and_never_hides_a_small_count() -> None:
    series = [(d(1, 1), 8), (d(1, 2), 1), (d(1, 3), 3), (d(1, 4), 5)]
    # 1/8*4 = 0.5 -> 1, 3/8*4 = 1.5 -> 2, 5/8*4 = 2.5 -> 3
    assert bar_chart(series, width=4) == [
        "Jan  1 ████ 8",
        "Jan  2 █ 1",
        "Jan  3 ██ 3",
        "Jan  4 ███ 5",
    ]
    assert bar_chart([(d(1, 1), 1000), (d(1, 2), 1)], width=40)[1] == "Jan  2 █ 1"


def test_bar_chart_default_width_and_month_labels() -> None:
    lines = bar_chart([(date(2026, month, 9), month) for month in range(1, 13)])
    assert lines[-1] == "Dec  9 " + "█" * 40 + " 12"
    assert lines[0] == "Jan  9 " + "█" * 3 + " 1"  # 1/12 * 40 = 3.33
    assert [line[:3] for line in lines] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]  # fmt: skip


def test_bar_chart_plain_text_only() -> None:
    lines = bar_chart(reviews_per_day([row(TODAY)] * 3, TODAY, days=7))
    assert len(lines) == 7
    assert all("\x1b" not in line for line in lines)
    assert lines[-1] == "Nov 27 " + "█" * 40 + " 3"
    assert lines[0] == "Nov 21 0"


def test_bar_chart_all_zero_or_empty() -> None:
    assert bar_chart([]) == []
    assert bar_chart([(TODAY, 0), (d(11, 28), 0)]) == ["Nov 27 0", "Nov 28 0"]


@pytest.mark.parametrize("width", [0, -1, 2.5, True])
def test_bar_chart_bad_width(width: object) -> None:
    with pytest.raises(ValueError, match="width"):
        bar_chart([(TODAY, 1)], width)  # type: ignore[arg-type]


def test_bar_chart_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        bar_chart([(TODAY, -1)])


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=40), st.integers(1, 80))
def test_bar_lengths_are_bounded_and_ordered(counts: list[int], width: int) -> None:
    series = [(TODAY + timedelta(days=i), c) for i, c in enumerate(counts)]
    lengths = [line.count("█") for line in bar_chart(series, width)]
    assert all(0 <= n <= width for n in lengths)
    assert all((n == 0) == (c == 0) for n, c in zip(lengths, counts, strict=True))
    pairs = sorted(zip(counts, lengths, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))
    if any(counts):
        assert max(lengths) == width


def test_module_is_pure_stdlib() -> None:
    code = (
        "import sys; before = set(sys.modules); import flashcards.schedule.stats; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new - set(sys.stdlib_module_names) - {'flashcards'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
