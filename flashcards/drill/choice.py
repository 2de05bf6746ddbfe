"""Multiple choice for a card: its model answer, its trap and answers of other cards.

The distractors come from the same chapter, so they read like real answers on the
same subject; cards of the same kind are preferred. The shuffle takes its random
generator from the caller, so a test (or a ``--seed``) makes it repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from flashcards.drill.grading import Verdict, key_points
from flashcards.model import Card

OPTIONS = 4


@dataclass(frozen=True)
class Option:
    """One choice: its text and what picking it means."""

    text: str
    verdict: Verdict


def options(card: Card, chapter: Sequence[Card], rng: random.Random) -> list[Option]:
    """Up to :data:`OPTIONS` shuffled options: model answer, trap, distractors to fill."""
    found = [Option(answer_text(card), Verdict.RIGHT)]
    if card.wrong_answer:
        found.append(Option(card.wrong_answer, Verdict.TRAP))
    seen = {option.text.casefold() for option in found}
    others = [other for other in chapter if other.id != card.id and other.back.strip()]
    same_kind = [other for other in others if other.kind is card.kind]
    rest = [other for other in others if other.kind is not card.kind]
    rng.shuffle(same_kind)
    rng.shuffle(rest)
    for other in same_kind + rest:
        if len(found) >= OPTIONS:
            break
        text = answer_text(other)
        if text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(Option(text, Verdict.WRONG))
    rng.shuffle(found)
    return found


def answer_text(card: Card) -> str:
    """A card's answer as one option: its key points on one line, no takeaway."""
    return " ".join(key_points(card.back)) or card.back.strip()
