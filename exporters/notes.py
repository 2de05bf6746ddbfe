"""Cards -> the notes an Anki-facing export writes: guid, fields, tags and deck. Pure.

Shared by the ``.apkg`` and CSV exporters so both name a card the same way in
Anki: the guid comes from the stable card id (``guid_for(card.id)``), never
from the text, so editing an answer updates the note instead of adding one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from genanki.util import guid_for

from exporters.anki_notetypes import NOTE_TYPES
from exporters.base import deck_full_name
from exporters.html_text import stages_to_html, tag_safe, text_to_html
from flashcards.errors import ExportError
from flashcards.model import Card, Deck, Kind

TAG_PREFIX = "k8sprep"


@dataclass(frozen=True)
class NoteData:
    """One card as an Anki note: every value already HTML or tag-safe."""

    guid: str
    card: Card
    deck_name: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def model_id(self) -> int:
        """The fixed id of the note type for this card's kind."""
        return NOTE_TYPES[self.card.kind].model_id

    def content_hash(self) -> str:
        """Hash of everything the note carries into Anki; changes exactly when the note does."""
        parts = [str(self.model_id), *self.fields, "\x1e", *self.tags]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def note_fields(card: Card, deck: Deck) -> tuple[str, ...]:
    """The card's field values, in the order of its note type's fields."""
    main = stages_to_html(card.back) if card.kind is Kind.FLOW else text_to_html(card.back)
    common = (
        text_to_html(card.diagram),
        text_to_html(deck.name),
        text_to_html(card.source.section),
        text_to_html(card.source.file),
        text_to_html(card.id),
    )
    if card.kind is Kind.INTERVIEW:
        return (text_to_html(card.front), main, text_to_html(card.wrong_answer), *common)
    return (text_to_html(card.front), main, *common)


def note_tags(card: Card, deck: Deck) -> tuple[str, ...]:
    """Hierarchical tags for Anki's browser (chapter, level, kind), then the card's own tags."""
    chapter = deck.chapter
    tags = [f"{TAG_PREFIX}::chapter::{chapter.number:02d}-{tag_safe(chapter.slug)}"]
    if chapter.level:
        tags.append(f"{TAG_PREFIX}::level::{tag_safe(chapter.level)}")
    tags.append(f"{TAG_PREFIX}::kind::{card.kind.value}")
    tags.extend(tag_safe(tag) for tag in card.tags if tag.strip())
    return tuple(dict.fromkeys(tags))


def plan_notes(decks: Sequence[Deck], root: str) -> list[NoteData]:
    """Every card of ``decks`` as a note, in deck order.

    Raises:
        ExportError: no decks or no cards, or one card id used for two different cards.
    """
    notes: list[NoteData] = []
    seen: dict[str, tuple[Card, str]] = {}
    for deck, card in _cards_of(decks):
        earlier = seen.get(card.id)
        if earlier is not None:
            if earlier == (card, deck.name):
                continue  # the same deck given twice (a file and its folder)
            raise ExportError(
                f"card id {card.id} is used twice (decks {earlier[1]!r} and {deck.name!r})"
            )
        seen[card.id] = (card, deck.name)
        notes.append(
            NoteData(
                guid=guid_for(card.id),
                card=card,
                deck_name=deck_full_name(root, deck),
                fields=note_fields(card, deck),
                tags=note_tags(card, deck),
            )
        )
    if not notes:
        raise ExportError("nothing to export: the decks have no cards")
    return notes


def _cards_of(decks: Sequence[Deck]) -> Iterator[tuple[Deck, Card]]:
    for deck in decks:
        for card in deck.cards:
            yield deck, card
