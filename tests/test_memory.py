"""Shadow FSRS: the fast replay equals py-fsrs's own ``review_card``, answer by answer."""

from __future__ import annotations

from datetime import date, timedelta

from fsrs import Card, Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.schedule.memory import ShadowFSRS, fsrs_moment, rating_of

answers = st.lists(
    st.tuples(st.sampled_from([0, 0, 1, 2, 3, 6, 15, 40, 200]), st.integers(0, 5)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(answers, st.floats(0.8, 0.97))
def test_shadow_replay_matches_py_fsrs(stream: list[tuple[int, int]], retention: float) -> None:
    scheduler = Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    shadow = ShadowFSRS(scheduler.parameters)
    card, memory, day = Card(), None, date(2026, 1, 5)
    for gap, grade in stream:
        day += timedelta(days=gap)
        card, _log = scheduler.review_card(card, Rating(rating_of(grade)), fsrs_moment(day))
        memory = shadow.step(memory, grade, day)
        assert card.stability is not None and card.difficulty is not None
        assert abs(memory.stability - card.stability) <= 1e-9 * card.stability
        assert abs(memory.difficulty - card.difficulty) <= 1e-9
        later = day + timedelta(days=gap + 1)
        expected = scheduler.get_card_retrievability(card, fsrs_moment(later))
        assert abs(shadow.retrievability(memory, later) - expected) <= 1e-12


def test_grade_mapping() -> None:
    assert [rating_of(g) for g in range(6)] == [
        Rating.Again, Rating.Again, Rating.Again, Rating.Hard, Rating.Good, Rating.Easy,
    ]  # fmt: skip


def test_moments_are_aware_utc_and_count_study_days() -> None:
    first, later = fsrs_moment(date(2026, 3, 28)), fsrs_moment(date(2026, 3, 30))
    assert first.utcoffset() == timedelta(0)
    assert (later - first).days == 2
