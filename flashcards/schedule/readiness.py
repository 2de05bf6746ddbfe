"""Readiness: how much of each chapter the candidate is predicted to recall on a given day.

Each card's predicted recall is FSRS's retrievability on that day, from the memory
state the review log gives it (:mod:`flashcards.schedule.memory`); a card never
reviewed counts as 0, since nothing predicts recall of a card never seen. A chapter's
predicted recall is the mean over its cards, and the overall figure the mean over all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flashcards.schedule.memory import ShadowFSRS

WEAK_BELOW = 0.8
"""A card predicted to be recalled with less than this probability is weak."""

READY_AT = 0.9
"""A chapter whose cards average this predicted recall, with none weak or unseen, is ready."""

BAR_WIDTH = 20


@dataclass(frozen=True)
class ChapterReadiness:
    deck: str
    name: str
    cards: int
    unseen: int
    below_0_8: int
    predicted_recall: float

    @property
    def verdict(self) -> str:
        """One line of advice for the chapter."""
        if self.unseen:
            return f"{self.unseen} never reviewed: start them"
        if self.below_0_8:
            if self.predicted_recall >= READY_AT:
                return f"nearly ready: {self.below_0_8} weak cards to review"
            return f"not ready: {self.below_0_8} cards below {WEAK_BELOW}"
        return "ready"


@dataclass(frozen=True)
class Readiness:
    at: date
    overall: float
    chapters: tuple[ChapterReadiness, ...]


def readiness(
    at: date,
    decks: Sequence[tuple[str, str]],
    counts: Mapping[str, int],
    memory: MemoryColumns,
    shadow: ShadowFSRS,
    inactive: Set[str] = frozenset(),
) -> Readiness:
    """Per deck (``(slug, name)``, in order) the predicted recall on ``at`` of its cards.

    Args:
        counts: the cards that count, per deck slug.
        memory: the answered cards' memory states as columns (one pass over them, no
            objects: this runs on 100,000 cards).
        inactive: ids of retired or suspended cards, left out.
    """
    tallies = {slug: [0, 0, 0.0] for slug in counts}  # answered, weak, sum of recall
    day, factor, decay = at.toordinal(), shadow.factor, shadow.decay
    columns = zip(memory.ids, memory.deck, memory.stability, memory.last_day, strict=True)
    for card_id, deck, stability, last in columns:
        tally = tallies.get(deck)
        if tally is None or (inactive and card_id in inactive):
            continue
        recall = (1 + factor * (day - last if day > last else 0) / stability) ** decay
        tally[0] += 1
        tally[1] += recall < WEAK_BELOW
        tally[2] += recall
    chapters = []
    everything = 0.0
    for slug, name in decks:
        count = counts.get(slug, 0)
        if not count:
            continue
        answered, weak, total = tallies[slug]
        everything += total
        chapters.append(
            ChapterReadiness(
                slug, name, count, count - int(answered), int(weak), round(total / count, 3)
            )
        )
    count = sum(c.cards for c in chapters)
    return Readiness(at, round(everything / count, 3) if count else 0.0, tuple(chapters))


class MemoryColumns(Protocol):
    """Memory states by card, as columns (the store's cached table has this shape)."""

    @property
    def ids(self) -> Sequence[str]: ...
    @property
    def deck(self) -> Sequence[str]: ...
    @property
    def stability(self) -> Sequence[float]: ...
    @property
    def last_day(self) -> Sequence[int]: ...  # date ordinals


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A terminal bar for a share 0..1."""
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "░" * (width - filled)
