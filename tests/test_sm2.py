"""SM-2 scheduling: hand-worked sequences, every rule, and an exact reference."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from decimal import Decimal
from enum import IntEnum
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.schedule.sm2 import (
    GRADE_LEGEND,
    INITIAL_EASINESS,
    MIN_EASINESS,
    PASSING_QUALITY,
    REDRILL_BELOW,
    SM2State,
    check_quality,
    needs_redrill,
    preview_intervals,
    replay,
    review,
)


def run(grades: list[int], state: SM2State | None = None) -> list[tuple[int, int, str]]:
    """(repetitions, interval, easiness) after each grade, easiness as text."""
    current = SM2State() if state is None else state
    steps = []
    for grade in grades:
        current = review(current, grade)
        steps.append((current.repetitions, current.interval, str(current.easiness)))
    return steps


# --- worked sequences, computed by hand -------------------------------------------------------


def test_new_card_defaults() -> None:
    state = SM2State()
    assert (state.repetitions, state.interval, state.easiness) == (0, 0, Decimal("2.5"))
    assert Decimal("2.5") == INITIAL_EASINESS
    assert Decimal("1.3") == MIN_EASINESS
    assert (PASSING_QUALITY, REDRILL_BELOW) == (3, 4)


def test_all_perfect() -> None:
    # 1, 6, ceil(6*2.7)=ceil(16.2)=17, ceil(17*2.8)=ceil(47.6)=48, ceil(48*2.9)=ceil(139.2)=140
    assert run([5, 5, 5, 5, 5]) == [
        (1, 1, "2.60"),
        (2, 6, "2.70"),
        (3, 17, "2.80"),
        (4, 48, "2.90"),
        (5, 140, "3.00"),
    ]


def test_all_hesitant_keeps_easiness() -> None:
    # 1, 6, 6*2.5=15, ceil(15*2.5)=ceil(37.5)=38, ceil(38*2.5)=95
    assert run([4, 4, 4, 4, 4]) == [
        (1, 1, "2.50"),
        (2, 6, "2.50"),
        (3, 15, "2.50"),
        (4, 38, "2.50"),
        (5, 95, "2.50"),
    ]


def test_all_hard() -> None:
    # easiness -0.14 each time; 1, 6, ceil(6*2.22)=ceil(13.32)=14,
    # ceil(14*2.08)=ceil(29.12)=30, ceil(30*1.94)=ceil(58.2)=59
    assert run([3, 3, 3, 3, 3]) == [
        (1, 1, "2.36"),
        (2, 6, "2.22"),
        (3, 14, "2.08"),
        (4, 30, "1.94"),
        (5, 59, "1.80"),
    ]


def test_mixed_with_a_lapse() -> None:
    # 5: 1d, 2.60 | 4: 6d, 2.60 | 3: ceil(6*2.6)=ceil(15.6)=16d, 2.46
    # 1: lapse -> 0 reps, 1d, 2.46-0.54=1.92 | 4: 1d, 1.92 | 5: 6d, 2.02
    # 5: ceil(6*2.02)=ceil(12.12)=13d, 2.12
    assert run([5, 4, 3, 1, 4, 5, 5]) == [
        (1, 1, "2.60"),
        (2, 6, "2.60"),
        (3, 16, "2.46"),
        (0, 1, "1.92"),
        (1, 1, "1.92"),
        (2, 6, "2.02"),
        (3, 13, "2.12"),
    ]


def test_replay_folds_review() -> None:
    assert replay([5, 4, 3, 1, 4, 5, 5]) == SM2State(3, 13, "2.12")
    assert replay([]) == SM2State()
    start = SM2State(2, 6, "2.5")
    assert replay([5], start) == review(start, 5)


# --- each rule pinned --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quality", "change"),
    [(5, "0.10"), (4, "0.00"), (3, "-0.14"), (2, "-0.32"), (1, "-0.54"), (0, "-0.80")],
)
def test_easiness_change_per_grade(quality: int, change: str) -> None:
    before = SM2State(repetitions=3, interval=10, easiness="2.9")
    assert review(before, quality).easiness == Decimal("2.9") + Decimal(change)


@pytest.mark.parametrize(
    ("easiness", "quality", "expected"),
    [("1.30", 0, "1.30"), ("1.40", 3, "1.30"), ("1.44", 3, "1.30"), ("1.45", 3, "1.31")],
)
def test_easiness_floor(easiness: str, quality: int, expected: str) -> None:
    assert review(SM2State(3, 10, easiness), quality).easiness == Decimal(expected)


@pytest.mark.parametrize("quality", [0, 1, 2])
def test_lapse_resets_repetitions_and_interval(quality: int) -> None:
    after = review(SM2State(repetitions=5, interval=140, easiness="3.0"), quality)
    assert (after.repetitions, after.interval) == (0, 1)


def test_a_lapse_then_pass_starts_the_climb_again() -> None:
    lapsed = review(SM2State(5, 140, "3.0"), 2)
    assert review(lapsed, 5).interval == 1
    assert review(review(lapsed, 5), 5).interval == 6


def test_interval_uses_easiness_before_the_answer() -> None:
    # ceil(6 * 2.5) = 15; with the easiness after a 5 (2.6) it would be ceil(15.6) = 16.
    after = review(SM2State(repetitions=2, interval=6, easiness="2.5"), 5)
    assert (after.interval, after.easiness) == (15, Decimal("2.6"))
    # ceil(10 * 2.5) = 25; with the easiness after a 3 (2.36) it would be ceil(23.6) = 24.
    assert review(SM2State(repetitions=4, interval=10, easiness="2.5"), 3).interval == 25


def test_interval_rounds_up() -> None:
    assert review(SM2State(2, 7, "1.3"), 4).interval == 10  # 7 * 1.3 = 9.1


def test_input_state_not_modified() -> None:
    before = SM2State(repetitions=2, interval=6, easiness="2.5")
    snapshot = dataclasses.astuple(before)
    after = review(before, 0)
    assert dataclasses.astuple(before) == snapshot
    assert after is not before
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.interval = 99  # type: ignore[misc]


@pytest.mark.parametrize("quality", [-1, 6, 3.0, True, False, "3", None, 2.5])
def test_bad_quality_is_refused(quality: object) -> None:
    with pytest.raises(ValueError, match="quality"):
        review(SM2State(), quality)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="quality"):
        needs_redrill(quality)  # type: ignore[arg-type]


def test_int_subclasses_are_grades() -> None:
    class Button(IntEnum):
        GOOD = 4

    assert review(SM2State(), Button.GOOD) == SM2State(1, 1, "2.5")
    assert check_quality(Button.GOOD) == 4
    assert type(check_quality(Button.GOOD)) is int


def test_review_refuses_a_non_state() -> None:
    with pytest.raises(ValueError, match="SM2State"):
        review((0, 0, 2.5), 4)  # type: ignore[arg-type]


# --- the state's own rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (2.36, "2.36"),
        (2.5, "2.50"),
        (2, "2.00"),
        ("2.5", "2.50"),
        (" 1.3 ", "1.30"),
        (Decimal("2.345"), "2.35"),  # half up
        (2.355, "2.36"),  # the float's shortest repr, not its binary expansion
        (1.3000000000000003, "1.30"),
    ],
)
def test_easiness_is_normalised(given_value: object, expected: str) -> None:
    easiness = SM2State(easiness=given_value).easiness  # type: ignore[arg-type]
    assert isinstance(easiness, Decimal)
    assert easiness == Decimal(expected)
    assert easiness.as_tuple().exponent == -2


def test_states_compare_by_value_across_input_types() -> None:
    assert SM2State(2, 6, 2.36) == SM2State(2, 6, "2.36") == SM2State(2, 6, Decimal("2.360"))
    assert hash(SM2State(easiness=2.5)) == hash(SM2State())
    assert SM2State(easiness="2.36").easiness_hundredths == 236


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repetitions": -1},
        {"interval": -1},
        {"repetitions": True},
        {"interval": 1.0},
        {"repetitions": "1"},
        {"repetitions": 1, "interval": 0},
        {"easiness": 1.29},
        {"easiness": "1.2949"},
        {"easiness": 0},
        {"easiness": -2.5},
        {"easiness": "abc"},
        {"easiness": ""},
        {"easiness": float("nan")},
        {"easiness": float("inf")},
        {"easiness": Decimal("NaN")},
        {"easiness": Decimal("Infinity")},
        {"easiness": True},
        {"easiness": None},
        {"easiness": [2.5]},
    ],
)
def test_bad_state_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SM2State(**kwargs)  # type: ignore[arg-type]


def test_a_lapsed_card_has_zero_repetitions_and_one_day() -> None:
    assert SM2State(repetitions=0, interval=1).interval == 1


# --- the float trap ---------------------------------------------------------------------------


def naive_float_intervals(grades: list[int]) -> list[int]:
    """SM-2 with binary floats, as a quick implementation would write it."""
    repetitions, interval, easiness = 0, 0, 2.5
    out = []
    for q in grades:
        if q >= 3:
            interval = (
                1 if repetitions == 0 else 6 if repetitions == 1 else math.ceil(interval * easiness)
            )
            repetitions += 1
        else:
            repetitions, interval = 0, 1
        easiness = max(1.3, easiness + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))
        out.append(interval)
    return out


def test_float_trap_six_times_one_and_a_half_is_nine() -> None:
    # 0, 0: easiness 2.5 -> 1.7 -> 1.3 (floor); 5, 5: 1.4, 1.5 with intervals 1, 6;
    # then 5: ceil(6 * 1.5) = 9. In floats easiness is 1.5000000000000002 and gives 10.
    grades = [0, 0, 5, 5, 5]
    assert naive_float_intervals(grades)[-1] == 10
    assert run(grades) == [
        (0, 1, "1.70"),
        (0, 1, "1.30"),
        (1, 1, "1.40"),
        (2, 6, "1.50"),
        (3, 9, "1.60"),
    ]


def test_float_trap_twelve_times_two_is_twenty_four() -> None:
    # 0: 1.7; 5, 5, 5: 1d, 6d, ceil(6*1.9)=12d, easiness 2.0; 5: 12 * 2.0 = 24 (floats: 25).
    grades = [0, 5, 5, 5, 5]
    assert naive_float_intervals(grades)[-1] == 25
    assert [interval for _, interval, _ in run(grades)] == [1, 1, 6, 12, 24]


# --- redrill, legend, preview ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quality", "again"), [(0, True), (1, True), (2, True), (3, True), (4, False), (5, False)]
)
def test_needs_redrill(quality: int, again: bool) -> None:
    assert needs_redrill(quality) is again


def test_grade_legend_covers_every_grade() -> None:
    assert list(GRADE_LEGEND) == [0, 1, 2, 3, 4, 5]
    assert GRADE_LEGEND[0] == "blackout"
    assert GRADE_LEGEND[5] == "perfect"
    assert all(isinstance(text, str) and text for text in GRADE_LEGEND.values())


def test_preview_intervals() -> None:
    assert preview_intervals(SM2State()) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert preview_intervals(SM2State(2, 6, "2.5")) == {0: 1, 1: 1, 2: 1, 3: 15, 4: 15, 5: 15}


# --- properties against an exact reference -----------------------------------------------------


def reference(grades: list[int], start: tuple[int, int, Fraction] = (0, 0, Fraction(5, 2))):
    """SM-2 in exact rationals, written straight from the rules."""
    repetitions, interval, easiness = start
    steps = []
    for q in grades:
        if q >= 3:
            if repetitions == 0:
                interval = 1
            elif repetitions == 1:
                interval = 6
            else:
                interval = math.ceil(interval * easiness)
            repetitions += 1
        else:
            repetitions, interval = 0, 1
        miss = 5 - q
        easiness += Fraction(1, 10) - miss * (Fraction(8, 100) + miss * Fraction(2, 100))
        easiness = max(easiness, Fraction(13, 10))
        steps.append((repetitions, interval, easiness))
    return steps


grade_lists = st.lists(st.integers(min_value=0, max_value=5), max_size=60)


@given(grade_lists)
def test_matches_exact_reference_on_every_step(grades: list[int]) -> None:
    state = SM2State()
    for grade, expected in zip(grades, reference(grades), strict=True):
        state = review(state, grade)
        assert (state.repetitions, state.interval, Fraction(state.easiness)) == expected
        assert state.easiness >= Decimal("1.3")
        assert state.interval >= 1


@given(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=1, max_value=10_000),
    st.integers(min_value=130, max_value=400),
    grade_lists,
)
def test_matches_reference_from_any_state(
    repetitions: int, interval: int, hundredths: int, grades: list[int]
) -> None:
    start = SM2State(repetitions, interval, Decimal(hundredths) / 100)
    expected = reference(grades, (repetitions, interval, Fraction(hundredths, 100)))
    state = start
    for grade, (reps, days, easiness) in zip(grades, expected, strict=True):
        state = review(state, grade)
        assert (state.repetitions, state.interval, Fraction(state.easiness)) == (
            reps,
            days,
            easiness,
        )


@given(grade_lists, st.integers(min_value=0, max_value=2))
def test_a_lapse_always_resets(grades: list[int], lapse: int) -> None:
    after = review(replay(grades), lapse)
    assert (after.repetitions, after.interval) == (0, 1)


@given(grade_lists)
def test_easiness_moves_in_steps_of_two_hundredths(grades: list[int]) -> None:
    state = replay(grades)
    assert state.easiness_hundredths % 2 == 0
    assert state.easiness.as_tuple().exponent == -2


def test_module_is_pure_stdlib() -> None:
    code = (
        "import sys; before = set(sys.modules); import flashcards.schedule.sm2; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new - set(sys.stdlib_module_names) - {'flashcards'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
