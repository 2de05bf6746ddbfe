"""Exam date mode: every card of the exam decks seen in the last study days before the exam.

The guarantee: every unsuspended card of the exam decks gets at least one graded first
answer of its day during the *window*, the last ``window_days`` study days before the
exam date, provided each day's queue is finished; and no study day's queue holds more
than ``max_per_day`` first views (new + due). Re-drills are extra and count apart.

How the plan keeps it, one study day at a time (everything here is arithmetic on
counts the store hands in; the store only selects the cards):

- **Inside the window**, ``U`` cards are still to be seen in it and ``k`` study days
  are left (today included). Today's share is ``ceil(U_start / k)`` cards of ``U``,
  taken before any other due card. If ``U ≤ k × L`` then
  ``U - ceil(U / k) ≤ (k - 1) × L``, so the share never exceeds the limit and the last
  day's share is everything left. The share is counted from the start of the day, so
  quitting and coming back the same day never lowers it. SM-2 due dates that fall past
  the window are thereby "pulled in": such a card is one of ``U`` and gets its turn.
- **Before the window**, SM-2 runs as usual; the stored SM-2 state is never altered, so
  ``verify`` replays it unchanged and clearing the exam leaves plain SM-2. New cards of
  the exam decks are introduced early enough: at least ``ceil(unseen / days before the
  window)`` a day, more than ``new_per_day`` if need be.
- **After the exam date** (the exam day itself included) the mode is over: plain SM-2.

A skipped study day inside the window holds its share back; the days after take the
rest while it fits under the limit. When it no longer fits, the guarantee is void for
as many cards as the skipped days held, and :func:`progress` says so.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from flashcards.schedule.config import Config

DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 3650


class Phase(Enum):
    """Where today stands relative to the exam."""

    BEFORE = "before the window"
    WINDOW = "in the window"
    OVER = "over"


@dataclass(frozen=True)
class Exam:
    """The exam settings: date, window, daily limit (None: ``reviews_per_day``), decks.

    ``decks`` holds deck slugs; empty means every deck. ``set_on`` is the study day
    the exam was set: days before it are not "skipped".
    """

    date: _dt.date
    window_days: int = DEFAULT_WINDOW_DAYS
    max_per_day: int | None = None
    decks: tuple[str, ...] = ()
    set_on: _dt.date | None = None

    @property
    def window_start(self) -> _dt.date:
        """The first study day of the window."""
        return self.date - timedelta(days=self.window_days)

    def limit(self, config: Config) -> int:
        """First views allowed per study day."""
        return config.reviews_per_day if self.max_per_day is None else self.max_per_day

    def phase(self, today: _dt.date) -> Phase:
        if today >= self.date:
            return Phase.OVER
        return Phase.WINDOW if today >= self.window_start else Phase.BEFORE

    def days_left(self, today: _dt.date) -> int:
        """Study days from today until the exam, today included (0 once it has come)."""
        return max(0, (self.date - today).days)

    def window_days_left(self, today: _dt.date) -> int:
        """Study days of the window still to come, today included."""
        return min(self.window_days, self.days_left(today))


@dataclass(frozen=True)
class ExamCounts:
    """What the store counts for one study day's plan (exam decks, active cards only).

    Attributes:
        unseen: cards not answered since the window started (all of them before it).
        seen_today: cards answered today for the first time since the window started
            (0 before the window): they were part of ``unseen`` this morning.
        never_answered: exam cards never answered at all (new cards).
        introduced_today: exam cards answered today for the first time ever.
        firsts_today: first answers of the day today, every deck (new + due).
        cards: all (active) exam cards.
    """

    unseen: int
    seen_today: int
    never_answered: int
    introduced_today: int
    firsts_today: int
    cards: int = 0


@dataclass(frozen=True)
class DayPlan:
    """What today's queue must hold under the exam, and how much it may hold.

    Attributes:
        budget: first views today's queue may still hold (the limit minus today's).
        must: cards not yet seen in the window that today's queue must hold first.
        new_needed: before the window, new exam cards to introduce today.
        share: today's whole share of the window (``must`` plus those done already).
    """

    phase: Phase
    budget: int
    must: int = 0
    new_needed: int = 0
    share: int = 0


def plan_day(exam: Exam, config: Config, today: date, counts: ExamCounts) -> DayPlan:
    """Today's plan: how many unseen cards and new exam cards the queue must hold."""
    phase = exam.phase(today)
    budget = max(0, exam.limit(config) - counts.firsts_today)
    if phase is Phase.OVER:
        return DayPlan(phase, budget)
    if phase is Phase.WINDOW:
        share = _ceil_div(counts.unseen + counts.seen_today, exam.window_days_left(today))
        must = min(max(0, share - counts.seen_today), budget, counts.unseen)
        return DayPlan(phase, budget, must=must, share=share)
    days_before = (exam.window_start - today).days
    needed = _ceil_div(counts.never_answered + counts.introduced_today, days_before)
    new_needed = min(max(0, needed - counts.introduced_today), budget, counts.never_answered)
    return DayPlan(phase, budget, new_needed=new_needed)


