"""Importing decks: make the stored cards match their YAML without losing any review state.

New ids are added; changed text is updated in place (the id, and so the state and
history, stay); cards of the imported decks that are gone from their YAML are retired
(hidden, history kept); a retired card that comes back is restored. Idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flashcards.errors import StoreError
from flashcards.model import Deck
from flashcards.schedule.sm2 import SM2State
from flashcards.store.connection import Db
from flashcards.store.values import SyncReport, card_params

CONTENT_COLUMNS = (
    "deck",
    "kind",
    "front",
    "back",
    "wrong_answer",
    "diagram",
    "tags",
    "source_file",
    "source_section",
)
"""A change in any of these counts as "updated"; a new place in the deck alone does not."""

INITIAL_EASINESS_HUNDREDTHS = SM2State().easiness_hundredths

MAX_CHAPTER_NUMBER = 999_999
"""Chapter numbers the store orders new cards by (chapter × 10⁶ + place must fit 64 bits)."""

_COLUMNS = ("id", *CONTENT_COLUMNS, "chapter", "position", "retired")


def sync_decks(db: Db, decks: Sequence[Deck]) -> SyncReport:
    """Sync ``decks`` into the store in one transaction.

    Raises:
        StoreError: the same card id or chapter slug appears twice among ``decks``, or a
            chapter number is out of range; nothing is written.
    """
    incoming: dict[str, dict[str, Any]] = {}
    slugs: dict[str, str] = {}
    for deck in decks:
        slug = deck.chapter.slug
        if not -MAX_CHAPTER_NUMBER <= deck.chapter.number <= MAX_CHAPTER_NUMBER:
            raise StoreError(
                f"deck {deck.name!r}: chapter number {deck.chapter.number} is out of range "
                f"(-{MAX_CHAPTER_NUMBER} to {MAX_CHAPTER_NUMBER}); nothing imported"
            )
        if slug in slugs:
            raise StoreError(f"decks {slugs[slug]!r} and {deck.name!r} share slug {slug!r}")
        slugs[slug] = deck.name
        for position, card in enumerate(deck.cards):
            if card.id in incoming:
                raise StoreError(f"card id {card.id} appears twice ({deck.name})")
            incoming[card.id] = card_params(card, slug, deck.chapter.number, position)
    with db.transaction():
        for deck in decks:
            _upsert_deck(db, deck)
        return _sync_cards(db, incoming, set(slugs))


def _upsert_deck(db: Db, deck: Deck) -> None:
    """Insert or update the deck's row; a deck read from a file remembers that file.

    A deck built in memory (no ``path``) keeps the file an earlier import recorded.
    """
    params = {
        "slug": deck.chapter.slug,
        "name": deck.name,
        "chapter": deck.chapter.number,
        "title": deck.chapter.title,
        "source_path": deck.path,
    }
    if db.rows("SELECT 1 FROM deck WHERE slug = :slug", params):
        db.run(
            "UPDATE deck SET name = :name, chapter = :chapter, title = :title, "
            "source_path = COALESCE(:source_path, source_path) WHERE slug = :slug",
            params,
        )
    else:
        db.run(
            "INSERT INTO deck (slug, name, chapter, title, source_path) "
            "VALUES (:slug, :name, :chapter, :title, :source_path)",
            params,
        )


def _sync_cards(db: Db, incoming: dict[str, dict[str, Any]], slugs: set[str]) -> SyncReport:
    existing = {
        row[0]: dict(zip(_COLUMNS, row, strict=True))
        for row in db.rows(f"SELECT {', '.join(_COLUMNS)} FROM card")
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    added = updated = unchanged = 0
    for card_id, params in incoming.items():
        old = existing.get(card_id)
        if old is None:
            inserts.append(params)
            added += 1
            continue
        same_text = all(old[c] == params[c] for c in CONTENT_COLUMNS)
        moved = (old["chapter"], old["position"]) != (params["chapter"], params["position"])
        if old["retired"]:
            added += 1
        elif same_text:
            unchanged += 1
        else:
            updated += 1
        if not same_text or moved or old["retired"]:
            updates.append(params)
    gone = [
        {"id": card_id, "yes": True}
        for card_id, old in existing.items()
        if old["deck"] in slugs and not old["retired"] and card_id not in incoming
    ]
    written = _COLUMNS[:-1]
    names = ", ".join(written)
    values = ", ".join(f":{c}" for c in written)
    sets = ", ".join(f"{c} = :{c}" for c in written[1:])
    db.run(f"INSERT INTO card ({names}, retired) VALUES ({values}, :no)", inserts)
    db.run(
        "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, lapses, "
        "suspended, queue_order, deck) VALUES (:id, 0, 0, :easiness, 0, :no, :queue_order, :deck)",
        [{**p, "easiness": INITIAL_EASINESS_HUNDREDTHS} for p in inserts],
    )
    db.run(f"UPDATE card SET {sets}, retired = :no WHERE id = :id", updates)
    db.run(
        "UPDATE card_state SET queue_order = :queue_order, deck = :deck WHERE card_id = :id",
        updates,
    )
    db.run("UPDATE card SET retired = :yes WHERE id = :id", gone)
    db.run("UPDATE card_state SET deck = NULL WHERE card_id = :id", gone)
    return SyncReport(added=added, updated=updated, retired=len(gone), unchanged=unchanged)
