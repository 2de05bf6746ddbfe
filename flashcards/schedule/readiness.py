"""Readiness: how much of each chapter the candidate is predicted to recall on a given day.

Each card's predicted recall is FSRS's retrievability on that day, from the memory
state the review log gives it (:mod:`flashcards.schedule.memory`); a card never
reviewed counts as 0, since nothing predicts recall of a card never seen. A chapter's
predicted recall is the mean over its cards, and the overall figure the mean over all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

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
    cards: Iterable[tuple[str, str]],
    recalls: Mapping[str, float],
) -> Readiness:
    """Per deck (``(slug, name)``, in order) the predicted recall on ``at`` of its ``cards``.

    Args:
        cards: ``(card_id, deck slug)`` of every card that counts.
        recalls: predicted recall on ``at`` of every answered card
            (:meth:`flashcards.schedule.memory.ShadowFSRS.recalls`).
    """
    tallies = {slug: [0, 0, 0, 0.0] for slug, _name in decks}  # cards, unseen, weak, sum
    for card_id, slug in cards:
        tally = tallies.get(slug)
        if tally is None:
            continue
        tally[0] += 1
        recall = recalls.get(card_id)
        if recall is None:
            tally[1] += 1
            continue
        tally[2] += recall < WEAK_BELOW
        tally[3] += recall
    chapters = tuple(
        ChapterReadiness(
            slug, name, int(n), int(unseen), int(weak), round(total / n, 3) if n else 0.0
        )
        for (slug, name), (n, unseen, weak, total) in ((d, tallies[d[0]]) for d in decks)
        if n
    )
    count = sum(c.cards for c in chapters)
    total = sum(tallies[c.deck][3] for c in chapters)
    return Readiness(at, round(total / count, 3) if count else 0.0, chapters)


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A terminal bar for a share 0..1."""
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "░" * (width - filled)