@dataclass(frozen=True)
class Feasibility:
    """Whether the cards fit into the window, and the smallest window and limit that do.

    ``need`` is the first views the window must hold: the exam cards still to see in
    it plus the other cards already due in it (``expected_dues``) plus, when today is
    inside the window, today's first answers so far. ``capacity`` is days × limit.
    ``smallest_window`` is None when no window before the exam date fits at this limit.
    """

    ok: bool
    need: int
    capacity: int
    days: int
    smallest_window: int | None
    smallest_limit: int


def feasibility(
    exam: Exam,
    config: Config,
    today: date,
    *,
    unseen_since: dict[date | None, int],
    dues_on: dict[date, int],
    firsts_today: int,
) -> Feasibility:
    """Does the plan fit? And if not, the smallest window and the smallest limit that do.

    Args:
        unseen_since: exam cards by the study day of their last answer (None: never).
            A card is unseen in a window starting on ``s`` when that day is before ``s``.
        dues_on: cards outside the exam decks by due date: they compete for the limit.
        firsts_today: first answers of the day already given today.
    """
    limit = exam.limit(config)
    days_left = exam.days_left(today)

    def need_of(window: int) -> int:
        start = exam.date - timedelta(days=window)
        unseen = sum(n for day, n in unseen_since.items() if day is None or day < start)
        first_day = max(start, today)
        dues = sum(n for day, n in dues_on.items() if first_day <= day < exam.date)
        return unseen + dues + (firsts_today if start <= today else 0)

    need, days = need_of(exam.window_days), min(exam.window_days, days_left)
    capacity = days * limit
    ok = days > 0 and need <= capacity
    smallest = None if ok else _smallest_window(exam, today, limit, unseen_since, dues_on,
                                                firsts_today)  # fmt: skip
    return Feasibility(ok, need, capacity, days, exam.window_days if ok else smallest,
                       _ceil_div(need, days) if days else 0)  # fmt: skip


def _smallest_window(
    exam: Exam,
    today: date,
    limit: int,
    unseen_since: dict[date | None, int],
    dues_on: dict[date, int],
    firsts_today: int,
) -> int | None:
    """The smallest window (up to :data:`MAX_WINDOW_DAYS`) whose need fits, else None.

    One pass, widening the window a day at a time: its first day moves back, adding
    that day's dues (from today on) and counting the cards last answered on it as seen.
    """
    days_left = exam.days_left(today)
    if days_left == 0:
        return None
    unseen = sum(unseen_since.values())
    dues = 0
    floor = min([today, *(day for day in unseen_since if day is not None)])
    for window in range(1, MAX_WINDOW_DAYS + 1):
        start = exam.date - timedelta(days=window)
        if start >= today:
            dues += dues_on.get(start, 0)
        unseen -= unseen_since.get(start, 0)  # last answered on the window's first day: seen
        need = unseen + dues + (firsts_today if start <= today else 0)
        if need <= min(window, days_left) * limit:
            return window
        if start < floor:
            return None  # nothing changes any more as the window widens
    return None


@dataclass(frozen=True)
class Progress:
    """Where the candidate stands: what ``exam show``, ``due``, ``review`` and ``stats`` say."""

    phase: Phase
    days_left: int
    cards: int
    seen_in_window: int
    remaining: int
    today_share: int
    capacity_left: int
    skipped: tuple[date, ...]

    @property
    def on_track(self) -> bool:
        """Whether the cards still to see fit into what is left of the window."""
        return self.phase is Phase.OVER or self.remaining <= self.capacity_left

    @property
    def shortfall(self) -> int:
        """Cards the days left can no longer fit: the guarantee is void for these many."""
        return 0 if self.on_track else self.remaining - self.capacity_left


def progress(
    exam: Exam,
    config: Config,
    today: date,
    counts: ExamCounts,
    *,
    study_days: set[date],
) -> Progress:
    """The exam's standing today, given the study days with answers so far."""
    phase = exam.phase(today)
    plan = plan_day(exam, config, today, counts)
    remaining = counts.unseen if phase is not Phase.OVER else 0
    window_left = exam.window_days_left(today)
    capacity = plan.budget + max(0, window_left - 1) * exam.limit(config) if window_left else 0
    skipped: tuple[date, ...] = ()
    if phase is not Phase.BEFORE:
        first = max(exam.window_start, exam.set_on or exam.window_start)
        last = min(today, exam.date)
        skipped = tuple(
            day
            for day in (first + timedelta(days=i) for i in range(max(0, (last - first).days)))
            if day not in study_days
        )
    return Progress(
        phase=phase,
        days_left=exam.days_left(today),
        cards=counts.cards,
        seen_in_window=counts.cards - counts.unseen if phase is Phase.WINDOW else 0,
        remaining=remaining,
        today_share=plan.share,
        capacity_left=capacity,
        skipped=skipped,
    )


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b) if b > 0 else a
