"""Rebuilt deck + the deck on disk -> one deck that keeps the user's hand edits. Pure.

The deck on disk records what the last build generated (``generated``: card id ->
one digest per editable field). Comparing a card with its record tells a hand
edit from a chapter change, field by field:

- a field the user changed keeps the user's text; the others follow the chapter;
- a card the user added (no record) stays where it was;
- a generated card the user deleted (record, no card) is listed in ``removed`` and
  is not brought back; deleting its id from ``removed`` brings it back;
- a generated card the chapter no longer makes goes, unless the user edited it.

A deck without records (format version 1) counts every card as generated and
untouched: the rebuild follows the chapter, as builds always did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flashcards.model import (
    EDITABLE_FIELDS,
    Card,
    Deck,
    field_fingerprints,
    field_hash,
    field_values,
)


@dataclass(frozen=True)
class MergeReport:
    """What a rebuild kept of the user's work."""

    edited: int = 0
    added: int = 0
    removals: int = 0

    def summary(self) -> str:
        """``"kept 1 edited card, 1 added card, 1 removal"``, or "" when nothing was kept."""
        parts = [
            _count(self.edited, "edited card"),
            _count(self.added, "added card"),
            _count(self.removals, "removal"),
        ]
        kept = [part for part in parts if part]
        return "kept " + ", ".join(kept) if kept else ""


def record(deck: Deck) -> Deck:
    """A freshly generated deck with its ``generated`` table filled in."""
    fingerprints = field_fingerprints(deck.cards)
    ids = (card.id for card in deck.cards)
    return replace(deck, generated=tuple(zip(ids, fingerprints, strict=True)))


def edited_fields(card: Card, fingerprint: str) -> set[str]:
    """The editable fields of ``card`` whose text differs from what was generated."""
    recorded = fingerprint.split()
    if len(recorded) != len(EDITABLE_FIELDS):  # a damaged record: trust the user's card
        return set(EDITABLE_FIELDS)
    return {
        name
        for name, value, digest in zip(EDITABLE_FIELDS, field_values(card), recorded, strict=True)
        if field_hash(value) != digest
    }


def merge_decks(built: Deck, old: Deck) -> tuple[Deck, MergeReport]:
    """``built`` (fresh from the chapter, ids already matched to ``old``) merged with ``old``."""
    built = record(built)
    if old.generated is None and not old.removed:
        return built, MergeReport()
    table = old.generated_table()
    old_ids = {card.id for card in old.cards}
    removed = dict.fromkeys([*old.removed, *(i for i in table if i not in old_ids)])
    old_by_id = {card.id: card for card in old.cards}
    fingerprints = dict(built.generated or ())
    cards: list[Card] = []
    edited = 0
    for card in built.cards:
        if card.id in removed:
            del fingerprints[card.id]
            continue
        mine = old_by_id.get(card.id)
        if mine is not None:
            changed = edited_fields(mine, table[card.id]) if card.id in table else {"all"}
            if changed:
                edited += 1
                card = mine if "all" in changed else _keep_fields(card, mine, changed)
        cards.append(card)
    built_ids = {card.id for card in built.cards}
    added = 0
    for index, mine in enumerate(old.cards):
        if mine.id in built_ids:
            continue
        if mine.id in table:
            if not edited_fields(mine, table[mine.id]):
                continue  # generated, untouched, and the chapter no longer makes it
            edited += 1
            fingerprints[mine.id] = table[mine.id]
        elif old.generated is None:
            continue  # a version 1 deck: every card was generated
        else:
            added += 1
        cards.insert(_after(cards, old.cards[:index]), mine)
    suppressed = [card_id for card_id in removed if card_id in built_ids]
    merged = replace(
        built,
        cards=tuple(cards),
        removed=tuple(removed),
        generated=tuple(
            (card.id, fingerprints[card.id]) for card in cards if card.id in fingerprints
        ),
    )
    return merged, MergeReport(edited=edited, added=added, removals=len(suppressed))


def _keep_fields(card: Card, mine: Card, names: set[str]) -> Card:
    changes: dict[str, object] = {name: getattr(mine, name) for name in names}
    return replace(card, **changes)  # type: ignore[arg-type]


def _after(cards: list[Card], before: tuple[Card, ...]) -> int:
    """Where a kept card goes: just after the nearest card that preceded it on disk."""
    positions = {card.id: index for index, card in enumerate(cards)}
    for previous in reversed(before):
        if previous.id in positions:
            return positions[previous.id] + 1
    return 0


def _count(number: int, noun: str) -> str:
    if not number:
        return ""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
