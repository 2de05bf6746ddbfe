"""The pure exam planner: today's share, new cards early enough, feasibility, standing."""

from __future__ import annotations

from datetime import date, timedelta

from flashcards.schedule.config import Config
from flashcards.schedule.exam import (
    Exam,
    ExamCounts,
    Phase,
    feasibility,
    plan_day,
    progress,
)

EXAM = Exam(date(2026, 12, 20), window_days=7, max_per_day=40)
CONFIG = Config(new_per_day=10, reviews_per_day=200)


def counts(unseen: int = 0, **rest: int) -> ExamCounts:
    values = {"seen_today": 0, "never_answered": 0, "introduced_today": 0, "firsts_today": 0}
    return ExamCounts(unseen=unseen, **(values | rest))


def test_phases_and_days() -> None:
    assert EXAM.window_start == date(2026, 12, 13)
    assert EXAM.phase(date(2026, 12, 12)) is Phase.BEFORE
    assert EXAM.phase(date(2026, 12, 13)) is Phase.WINDOW
    assert EXAM.phase(date(2026, 12, 19)) is Phase.WINDOW
    assert EXAM.phase(date(2026, 12, 20)) is Phase.OVER  # the exam day itself: over
    assert EXAM.window_days_left(date(2026, 12, 17)) == 3
    assert EXAM.limit(CONFIG) == 40 and Exam(EXAM.date).limit(CONFIG) == 200


def test_the_window_spreads_the_unseen_cards_evenly() -> None:
    first = date(2026, 12, 13)
    assert plan_day(EXAM, CONFIG, first, counts(100)).must == 15  # ceil(100 / 7)
    # Quitting after 6 and coming back: the day's share is still 15 in all.
    again = plan_day(EXAM, CONFIG, first, counts(94, seen_today=6, firsts_today=6))
    assert (again.share, again.must) == (15, 9)
    # The last day takes everything left, up to the limit.
    last = date(2026, 12, 19)
    assert plan_day(EXAM, CONFIG, last, counts(33)).must == 33
    assert plan_day(EXAM, CONFIG, last, counts(50)).must == 40


def test_new_cards_are_introduced_early_enough() -> None:
    ten_days_before = date(2026, 12, 3)
    plan = plan_day(EXAM, CONFIG, ten_days_before, counts(300, never_answered=250))
    assert plan.new_needed == 25  # ceil(250 / 10), above new_per_day
    done = plan_day(
        EXAM,
        CONFIG,
        ten_days_before,
        counts(300, never_answered=230, introduced_today=20, firsts_today=20),
    )
    assert done.new_needed == 5  # 25 today in all, 20 done
    assert plan_day(EXAM, CONFIG, ten_days_before, counts(300, never_answered=9)).new_needed == 1


def test_an_infeasible_plan_names_the_smallest_window_and_limit() -> None:
    today = date(2026, 12, 1)
    check = feasibility(
        EXAM, CONFIG, today, unseen_since={None: 300}, dues_on={date(2026, 12, 15): 30},
        firsts_today=0,
    )  # fmt: skip
    assert (check.ok, check.need, check.capacity, check.days) == (False, 330, 280, 7)
    assert check.smallest_limit == 48  # ceil(330 / 7)
    assert check.smallest_window == 9  # 8 × 40 = 320 < 330 <= 9 × 40
    fits = feasibility(
        Exam(EXAM.date, 9, 40), CONFIG, today, unseen_since={None: 300},
        dues_on={date(2026, 12, 15): 30}, firsts_today=0,
    )  # fmt: skip
    assert (fits.ok, fits.need, fits.capacity) == (True, 330, 360)
    # Dues after the exam, or before today, do not count.
    later = feasibility(
        EXAM, CONFIG, today, unseen_since={None: 270},
        dues_on={date(2026, 12, 20): 99, date(2026, 11, 30): 99}, firsts_today=0,
    )  # fmt: skip
    assert (later.ok, later.need) == (True, 270)


def test_cards_seen_before_today_inside_the_window_count_as_seen() -> None:
    today = date(2026, 12, 15)  # day 3 of the window
    unseen_since = {None: 60, date(2026, 12, 13): 25, date(2026, 12, 14): 15}
    check = feasibility(EXAM, CONFIG, today, unseen_since=unseen_since, dues_on={},
                        firsts_today=0)  # fmt: skip
    assert (check.need, check.days) == (60, 5)


def test_a_skipped_day_shows_in_the_standing() -> None:
    exam = Exam(date(2026, 12, 20), 7, 10, set_on=date(2026, 12, 1))
    today = date(2026, 12, 16)
    study = {date(2026, 12, 13), date(2026, 12, 15)}
    standing = progress(exam, CONFIG, today, counts(45, cards=70), study_days=study)
    assert standing.skipped == (date(2026, 12, 14),)
    assert standing.capacity_left == 40 and standing.shortfall == 5 and not standing.on_track
    assert (standing.seen_in_window, standing.remaining, standing.days_left) == (25, 45, 4)
    assert progress(exam, CONFIG, today, counts(40, cards=70), study_days=study).on_track
    later = progress(exam, CONFIG, today + timedelta(days=10), counts(0), study_days=set())
    assert later.phase is Phase.OVER and later.on_track
