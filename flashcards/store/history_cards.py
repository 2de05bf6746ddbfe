"""The cards a history file carries, so that it rebuilds a database on its own.

``history --json`` writes, on the first answer of each card, a ``"card"`` object: the
card's text, kind, tags, source, place in its deck, whether it is retired, and its deck
(slug, name, chapter, title). A card the database lacks (one of the user's own decks,
or a retired card that is in no deck any more) is then created by ``history import``
from the file, retired if it was retired. A card the database holds keeps its own text.

The file is untrusted: every field is checked for type, size and control characters
(:func:`parse_card` raises ``ValueError`` with a one-line reason; the caller adds the
file and line). :func:`add_missing_cards` writes the cards and decks the database lacks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flashcards.model import Kind
from flashcards.store.connection import Db
from flashcards.store.sync import (
    CONTENT_COLUMNS,
    INITIAL_EASINESS_HUNDREDTHS,
    MAX_CHAPTER_NUMBER,
)
from flashcards.store.values import queue_order

CARD_KEYS = (*CONTENT_COLUMNS, "position", "retired")
DECK_KEYS = ("slug", "name", "chapter", "title")

MAX_NAME_CHARS = 1000
"""Ids, slugs, names, tags and sources: as long as ``restore`` accepts in a backup."""
MAX_TEXT_CHARS = 100_000
"""A card's front, back, trap or diagram: far more than any card needs."""
MAX_TAGS = 100
MAX_POSITION = 999_999_999

