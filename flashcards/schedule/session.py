"""A review session as a state machine: show, reveal, grade, undo, suspend, quit.

The session knows nothing of terminals: the CLI feeds it key presses or lines, a test
feeds it method calls. Each grade is written through the store as one committed
transaction before the next card is shown, so quitting, Ctrl-C or a killed process
never lose an answer already given. Undo is last-in first-out over this session's
actions; an undone answer is gone from the log and its state restored exactly.
Undo reaches past the last card too: when the queue runs dry after an action, the
session is finished but :attr:`ReviewSession.offers_last_undo` tells the edge to offer
one more undo before the summary, as a mis-keyed grade on the last card is the
commonest slip of all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from flashcards.schedule.queue import DailyQueue
from flashcards.schedule.records import Answer, StoredCard
from flashcards.schedule.sm2 import PASSING_QUALITY, check_quality, needs_redrill


class SessionStore(Protocol):
    """What a session needs from the store."""

    def get(self, card_id: str) -> StoredCard: ...
    def record_review(
        self,
        card_id: str,
        *,
        time: datetime,
        day: date,
        grade: int,
        answer_ms: int = 0,
        typed_answer: str | None = None,
        verdict: str | None = None,
    ) -> Answer: ...
    def undo_review(self, log_id: int, *, expected: Answer | None = None) -> str: ...
    def set_suspended(self, card_id: str, suspended: bool) -> None: ...


@dataclass(frozen=True)
class Action:
    """One undoable step: an answer (``answer`` set) or a suspension."""

    card_id: str
    answer: Answer | None = None
    requeued: bool = False


@dataclass(frozen=True)
class Summary:
    """How a session went."""

    answered: int
    passed: int
    redrills: int
    remaining: int
    suspended: int

    @property
    def pass_share(self) -> float | None:
        """Share of answers graded 3 or more; None when nothing was answered."""
        return self.passed / self.answered if self.answered else None


@dataclass
class ReviewSession:
    """Today's review of ``queue`` against ``store``.

    ``clock`` gives the time each answer is logged with (the edge passes
    ``settings.now``); ``timer`` is a monotonic clock for answer times in ms (the edge passes
    ``time.monotonic``): both come in, so a session is testable at any time. The
    study day is the queue's: a session belongs to the day it started on.
    """

    store: SessionStore
    queue: DailyQueue
    clock: Callable[[], datetime]
    timer: Callable[[], float]
    current: StoredCard | None = field(default=None, init=False)
    revealed: bool = field(default=False, init=False)
    finished: bool = field(default=False, init=False)
    _pending: deque[str] = field(default_factory=deque, init=False)
    _actions: list[Action] = field(default_factory=list, init=False)
    _shown_at: float = field(default=0.0, init=False)
    _quit: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._pending.extend(self.queue.cards)
        self._advance()

    @property
    def today(self) -> date:
        return self.queue.today

    @property
    def answers(self) -> list[Answer]:
        """This session's answers still standing (undone ones are gone), in order."""
        return [a.answer for a in self._actions if a.answer is not None]

    @property
    def offers_last_undo(self) -> bool:
        """Whether the queue ran dry after an answer or suspension that undo can take back.

        Not after :meth:`quit`: the user chose to stop, and a card is left for later.
        """
        return self.finished and not self._quit and self.current is None and bool(self._actions)

    @property
    def progress(self) -> tuple[int, int]:
        """``(position, total)`` for ``3/17``: the current card among all shown and left."""
        done = len(self._actions)
        left = len(self._pending) + (1 if self.current else 0)
        return done + (1 if self.current else 0), done + left

    def reveal(self) -> None:
        """Show the back of the current card."""
        if self.current is not None:
            self.revealed = True

    def grade(
        self, quality: int, *, typed_answer: str | None = None, verdict: str | None = None
    ) -> Answer:
        """Answer the current card (revealing it if need be) and move to the next.

        A grade below 4 brings the card back at the end of today's queue, unless the
        answer made it a leech and suspended it (``Answer.leech``). A drill
        passes the typed answer and the grader's verdict, logged with the grade.

        Raises:
            RuntimeError: there is no current card.
            ValueError: ``quality`` is not 0..5.
        """
        quality = check_quality(quality)
        card = self._require_card()
        self.revealed = True
        elapsed_ms = round((self.timer() - self._shown_at) * 1000)
        answer = self.store.record_review(
            card.card.id,
            time=self.clock(),
            day=self.today,
            grade=quality,
            answer_ms=elapsed_ms,
            typed_answer=typed_answer,
            verdict=verdict,
        )
        requeued = needs_redrill(quality) and answer.leech != "suspend"  # a suspended leech
        if requeued:
            self._pending.append(card.card.id)
        self._actions.append(Action(card.card.id, answer=answer, requeued=requeued))
        self._advance()
        return answer

    def suspend(self) -> str:
        """Suspend the current card (it is not shown again) and move to the next."""
        card = self._require_card()
        self.store.set_suspended(card.card.id, True)
        self._pending = deque(c for c in self._pending if c != card.card.id)
        self._actions.append(Action(card.card.id))
        self._advance()
        return card.card.id

    def undo(self) -> Action | None:
        """Take back the last answer or suspension and show that card again.

        Returns:
            The action undone, or None when there is nothing to undo.

        Raises:
            StoreError: the answer can no longer be undone (answered elsewhere since).
        """
        if not self._actions:
            return None
        action = self._actions[-1]
        if action.answer is not None:
            self.store.undo_review(action.answer.log_id, expected=action.answer)
            if action.requeued:
                self._drop_requeued(action.card_id)
        else:
            self.store.set_suspended(action.card_id, False)
        self._actions.pop()
        if self.current is not None:
            self._pending.appendleft(self.current.card.id)
        self.finished = False
        self._quit = False
        self._show(action.card_id)
        return action

    def reload(self) -> bool:
        """Read the current card again, after its deck file was edited and re-imported.

        It is shown from its question again. A card the edit took out of its deck
        (now retired) is left out of the session instead, and the next one shown.

        Returns:
            True when the card was left out.
        """
        card = self._require_card()
        fresh = self.store.get(card.card.id)
        if not fresh.retired:
            self.current = fresh
            self.revealed = False
            return False
        self._pending = deque(c for c in self._pending if c != card.card.id)
        self._advance()
        return True

    def quit(self) -> None:
        """End the session; everything answered so far is already saved."""
        self.finished = True
        self._quit = True

    def summary(self) -> Summary:
        answers = self.answers
        return Summary(
            answered=len(answers),
            passed=sum(a.grade >= PASSING_QUALITY for a in answers),
            redrills=sum(a.redrill for a in answers),
            remaining=len(self._pending) + (1 if self.current else 0),
            suspended=sum(a.answer is None for a in self._actions),
        )

    def _require_card(self) -> StoredCard:
        if self.current is None:
            raise RuntimeError("no card to answer: the session is over")
        return self.current

    def _drop_requeued(self, card_id: str) -> None:
        """Forget the re-drill an undone answer queued.

        It went to the end of the queue, and every later action is undone already,
        so it is the last card of the queue or, once the queue ran dry, the card on
        screen now: that showing is dropped too, or the card would come twice.
        """
        if self._pending:
            _remove_last(self._pending, card_id)
        elif self.current is not None and self.current.card.id == card_id:
            self.current = None

    def _advance(self) -> None:
        if self._pending:
            self._show(self._pending.popleft())
        else:
            self.current = None
            self.revealed = False
            self.finished = True

    def _show(self, card_id: str) -> None:
        self.current = self.store.get(card_id)
        self.revealed = False
        self._shown_at = self.timer()


def _remove_last(items: deque[str], value: str) -> None:
    """Drop the last occurrence of ``value`` (the re-drill an undone answer queued)."""
    for index in range(len(items) - 1, -1, -1):
        if items[index] == value:
            del items[index]
            return
