"""The answer step: the whole effect of one answer, with the day passed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.schedule.answer import answer_card, next_intervals
from flashcards.schedule.records import CardState
from flashcards.schedule.sm2 import SM2State, review

DAY = date(2026, 12, 1)


def test_a_first_answer_schedules_and_sets_the_due_day() -> None:
    after, redrill = answer_card(CardState(), 4, day=DAY, at=datetime(2026, 12, 1, 9, 30))
    assert not redrill
    assert after == CardState(
        sm2=SM2State(1, 1, review(SM2State(), 4).easiness),
        due=DAY + timedelta(days=1),
        lapses=0,
        last_review=datetime(2026, 12, 1, 9, 30),
        last_day=DAY,
        last_grade=4,
    )


def test_a_second_answer_the_same_day_is_a_redrill_that_keeps_the_schedule() -> None:
    first, _ = answer_card(CardState(), 5, day=DAY)
    again, redrill = answer_card(first, 1, day=DAY)
    assert redrill
    assert again == replace(first, last_grade=1)


def test_forgetting_a_learned_card_is_a_lapse_but_failing_a_new_one_is_not() -> None:
    new_fail, _ = answer_card(CardState(), 1, day=DAY)
    assert (new_fail.lapses, new_fail.sm2.repetitions, new_fail.due) == (0, 0, DAY + timedelta(1))
    learned, _ = answer_card(CardState(), 5, day=DAY)
    forgot, _ = answer_card(learned, 2, day=DAY + timedelta(days=1))
    assert (forgot.lapses, forgot.sm2.repetitions) == (1, 0)


def test_a_grade_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        answer_card(CardState(), 6, day=DAY)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=30))
def test_replaying_first_answers_matches_plain_sm2(steps: list[tuple[int, int]]) -> None:
    state, day, sm2 = CardState(), DAY, SM2State()
    for grade, gap in steps:
        day += timedelta(days=gap)
        state, redrill = answer_card(state, grade, day=day)
        if not redrill:
            sm2 = review(sm2, grade)
        assert state.sm2 == sm2
        assert state.due == state.last_day + timedelta(days=state.sm2.interval)  # type: ignore[operator]
        assert state.lapses >= 0 and state.last_grade == grade


def test_next_intervals_are_what_each_grade_would_schedule() -> None:
    day = date(2026, 12, 3)
    new = CardState()
    assert next_intervals(new, day) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    learned = CardState(sm2=SM2State(2, 6, "2.70"), due=day, last_day=day - timedelta(days=6))
    assert next_intervals(learned, day) == {0: 1, 1: 1, 2: 1, 3: 17, 4: 17, 5: 17}
    for grade, days in next_intervals(learned, day).items():  # as answering would
        assert answer_card(learned, grade, day=day)[0].due == day + timedelta(days=days)


def test_no_grade_reschedules_a_card_answered_earlier_the_same_day() -> None:
    day = date(2026, 12, 3)
    assert next_intervals(CardState(sm2=SM2State(1, 1), last_day=day), day) is None
