"""What scheduling works on: a card's review state, a card with its state, a logged answer.

These are plain frozen values. The store maps them to and from table rows
(:mod:`flashcards.store.values`); the session, the queue and the answer step use
them without knowing that a database exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flashcards.model import Card
from flashcards.schedule.sm2 import SM2State


@dataclass(frozen=True)
class CardState:
    """A card's stored review state. ``due is None`` means never answered."""

    sm2: SM2State = field(default_factory=SM2State)
    due: date | None = None
    lapses: int = 0
    last_review: datetime | None = None
    last_day: date | None = None
    last_grade: int | None = None
    suspended: bool = False


@dataclass(frozen=True)
class StoredCard:
    """A card as the store holds it: text, deck and state."""

    card: Card
    deck: str
    deck_name: str
    chapter: int
    retired: bool
    state: CardState


@dataclass(frozen=True)
class Answer:
    """One logged answer (a row of the review log)."""

    log_id: int
    card_id: str
    time: datetime
    day: date
    grade: int
    redrill: bool
    answer_ms: int
    before: SM2State
    before_due: date | None
    before_lapses: int
    after: SM2State
    after_due: date | None
    after_lapses: int
    typed_answer: str | None = None
    """What a drill answer typed ("" for "I don't know"); None for a plain review."""
    verdict: str | None = None
    """The grader's verdict on ``typed_answer``."""
    leech: str | None = None
    """When this answer made the card a leech, the leech action taken ("suspend" or
    "tag", see :mod:`flashcards.schedule.leech`); None otherwise, and for answers read
    back from the log."""
