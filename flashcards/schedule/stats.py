"""The arithmetic behind ``k8sprep stats`` and ``k8sprep due``.

The store reads rows out of the database and passes them in as plain frozen
values (:class:`ReviewRow`, dates); everything here is counting over those
values, so it is pure: no I/O, no clock. "Today" is always an argument, a
study day from :mod:`flashcards.schedule.studyday`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flashcards.schedule.sm2 import PASSING_QUALITY, check_quality

DEFAULT_DAYS = 30
"""How many days the activity chart and the forecast cover."""

OVERALL: tuple[int, str] = (0, "all")
"""Key of the all-cards figure in :func:`retention`'s result ("all" is no card kind)."""

BAR = "█"
"""The block a bar chart is drawn with."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ReviewRow:
    """One logged answer, as the stats need it.

    ``day`` is the study day it was given on; ``first_of_day`` is true for the
    answer that scheduled the card and false for same-day re-drills.

    Raises:
        ValueError: ``quality`` is not an int in 0..5.
    """

    card_id: str
    day: date
    quality: int
    chapter: int
    kind: str
    first_of_day: bool = True

    def __post_init__(self) -> None:
        check_quality(self.quality)


def reviews_per_day(
    rows: Iterable[ReviewRow],
    today: date,
    days: int = DEFAULT_DAYS,
    *,
    first_only: bool = False,
) -> list[tuple[date, int]]:
    """Answers given on each of the ``days`` study days ending with ``today``.

    Every answer counts, re-drills included, because this charts the work
    done; pass ``first_only=True`` to count cards reviewed instead.

    Returns:
        ``(day, count)`` pairs, oldest first, one per day, zero-filled.

    Raises:
        ValueError: ``days`` is less than 1.
    """
    window = _window(today - timedelta(days=_check_days(days) - 1), days)
    counts = Counter(row.day for row in rows if row.first_of_day or not first_only)
    return [(day, counts[day]) for day in window]


def retention_counts(rows: Iterable[ReviewRow]) -> dict[tuple[int, str], tuple[int, int]]:
    """``(passed, answered)`` per ``(chapter, kind)`` and under :data:`OVERALL`.

    Only the first answer of each study day counts. A re-drill comes minutes
    after the card's answer was shown, so it measures short-term memory and
    would inflate the figure, and a card failed three times in one session
    would weigh three times. The first answer is the one that tells whether
    the memory survived the interval, which is what retention means.

    Returns:
        Keys sorted by chapter then kind, :data:`OVERALL` first; empty when no
        first answers were given.
    """
    passed: Counter[tuple[int, str]] = Counter()
    answered: Counter[tuple[int, str]] = Counter()
    for row in rows:
        if not row.first_of_day:
            continue
        for key in (OVERALL, (row.chapter, str(row.kind))):
            answered[key] += 1
            passed[key] += row.quality >= PASSING_QUALITY
    return {key: (passed[key], answered[key]) for key in sorted(answered, key=_retention_order)}


def retention(rows: Iterable[ReviewRow]) -> dict[tuple[int, str], float]:
    """Share of first-of-day answers graded 3 or more, per ``(chapter, kind)``.

    The all-cards figure is under :data:`OVERALL`. Shares are fractions in
    0..1; groups with no first answers are absent (no made-up 0 %). See
    :func:`retention_counts` for why re-drills are left out.
    """
    return {key: passed / answered for key, (passed, answered) in retention_counts(rows).items()}


def overall_retention(rows: Iterable[ReviewRow]) -> float | None:
    """Share of all first-of-day answers graded 3 or more; ``None`` without any."""
    return retention(rows).get(OVERALL)


def days_with_reviews(rows: Iterable[ReviewRow]) -> set[date]:
    """The study days on which at least one answer was given."""
    return {row.day for row in rows}


def streak(days_with_reviews: set[date], today: date) -> int:
    """Consecutive study days with reviews, ending today.

    A streak is not broken before the day is over: when today has no reviews
    yet, the run ending yesterday still counts. Days after ``today`` are
    ignored.
    """
    day = today if today in days_with_reviews else today - timedelta(days=1)
    length = 0
    while day in days_with_reviews:
        length += 1
        if day == date.min:
            break
        day -= timedelta(days=1)
    return length


def forecast(
    due_dates: Iterable[date], today: date, days: int = DEFAULT_DAYS
) -> list[tuple[date, int]]:
    """Cards due on each of the ``days`` study days starting with ``today``.

    Overdue cards are counted on today, since that is when they will be shown;
    cards due after the window are left out.

    Returns:
        ``(day, count)`` pairs, oldest first, zero-filled.

    Raises:
        ValueError: ``days`` is less than 1.
    """
    window = _window(today, _check_days(days))
    counts = Counter(max(due, today) for due in due_dates)
    return [(day, counts[day]) for day in window]


def bar_chart(series: list[tuple[date, int]], width: int = 40) -> list[str]:
    """A plain-text bar chart, one line per day: ``Nov 27 ███████ 12``.

    Bars are scaled so the largest count is ``width`` blocks long (rounded half
    up); any non-zero count gets at least one block so that it is visible, and
    a zero gets no bar at all. No colour codes, so the lines can be piped.

    Raises:
        ValueError: ``width`` is less than 1 or a count is negative.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive int, got {width!r}")
    if any(count < 0 for _, count in series):
        raise ValueError("bar chart counts must not be negative")
    top = max((count for _, count in series), default=0)
    lines = []
    for day, count in series:
        label = f"{_MONTHS[day.month - 1]} {day.day:2d}"
        if count == 0:
            lines.append(f"{label} {count}")
            continue
        blocks = max(1, (2 * count * width + top) // (2 * top))
        lines.append(f"{label} {BAR * blocks} {count}")
    return lines


def _retention_order(key: tuple[int, str]) -> tuple[bool, int, str]:
    return (key != OVERALL, key[0], key[1])


def _check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a positive int, got {days!r}")
    return days


def _window(first: date, days: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(days)]


MATURE_DAYS = 21
"""A card answered with an interval this long or longer is mature (as in Anki); shorter is young."""

HEATMAP_WEEKS = 26
"""How many weeks (Monday to Sunday) the activity heatmap covers, this week last."""

HEAT = "·░▒▓█"
"""Heatmap cells from no answers (``·``) to the busiest days (``█``)."""

EIGHTHS = " ▁▂▃▄▅▆▇█"
"""Column chart cells: empty, then one to eight eighths of a row filled."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def activity_days(
    rows: Iterable[ReviewRow], today: date, weeks: int = HEATMAP_WEEKS
) -> list[tuple[date, int]]:
    """Answers per study day over ``weeks`` whole weeks ending with ``today``'s week.

    The first day is a Monday; the last is ``today`` (the rest of its week is to come).

    Raises:
        ValueError: ``weeks`` is less than 1.
    """
    first = today - timedelta(days=today.weekday() + 7 * (_check_days(weeks) - 1))
    return reviews_per_day(rows, today, (today - first).days + 1)


def heat_level(count: int, top: int) -> int:
    """0 for no answers, else 1-4 by quarters of the busiest day's ``top``."""
    if count <= 0 or top <= 0:
        return 0
    return min(len(HEAT) - 1, max(1, -(-4 * count // top)))


def heatmap(series: list[tuple[date, int]], cell: int = 2) -> list[str]:
    """A calendar heatmap, GitHub style: a column per week, a row per weekday, months above.

    ``series`` is what :func:`activity_days` gives (starting on a Monday). Each day is
    one of :data:`HEAT`, ``cell`` columns wide; days after the series are blank. A last
    line says what the shades mean.
    """
    if not series:
        return []
    first = series[0][0] - timedelta(days=series[0][0].weekday())
    counts = dict(series)
    top = max(counts.values())
    weeks = (series[-1][0] - first).days // 7 + 1
    months = [" "] * (weeks * cell + 3)
    for week in range(weeks):
        sunday = first + timedelta(weeks=week, days=6)
        if week == 0 or sunday.day <= 7:  # the first column, and each month's first week
            _place(months, week * cell, _MONTHS[sunday.month - 1])
    lines = ["    " + "".join(months).rstrip()]
    for weekday, name in enumerate(WEEKDAYS):
        cells = []
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            shade = HEAT[heat_level(counts[day], top)] if day in counts else " "
            cells.append(shade.ljust(cell))
        lines.append(f"{name} " + "".join(cells).rstrip())
    busiest = max(series, key=lambda pair: (pair[1], pair[0]))
    scale = f"less {' '.join(HEAT)} more"
    if top:
        scale += f" (busiest: {top} on {_MONTHS[busiest[0].month - 1]} {busiest[0].day})"
    return [*lines, "    " + scale]


def column_chart(series: list[tuple[date, int]], height: int = 5, cell: int = 2) -> list[str]:
    """A column chart, one column per day, oldest left, with the count scale and dates.

    The tallest column is ``height`` rows; any non-zero count shows at least ``▁``, so
    it stands out from the days with none. Below, each Monday-or-first day is dated.

    Raises:
        ValueError: ``height`` or ``cell`` is less than 1, or a count is negative.
    """
    if height < 1 or cell < 1:
        raise ValueError("height and cell must be positive")
    if any(count < 0 for _, count in series):
        raise ValueError("chart counts must not be negative")
    if not series:
        return []
    top = max(count for _, count in series)
    steps = len(EIGHTHS) - 1
    units = [
        0 if count == 0 else max(1, (2 * count * height * steps + top) // (2 * top))
        for _, count in series
    ]
    axis = len(str(top))
    lines = []
    for row in range(height, 0, -1):
        filled = [min(steps, max(0, unit - (row - 1) * steps)) for unit in units]
        label = str(top) if row == height else ""
        tick = "┤" if row == height else "│"
        lines.append(
            f"{label:>{axis}} {tick}" + "".join(EIGHTHS[n].ljust(cell) for n in filled).rstrip()
        )
    lines.append(f"{0:>{axis}} └" + "─" * (len(series) * cell))
    dates = [" "] * (len(series) * cell + 8)
    for index, (day, _count) in enumerate(series):
        if index == 0 or day.weekday() == 0:
            _place(dates, index * cell, f"{_MONTHS[day.month - 1]} {day.day}")
    lines.append(" " * (axis + 2) + "".join(dates).rstrip())
    return lines


def _place(line: list[str], start: int, label: str) -> None:
    """Write ``label`` into ``line`` at ``start`` unless it would touch a label there."""
    if all(c == " " for c in line[max(0, start - 1) : start + len(label) + 1]):
        line[start : start + len(label)] = label
