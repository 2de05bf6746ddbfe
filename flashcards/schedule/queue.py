"""Today's queue: which cards a review session shows, and in what order.

1. Due reviews, most overdue first, up to ``reviews_per_day`` minus the reviews
   already answered today.
2. New cards in chapter order (deck chapter number, then the card's place in its
   deck), up to ``new_per_day`` minus the new cards already introduced today.
3. Today's re-drills: cards whose last answer today was below 4. They come after
   everything else and keep coming back until graded 4 or 5.

With an exam set (:mod:`flashcards.schedule.exam`) the day's first views are capped
at the exam's limit; inside the window today's share of the cards not yet seen in it
comes first, before the window the new cards of the exam decks get what they need.

The policy (the arithmetic of limits) is pure; the selection runs in SQL in the
store, on an index and with a LIMIT, so that a database of 100,000 cards builds
its queue in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from flashcards.schedule.config import Config
from flashcards.schedule.exam import Exam, ExamCounts, Phase, plan_day


class QueueSource(Protocol):
    """What the queue needs from the store."""

    def answered_today(self, today: date) -> tuple[int, int]: ...
    def due_ids(self, today: date, limit: int, deck: str | None = None) -> list[str]: ...
    def new_ids(self, limit: int, deck: str | None = None) -> list[str]: ...
    def redrill_ids(self, today: date, deck: str | None = None) -> list[str]: ...


@runtime_checkable
class ExamQueueSource(QueueSource, Protocol):
    """What the queue needs from the store when an exam is set."""

    def exam_counts(self, today: date, exam: Exam) -> ExamCounts: ...
    def unseen_ids(self, exam: Exam, limit: int, deck: str | None = None) -> list[str]: ...
    def exam_new_ids(self, exam: Exam, limit: int, deck: str | None = None) -> list[str]: ...


@dataclass(frozen=True)
class Allowance:
    """How many due reviews and new cards may still be shown today."""

    reviews: int
    new: int


@dataclass(frozen=True)
class DailyQueue:
    """The cards of one study day, by section, in the order they are shown."""

    today: date
    due: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    redo: tuple[str, ...] = ()

    @property
    def cards(self) -> tuple[str, ...]:
        """Every card id in showing order: due, then new, then re-drills."""
        return self.due + self.new + self.redo

    def __len__(self) -> int:
        return len(self.due) + len(self.new) + len(self.redo)


def allowance(config: Config, *, introduced_today: int, reviewed_today: int) -> Allowance:
    """What is left of today's limits after the answers already given today.

    Only first answers count: a re-drill spends nothing.
    """
    return Allowance(
        reviews=max(0, config.reviews_per_day - reviewed_today),
        new=max(0, config.new_per_day - introduced_today),
    )


def build_queue(
    source: QueueSource,
    today: date,
    config: Config,
    deck: str | None = None,
    *,
    exam: Exam | None = None,
) -> DailyQueue:
    """Today's queue for all decks, or for the deck with slug ``deck``.

    The daily limits are for the learner, not per deck: new cards introduced in
    one deck today count against the same ``new_per_day`` as any other. With an
    ``exam`` that is not over yet, ``source`` must be an :class:`ExamQueueSource`.
    """
    if exam is not None and exam.phase(today) is not Phase.OVER:
        assert isinstance(source, ExamQueueSource), "an exam needs an ExamQueueSource"
        return _exam_queue(source, today, config, deck, exam)
    introduced, reviewed = source.answered_today(today)
    left = allowance(config, introduced_today=introduced, reviewed_today=reviewed)
    due = source.due_ids(today, left.reviews, deck)
    new = source.new_ids(left.new, deck)
    seen = set(due) | set(new)
    redo = [card_id for card_id in source.redrill_ids(today, deck) if card_id not in seen]
    return DailyQueue(today=today, due=tuple(due), new=tuple(new), redo=tuple(redo))


def _exam_queue(
    source: ExamQueueSource, today: date, config: Config, deck: str | None, exam: Exam
) -> DailyQueue:
    """Today's queue under an exam: the plan's cards first, then the usual ones, capped.

    Every first view counts against the exam's limit; the cards the plan requires
    (today's share of the window, or the new exam cards due for introduction) take
    the budget before anything else.
    """
    introduced, reviewed = source.answered_today(today)
    left = allowance(config, introduced_today=introduced, reviewed_today=reviewed)
    plan = plan_day(exam, config, today, source.exam_counts(today, exam))
    budget = plan.budget
    must = source.unseen_ids(exam, plan.must, deck) if plan.must else []
    required_new = source.exam_new_ids(exam, plan.new_needed, deck) if plan.new_needed else []
    taken = set(must) | set(required_new)
    budget -= len(taken)
    due_quota = min(left.reviews, budget)
    due = [c for c in source.due_ids(today, due_quota + len(taken), deck) if c not in taken]
    due = due[:due_quota]
    budget -= len(due)
    new_quota = min(max(0, left.new - len(required_new)), budget)
    skip = taken | set(due)
    new = [c for c in source.new_ids(new_quota + len(skip), deck) if c not in skip][:new_quota]
    firsts = must + due + required_new + new
    seen = set(firsts)
    redo = [card_id for card_id in source.redrill_ids(today, deck) if card_id not in seen]
    return DailyQueue(
        today=today, due=tuple(must + due), new=tuple(required_new + new), redo=tuple(redo)
    )
