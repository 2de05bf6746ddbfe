"""The exam guarantee, proved on random plans through the real queue and a real SQLite store.

Each example: random decks (some suspended cards), random exam decks, exam date, window
and limits, a random grade stream, and random days the candidate skips or splits into
two sessions (quitting part-way, then finishing). Every study day is simulated through
:func:`flashcards.schedule.queue.build_queue` on a :class:`~flashcards.store.Store`
file, as ``k8sprep review`` runs it. Then:

- no study day held more than the limit of first views;
- without skipped days in the window, every unsuspended exam card got a graded first
  answer of its day inside the window;
- with skipped days, the cards missed are no more than the skipped days' queues held,
  and on the last window day the exam's progress says cards no longer fit;
- whether SM-2 or FSRS (``scheduler = "fsrs"``) sets the due dates.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flashcards.schedule.config import Config
from flashcards.schedule.exam import Exam
from flashcards.schedule.queue import build_queue
from flashcards.schedule.sm2 import REDRILL_BELOW
from flashcards.store import Store
from tests.review_helpers import make_deck

START = date(2026, 3, 2)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, object]:
    sizes = draw(st.lists(st.integers(1, 16), min_size=1, max_size=3))
    slugs = [f"deck{i}" for i in range(len(sizes))]
    exam_decks = draw(
        st.one_of(
            st.just(()),
            st.lists(st.sampled_from(slugs), min_size=1, max_size=len(slugs), unique=True),
        )
    )
    days = draw(st.integers(1, 20))
    window = draw(st.integers(1, 10))
    limit = draw(st.one_of(st.none(), st.integers(1, 15)))
    return {
        "sizes": sizes,
        "slugs": slugs,
        "exam_decks": tuple(exam_decks),
        "days": days,
        "window": window,
        "limit": limit,
        "config": Config(
            new_per_day=draw(st.integers(0, 6)), reviews_per_day=draw(st.integers(1, 20))
        ),
        "grades": draw(st.lists(st.integers(0, 5), min_size=1, max_size=40)),
        "skips": draw(st.sets(st.integers(0, days - 1), max_size=3)),
        "splits": draw(st.sets(st.integers(0, days - 1), max_size=3)),
        "suspend": draw(st.sets(st.integers(0, 11), max_size=3)),
        "history": draw(st.integers(0, 4)),
        "fsrs": draw(st.booleans()),
    }


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=minute)


class Candidate:
    """Answers from a grade stream, re-drilling until 4 or 5 like the review session."""

    def __init__(self, store: Store, grades: list[int]) -> None:
        self.store, self.grades, self.turn, self.minute = store, grades, 0, 0

    def grade(self) -> int:
        self.turn += 1
        return self.grades[self.turn % len(self.grades)]

    def answer(self, card_id: str, day: date, grade: int | None = None) -> int:
        self.minute += 1
        given_grade = self.grade() if grade is None else grade
        self.store.record_review(card_id, time=_at(day, self.minute), day=day, grade=given_grade)
        return given_grade

    def session(self, day: date, cards: tuple[str, ...], stop_after: int | None = None) -> None:
        redo: list[str] = []
        for n, card_id in enumerate(cards):
            if stop_after is not None and n >= stop_after:
                return
            if self.answer(card_id, day) < REDRILL_BELOW:
                redo.append(card_id)
        for card_id in redo:  # re-drills: extra, until graded 4 or 5 (here within 3 tries)
            for attempt in range(3):
                if self.answer(card_id, day, None if attempt < 2 else 5) >= REDRILL_BELOW:
                    break


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_exam_card_is_seen_in_the_window(plan: dict[str, object]) -> None:
    sizes: list[int] = plan["sizes"]  # type: ignore[assignment]
    slugs: list[str] = plan["slugs"]  # type: ignore[assignment]
    config: Config = plan["config"]  # type: ignore[assignment]
    skips: set[int] = plan["skips"]  # type: ignore[assignment]
    splits: set[int] = plan["splits"]  # type: ignore[assignment]
    days: int = plan["days"]  # type: ignore[assignment]
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(f"sqlite:///{Path(folder) / 'k8sprep.db'}") as store,
    ):
        store.sync_decks(
            [
                make_deck(i + 1, slug, n)
                for i, (slug, n) in enumerate(zip(slugs, sizes, strict=True))
            ]
        )
        for i in plan["suspend"]:  # type: ignore[attr-defined]
            if i < sizes[0]:
                store.set_suspended(f"deck0-{i}", True)
        if plan["fsrs"]:  # the guarantee holds whichever scheduler sets the due dates
            store.use_scheduler("fsrs", 0.9)
        candidate = Candidate(store, plan["grades"])  # type: ignore[arg-type]
        # Some history before the exam is set: plain SM-2 days.
        for back in range(int(plan["history"]), 0, -1):  # type: ignore[call-overload]
            day = START - timedelta(days=back)
            candidate.session(day, build_queue(store, day, config).cards)
        exam = Exam(
            START + timedelta(days=days),
            plan["window"],  # type: ignore[arg-type]
            plan["limit"],
            plan["exam_decks"],
            set_on=START,
        )  # type: ignore[arg-type]
        check = store.exam_plan_check(exam, config, START)
        limit = exam.limit(config)
        event("refused" if not check.ok else "simulated")
        if not check.ok:
            # The refusal's figures work: the smallest limit fits, one less does not.
            def fits(window: int, most: int | None) -> bool:
                return store.exam_plan_check(Exam(exam.date, window, most, exam.decks), config,
                                             START).ok  # fmt: skip

            # The refusal's figures work, and one less would not.
            if check.days:
                assert check.smallest_limit > limit
                assert fits(exam.window_days, check.smallest_limit)
                assert not fits(exam.window_days, check.smallest_limit - 1)
            if check.smallest_window is not None:
                assert fits(check.smallest_window, exam.max_per_day)
                assert all(not fits(w, exam.max_per_day) for w in range(1, check.smallest_window))
            else:
                assert not any(fits(w, exam.max_per_day) for w in range(1, 40))
            return
        store.set_exam(exam)
        held: Counter[date] = Counter()
        for offset in range(days):
            day = START + timedelta(days=offset)
            queue = build_queue(store, day, config, exam=store.exam())
            if offset == days - 1:  # what the exam's standing says on its last morning
                final = store.exam_progress(exam, config, day)
            if offset in skips:
                if day >= exam.window_start:
                    unseen = set(store.unseen_ids(exam, 10**6))
                    held[day] = sum(1 for c in queue.due + queue.new if c in unseen)
                continue
            if offset in splits and len(queue.cards) > 1:
                candidate.session(day, queue.cards, stop_after=len(queue.cards) // 2)
                queue = build_queue(store, day, config, exam=store.exam())
            candidate.session(day, queue.cards)
            # Finishing means nothing first-of-day is left today.
            assert build_queue(store, day, config, exam=store.exam()).due == ()
        answers = list(store.history())
        firsts = Counter(a.day for a in answers if not a.redrill)
        assert all(n <= limit for day, n in firsts.items() if day >= START), firsts
        exam_cards = {
            f"{slug}-{i}"
            for slug, n in zip(slugs, sizes, strict=True)
            if not exam.decks or slug in exam.decks
            for i in range(n)
            if not (slug == "deck0" and i in plan["suspend"])  # type: ignore[operator]
        }
        # A card that became a leech and was suspended (8 lapses) left the exam with it.
        exam_cards = {c for c in exam_cards if not store.get(c).state.suspended}
        seen = {a.card_id for a in answers if not a.redrill and a.day >= exam.window_start}
        missed = exam_cards - seen
        event("cards missed after a skipped day" if missed else "every card seen")
        assert len(missed) <= sum(held.values()), (missed, held)
        if days - 1 not in skips:  # a missed card was announced on the last morning
            assert final.shortfall == len(missed)
            assert final.on_track == (not missed)
            if missed:  # and named the skipped days as the reason
                assert set(final.skipped) >= {d for d, n in held.items() if n}
        # After the exam date the mode is over: the queue is plain SM-2 again.
        after = exam.date + timedelta(days=1)
        assert build_queue(store, after, config, exam=exam) == build_queue(store, after, config)
