"""Cards -> the notes an Anki-facing export writes: guid, fields, tags and deck. Pure.

Shared by the ``.apkg`` and CSV exporters so both name a card the same way in
Anki: the guid comes from the stable card id (``guid_for(card.id)``), never
from the text, so editing an answer updates the note instead of adding one.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from genanki.util import BASE91_TABLE

from exporters.anki_notetypes import NOTE_TYPES
from exporters.base import deck_full_name
from exporters.html_text import answer_to_html, stages_to_html, tag_safe, text_to_html
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


def note_fields(card: Card, deck: Deck) -> tuple[str, ...]:
    """The card's field values, in the order of its note type's fields."""
    main = stages_to_html(card.back) if card.kind is Kind.FLOW else answer_to_html(card.back)
    common = (
        text_to_html(card.diagram) if card.diagram else "",
        _html_of_label(deck.name),
        _html_of_label(card.source.section),
        _html_of_label(card.source.file),
        text_to_html(card.id),
    )
    if card.kind is Kind.INTERVIEW:
        return (text_to_html(card.front), main, text_to_html(card.wrong_answer), *common)
    return (text_to_html(card.front), main, *common)


def note_tags(card: Card, deck: Deck) -> tuple[str, ...]:
    """Hierarchical tags for Anki's browser (chapter, level, kind), then the card's own tags."""
    return _combined_tags(
        _deck_tags(deck.chapter.number, deck.chapter.slug, deck.chapter.level), card.kind, card.tags
    )


def plan_notes(decks: Sequence[Deck], root: str) -> list[NoteData]:
    """Every card of ``decks`` as a note, in deck order (see :func:`iter_notes`)."""
    return list(iter_notes(decks, root))


def iter_notes(decks: Sequence[Deck], root: str) -> Iterator[NoteData]:
    """Every card of ``decks`` as a note, in deck order, one at a time: a million-card
    export never holds all its notes at once.

    Raises:
        ExportError: no decks or no cards, or one card id used for two different cards.
    """
    seen: dict[str, tuple[Card, str]] = {}
    for deck in decks:
        deck_name = deck_full_name(root, deck)
        for card in deck.cards:
            earlier = seen.get(card.id)
            if earlier is not None:
                if earlier == (card, deck.name):
                    continue  # the same deck given twice (a file and its folder)
                raise ExportError(
                    f"card id {card.id} is used twice (decks {earlier[1]!r} and {deck.name!r})"
                )
            seen[card.id] = (card, deck.name)
            yield NoteData(
                guid=note_guid(card.id),
                card=card,
                deck_name=deck_name,
                fields=note_fields(card, deck),
                tags=note_tags(card, deck),
            )
    if not seen:
        raise ExportError("nothing to export: the decks have no cards")


# Chapter names, sections, file names and tags repeat on every card of a chapter:
# escaping them once keeps a 100,000-card export close to genanki's own speed.


@functools.lru_cache(maxsize=4096)
def _html_of_label(text: str) -> str:
    return text_to_html(text)


@functools.lru_cache(maxsize=1024)
def _deck_tags(number: int, slug: str, level: str) -> tuple[str, ...]:
    tags = [f"{TAG_PREFIX}::chapter::{number:02d}-{tag_safe(slug)}"]
    if level:
        tags.append(f"{TAG_PREFIX}::level::{tag_safe(level)}")
    return tuple(tags)


@functools.lru_cache(maxsize=4096)
def _combined_tags(
    deck_tags: tuple[str, ...], kind: Kind, card_tags: tuple[str, ...]
) -> tuple[str, ...]:
    own = (tag_safe(tag) for tag in card_tags if tag.strip())
    return tuple(dict.fromkeys((*deck_tags, f"{TAG_PREFIX}::kind::{kind.value}", *own)))


_DIGITS: str = "".join(BASE91_TABLE)
_PAIRS = tuple(a + b for a in _DIGITS for b in _DIGITS)
_PAIR = len(_PAIRS)  # 91 ** 2; a 64-bit number has at most ten base-91 digits


def note_guid(card_id: str) -> str:
    """``genanki.util.guid_for(card_id)``, the note's guid: the same string (base 91,
    no leading zeros), computed two digits at a time in half the time."""
    number = int.from_bytes(hashlib.sha256(card_id.encode("utf-8")).digest()[:8], "big")
    number, first = divmod(number, _PAIR)
    number, second = divmod(number, _PAIR)
    number, third = divmod(number, _PAIR)
    top, fourth = divmod(number, _PAIR)
    digits = _PAIRS[top] + _PAIRS[fourth] + _PAIRS[third] + _PAIRS[second] + _PAIRS[first]
    return digits.lstrip(_DIGITS[0])
