"""Readiness: how much of each chapter the candidate is predicted to recall on a given day.

Each card's predicted recall is FSRS's retrievability on that day, from the memory
state the review log gives it (:mod:`flashcards.schedule.memory`); a card never
reviewed counts as 0, since nothing predicts recall of a card never seen. A chapter's
predicted recall is the mean over its cards, and the overall figure the mean over all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

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
    cards: Mapping[str, Sequence[str]],
    memory: tuple[Sequence[str], Sequence[float], Sequence[int]],
    shadow: ShadowFSRS,
) -> Readiness:
    """Per deck (``(slug, name)``, in order) the predicted recall on ``at`` of its cards.

    Args:
        cards: the ids of the cards that count, by deck slug.
        memory: the answered cards' memory states as columns: ids, stabilities and the
            study days of their last answers (date ordinals). One pass over them, no
            objects: this runs on 100,000 cards.
    """
    deck_of: dict[str, str] = {}
    for slug, ids in cards.items():
        deck_of.update(dict.fromkeys(ids, slug))
    tallies = {slug: [0, 0, 0.0] for slug in cards}  # answered, weak, sum of recall
    day, factor, decay = at.toordinal(), shadow.factor, shadow.decay
    for card_id, stability, last in zip(*memory, strict=True):
        deck = deck_of.get(card_id)
        if deck is None:
            continue  # retired, suspended or outside the decks asked for
        recall = (1 + factor * (day - last if day > last else 0) / stability) ** decay
        tally = tallies[deck]
        tally[0] += 1
        tally[1] += recall < WEAK_BELOW
        tally[2] += recall
    chapters = []
    everything = 0.0
    for slug, name in decks:
        count = len(cards.get(slug, ()))
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


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A terminal bar for a share 0..1."""
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "░" * (width - filled)
