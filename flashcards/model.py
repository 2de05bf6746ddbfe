"""The nouns of k8sprep: chapters' cards and decks, as frozen values.

Everything here is plain data, shared by the pure core, the store and the
exporters. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

DECK_SCHEMA_VERSION = 1
"""Version of the YAML deck format (``version:`` at the top of a deck)."""


class Kind(StrEnum):
    """What a card asks for; also the order decks list them in."""

    CONCEPT = "concept"
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
    """A chapter's cards, in the order a learner meets them."""

    name: str
    chapter: ChapterInfo
    cards: tuple[Card, ...] = field(default_factory=tuple)


_NOT_WORD = re.compile(r"[^\w]+")


def normalise_text(text: str) -> str:
    """Case-, space- and punctuation-insensitive form of a card front."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def make_card_id(slug: str, kind: Kind | str, front: str) -> str:
    """A card id derived from chapter slug, kind and normalised front.

    Rebuilding an unchanged chapter gives the same ids; a typo fixed in an
    answer keeps them. ``storage-in-kubernetes-interview-3f2a9c1b``.
    """
    digest = hashlib.sha1(normalise_text(front).encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{Kind(kind).value}-{digest}"


def slugify(text: str) -> str:
    """A file- and id-safe slug: lowercase ASCII words joined by dashes."""
    ascii_words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return ascii_words or "chapter"
