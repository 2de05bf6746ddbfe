"""What the drill log says: typed-answer pass rate per chapter, traps fallen into by card.

A trap counts as fallen into when the grader said ``trap`` and the confirmed grade
was a fail: a candidate who overrode the verdict with a pass was not caught by it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flashcards.schedule.sm2 import PASSING_QUALITY

TRAP = "trap"


@dataclass(frozen=True)
class DrillFact:
    """One confirmed drill answer: card, its question and chapter, grade and verdict."""

    card_id: str
    front: str
    chapter: int
    grade: int
    verdict: str


@dataclass(frozen=True)
class ChapterPass:
    chapter: int
    passed: int
    answered: int


@dataclass(frozen=True)
class TrapCount:
    card_id: str
    front: str
    count: int


def pass_rates(facts: Iterable[DrillFact]) -> list[ChapterPass]:
    """Drill answers graded 3 or more, per chapter, in chapter order."""
    answered: Counter[int] = Counter()
    passed: Counter[int] = Counter()
    for fact in facts:
        answered[fact.chapter] += 1
        passed[fact.chapter] += fact.grade >= PASSING_QUALITY
    return [
        ChapterPass(chapter, passed[chapter], answered[chapter]) for chapter in sorted(answered)
    ]


def traps_fallen(facts: Iterable[DrillFact]) -> list[TrapCount]:
    """Cards whose trap was fallen into, most often first (then by card id)."""
    counts: Counter[str] = Counter()
    fronts: dict[str, str] = {}
    for fact in facts:
        if fact.verdict == TRAP and fact.grade < PASSING_QUALITY:
            counts[fact.card_id] += 1
            fronts[fact.card_id] = fact.front
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [TrapCount(card_id, fronts[card_id], count) for card_id, count in ranked]
