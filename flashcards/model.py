"""The nouns of k8sprep: chapters' cards and decks, as frozen values.

Everything here is plain data, shared by the pure core, the store and the
exporters. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

DECK_SCHEMA_VERSION = 2
"""Version of the YAML deck format (``version:`` at the top of a deck).

Version 2 added ``definition`` cards and the ``removed:`` and ``generated:`` tables
that let a rebuild keep hand edits; version 1 decks still load.
"""

READABLE_DECK_VERSIONS = (1, 2)


class Kind(StrEnum):
    """What a card asks for; also the order decks list them in."""

    CONCEPT = "concept"
    DEFINITION = "definition"
    FLOW = "flow"
    RECALL = "recall"
    INTERVIEW = "interview"
    PRACTICE = "practice"


@dataclass(frozen=True)
class Source:
    """Where a card's text comes from: the chapter file and its section."""

    file: str
    section: str


@dataclass(frozen=True)
class Card:
    """One flashcard.

    ``id`` is stable for life: the database key, the review-log key and the
    Anki note guid all hang on it, so editing ``front`` or ``back`` keeps it.
    ``wrong_answer`` is the interview trap ("" when none); ``diagram`` is the
    ASCII diagram a flow card shows with its answer ("" when none).
    """

    id: str
    kind: Kind
    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: Source = Source("", "")
    wrong_answer: str = ""
    diagram: str = ""


@dataclass(frozen=True)
class ChapterInfo:
    """A deck's chapter header: what the chapter is and which comes next."""

    number: int
    slug: str
    title: str
    subtitle: str = ""
    level: str = ""
    minutes: int | None = None
    next: int | None = None
    next_file: str = ""


@dataclass(frozen=True)
class Deck:
    """A chapter's cards, in the order a learner meets them.

    ``removed`` lists ids of generated cards the user deleted, so a rebuild does not
    bring them back. ``generated`` records, per generated card id, the fingerprint of
    the fields as built (see :func:`field_fingerprint`), so a rebuild can tell a hand
    edit from a chapter change; ``None`` when the deck does not record it (version 1).
    """

    name: str
    chapter: ChapterInfo
    cards: tuple[Card, ...] = field(default_factory=tuple)
    removed: tuple[str, ...] = ()
    generated: tuple[tuple[str, str], ...] | None = None
    path: str | None = field(default=None, compare=False)
    """The file it was read from (set by :func:`flashcards.files.decks.load_deck`);
    None for a deck built in memory. Importing records it, so every command can find
    the deck's file again; it takes no part in comparing decks."""

    def generated_table(self) -> dict[str, str]:
        """``generated`` as a mapping of card id to fingerprint."""
        return dict(self.generated or ())


EDITABLE_FIELDS = ("front", "back", "wrong_answer", "diagram", "tags")
"""The card fields a rebuild keeps when the user changed them."""

_FINGERPRINT_CHARS = 6


def field_values(card: Card) -> tuple[str, ...]:
    """A card's editable fields as text, in :data:`EDITABLE_FIELDS` order."""
    return (card.front, card.back, card.wrong_answer, card.diagram, " ".join(card.tags))


def field_hash(text: str) -> str:
    """A short digest of one field's text: enough to notice an edit."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:_FINGERPRINT_CHARS]


def field_fingerprint(card: Card) -> str:
    """``"1a2b3c 4d5e6f da39a3 da39a3 77c2b1"``: one digest per editable field."""
    return " ".join(field_hash(value) for value in field_values(card))


def field_fingerprints(cards: Iterable[Card]) -> list[str]:
    """:func:`field_fingerprint` of each card, each distinct field text hashed once.

    The cards of a deck share most of their field texts (the tags of each kind, the
    empty trap and diagram), so recording a whole deck needs far fewer digests.
    """
    digests: dict[str, str] = {}
    fingerprints: list[str] = []
    for card in cards:
        parts = []
        for value in field_values(card):
            digest = digests.get(value)
            if digest is None:
                digest = digests[value] = field_hash(value)
            parts.append(digest)
        fingerprints.append(" ".join(parts))
    return fingerprints


_WORD_RUN = re.compile(r"\w+")


def normalise_text(text: str) -> str:
    """Case-, space- and punctuation-insensitive form of a card front: its words, spaced."""
    return " ".join(_WORD_RUN.findall(text.casefold()))


def make_card_id(slug: str, kind: Kind | str, front: str) -> str:
    """A card id derived from chapter slug, kind and normalised front.

    Rebuilding an unchanged chapter gives the same ids; a typo fixed in an
    answer keeps them. ``storage-in-kubernetes-interview-3f2a9c1b``.
    """
    return f"{card_id_prefix(slug, kind)}-{front_digest(front)}"


def card_id_prefix(slug: str, kind: Kind | str) -> str:
    """How the ids of one kind of a chapter's cards begin: ``storage-in-kubernetes-interview``."""
    value = kind.value if isinstance(kind, Kind) else Kind(kind).value
    return f"{slug}-{value}"


def front_digest(front: str) -> str:
    """The part of a card id that the card's front decides (see :func:`make_card_id`)."""
    return hashlib.sha1(normalise_text(front).encode("utf-8")).hexdigest()[:10]


def slugify(text: str) -> str:
    """A file- and id-safe slug: lowercase ASCII words joined by dashes."""
    ascii_words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return ascii_words or "chapter"