_KINDS = frozenset(kind.value for kind in Kind)
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Card text may hold newlines and tabs (answers, diagrams); nothing else below space."""

CARD_QUERY = (
    "SELECT c.id, c.kind, c.front, c.back, c.wrong_answer, c.diagram, c.tags, "
    "c.source_file, c.source_section, c.position, c.retired, d.slug, d.name, d.chapter, "
    "d.title FROM card c JOIN deck d ON d.slug = c.deck"
)
"""What :func:`card_record` reads, one row per card."""


@dataclass(frozen=True)
class HistoryDeck:
    """A deck as a history file describes it."""

    slug: str
    name: str
    chapter: int
    title: str


@dataclass(frozen=True)
class HistoryCard:
    """A card as a history file describes it (the id is the answer's ``card_id``)."""

    card_id: str
    deck: HistoryDeck
    kind: str
    front: str
    back: str
    wrong_answer: str
    diagram: str
    tags: tuple[str, ...]
    source_file: str
    source_section: str
    position: int
    retired: bool


def card_record(row: tuple[Any, ...]) -> dict[str, Any]:
    """The ``"card"`` object of one :data:`CARD_QUERY` row."""
    (_, kind, front, back, wrong, diagram, tags, source_file, section, position, retired) = row[:11]
    slug, name, chapter, title = row[11:]
    return {
        "deck": {"slug": slug, "name": name, "chapter": int(chapter), "title": title},
        "kind": kind,
        "front": front,
        "back": back,
        "wrong_answer": wrong,
        "diagram": diagram,
        "tags": json.loads(tags),
        "source_file": source_file,
        "source_section": section,
        "position": int(position),
        "retired": bool(retired),
    }


def parse_card(
    card_id: str, value: Any, decks: dict[tuple[Any, ...], HistoryDeck] | None = None
) -> HistoryCard:
    """The card described by a ``"card"`` object.

    ``decks`` remembers the decks read so far by their fields: a file repeats its few
    decks with every card, and one read each is enough.

    Raises:
        ValueError: a field is missing, unknown, of the wrong type, too long, or holds
            a control character; the message says which.
    """
    _check_id(card_id, "card_id")
    fields = _fields(value, CARD_KEYS, "card")
    tags = fields["tags"]
    if not isinstance(tags, list) or len(tags) > MAX_TAGS:
        raise ValueError(f"card tags must be a list of at most {MAX_TAGS} names")
    kind = _name(fields["kind"], "card kind")
    if kind not in _KINDS:
        raise ValueError(f"card kind must be one of {', '.join(sorted(_KINDS))}, got {kind!r}")
    retired = fields["retired"]
    if not isinstance(retired, bool):
        raise ValueError(f"card retired must be true or false, got {_clip(retired)}")
    return HistoryCard(
        card_id=card_id,
        deck=_deck(fields["deck"]) if decks is None else _known_deck(fields["deck"], decks),
        kind=kind,
        front=text_field(fields["front"], "card front"),
        back=text_field(fields["back"], "card back"),
        wrong_answer=text_field(fields["wrong_answer"], "card wrong_answer"),
        diagram=text_field(fields["diagram"], "card diagram"),
        tags=tuple(_name(tag, "card tag") for tag in tags),
        source_file=_name(fields["source_file"], "card source_file", empty=True),
        source_section=_name(fields["source_section"], "card source_section", empty=True),
        position=_whole(fields["position"], "card position", 0, MAX_POSITION),
        retired=retired,
    )


def _deck(value: Any) -> HistoryDeck:
    fields = _fields(value, DECK_KEYS, "card deck")
    slug = _name(fields["slug"], "deck slug")
    _check_id(slug, "deck slug")
    return HistoryDeck(
        slug=slug,
        name=_name(fields["name"], "deck name"),
        chapter=_whole(fields["chapter"], "deck chapter", -MAX_CHAPTER_NUMBER, MAX_CHAPTER_NUMBER),
        title=_name(fields["title"], "deck title", empty=True),
    )


def _known_deck(value: Any, decks: dict[tuple[Any, ...], HistoryDeck]) -> HistoryDeck:
    """:func:`_deck`, once for each deck of only strings and whole numbers (``True == 1``
    and ``1.0 == 1``: other types must not find a deck read before)."""
    if not isinstance(value, dict) or not all(type(field) in _PLAIN for field in value.values()):
        return _deck(value)
    key = tuple(value.items())
    deck = decks.get(key)
    if deck is None:
        deck = decks[key] = _deck(value)
    return deck


_PLAIN = (str, int)


def _fields(value: Any, keys: tuple[str, ...], name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object with {', '.join(keys)}")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise ValueError(f"unknown field {_clip(unknown[0])} in {name} (fields: {', '.join(keys)})")
    missing = [key for key in keys if key not in value]
    if missing:
        raise ValueError(f"{name} has no {missing[0]!r}")
    return value


def _check_id(value: str, name: str) -> None:
    if value != value.strip() or _LINE_CONTROL.search(value) or len(value) > MAX_NAME_CHARS:
        raise ValueError(
            f"{name} must be at most {MAX_NAME_CHARS} characters without spaces around "
            f"or control characters, got {_clip(value)}"
        )


def _name(value: Any, name: str, *, empty: bool = False) -> str:
    """A one-line string: no control characters (no newline either), not too long."""
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ValueError(
            f"{name} must be a {'' if empty else 'non-empty '}string, got {_clip(value)}"
        )
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{name} is longer than {MAX_NAME_CHARS:,} characters")
    if _LINE_CONTROL.search(value):
        raise ValueError(f"{name} holds a control character: {_clip(value)}")
    return value


def text_field(value: Any, name: str) -> str:
    """Card text: newlines and tabs allowed, no other control character, not too long."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {_clip(value)}")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"{name} is longer than {MAX_TEXT_CHARS:,} characters")
    if _TEXT_CONTROL.search(value):
        raise ValueError(f"{name} holds a control character: {_clip(value)}")
    return value


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(
            f"{name} must be a whole number from {low:,} to {high:,}, got {_clip(value)}"
        )
    return value


def _clip(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def add_missing_cards(db: Db, cards: Iterable[HistoryCard]) -> int:
    """Create the cards (and their decks) the database does not hold; how many were made.

    A card the database holds is left as it is; a new card joins its deck as the
    database has it (a deck the database lacks is created from the file), at the
    chapter of that deck.
    """
    known = {row[0] for row in db.rows("SELECT id FROM card")}
    missing = [card for card in cards if card.card_id not in known]
    if not missing:
        return 0
    chapters = {slug: int(chapter) for slug, chapter in db.rows("SELECT slug, chapter FROM deck")}
    decks = []
    for card in missing:
        if card.deck.slug not in chapters:
            chapters[card.deck.slug] = card.deck.chapter
            decks.append(card.deck)
    db.run(
        "INSERT INTO deck (slug, name, chapter, title) VALUES (:slug, :name, :chapter, :title)",
        [vars(deck) for deck in decks],
    )
    rows = []
    for card in missing:
        chapter = chapters[card.deck.slug]
        rows.append(
            {
                "id": card.card_id,
                "deck": card.deck.slug,
                "chapter": chapter,
                "position": card.position,
                "kind": card.kind,
                "front": card.front,
                "back": card.back,
                "wrong_answer": card.wrong_answer,
                "diagram": card.diagram,
                "tags": json.dumps(list(card.tags)),
                "source_file": card.source_file,
                "source_section": card.source_section,
                "retired": card.retired,
                "order": queue_order(chapter, card.position),
                "easiness": INITIAL_EASINESS_HUNDREDTHS,
                "no": False,
                "active_deck": None if card.retired else card.deck.slug,
            }
        )
    db.run(
        "INSERT INTO card (id, deck, chapter, position, kind, front, back, wrong_answer, "
        "diagram, tags, source_file, source_section, retired) VALUES (:id, :deck, :chapter, "
        ":position, :kind, :front, :back, :wrong_answer, :diagram, :tags, :source_file, "
        ":source_section, :retired)",
        rows,
    )
    db.run(
        "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, lapses, "
        "suspended, queue_order, deck) VALUES (:id, 0, 0, :easiness, 0, :no, :order, "
        ":active_deck)",
        rows,
    )
    return len(missing)
