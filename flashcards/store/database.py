"""The :class:`Store` façade: one object per open database, used by every command."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flashcards.errors import StoreError, UnknownCardError
from flashcards.model import Deck
from flashcards.schedule.sm2 import REDRILL_BELOW
from flashcards.store import answers, reports, sync
from flashcards.store.connection import (
    Db,
    connect,
    driver_message,
    ensure_schema,
    shown_url,
    sqlite_path,
)
from flashcards.store.values import (
    ACTIVE,
    CARD_COLUMNS,
    STATE_COLUMNS,
    Answer,
    CardState,
    StoredCard,
    SyncReport,
    iso,
    prefixed_columns,
    to_state,
    to_stored_card,
)

_GET_CARD = (
    f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
    "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id WHERE c.id = :id"
)


class Store:
    """The review database of one user: open with :meth:`open`, close when done."""

    def __init__(self, db: Db, where: str) -> None:
        self.db = db
        self.where = where

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> Store:
        """Open the k8sprep database at SQLAlchemy ``url``, creating it on first use.

        Commands that only read (``verify``, ``card``, ``due``...) pass ``create=False``:
        a typo in ``--db`` or a command run before the first review must not leave an
        empty database (and its folder) behind.

        Raises:
            NoDatabaseError: ``create`` is False and there is no database yet; nothing
                was created.
            StoreError: the database cannot be opened, or is not a k8sprep database
                (checked before anything is written to it).
        """
        where = sqlite_path(url) or shown_url(url)
        db = connect(url, create=create)
        try:
            ensure_schema(db, where, url, create=create)
        except StoreError:
            db.close()
            raise
        except Exception as error:
            db.close()
            raise StoreError(f"{where}: cannot open database ({driver_message(error)})") from None
        return cls(db, where)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- decks and cards

    def card_count(self) -> int:
        """Cards that are not retired."""
        return int(self.db.rows("SELECT COUNT(*) FROM card WHERE NOT retired")[0][0])

    def has_cards(self) -> bool:
        """Whether any card is not retired (cheap, unlike counting 100,000 of them)."""
        return bool(self.db.rows("SELECT 1 FROM card WHERE NOT retired LIMIT 1"))

    def decks(self) -> list[tuple[str, str, int]]:
        """``(slug, name, chapter)`` of every deck that has active cards, in chapter order."""
        return [
            (slug, name, int(chapter))
            for slug, name, chapter in self.db.rows(
                "SELECT d.slug, d.name, d.chapter FROM deck d WHERE EXISTS "
                "(SELECT 1 FROM card c WHERE c.deck = d.slug AND NOT c.retired) "
                "ORDER BY d.chapter, d.slug"
            )
        ]

    def sync_decks(self, decks: Sequence[Deck]) -> SyncReport:
        """Make the cards of ``decks`` match their YAML, keeping every review state.

        See :mod:`flashcards.store.sync`.

        Raises:
            StoreError: the same card id or chapter slug appears twice among ``decks``.
        """
        return sync.sync_decks(self.db, decks)

    def get(self, card_id: str) -> StoredCard:
        """One card with its deck and state.

        Raises:
            UnknownCardError: no card has this id.
        """
        rows = self.db.rows(_GET_CARD, {"id": card_id})
        if not rows:
            raise UnknownCardError(
                f"no card with id {card_id!r} (`k8sprep history` lists the ids of answered "
                "cards; every card's id is in its deck YAML)"
            )
        return to_stored_card(rows[0])

    def state(self, card_id: str) -> CardState:
        """A card's review state.

        Raises:
            UnknownCardError: no card has this id.
        """
        rows = self.db.rows(
            f"SELECT {STATE_COLUMNS} FROM card_state WHERE card_id = :id", {"id": card_id}
        )
        if not rows:
            raise UnknownCardError(f"no card with id {card_id!r}")
        return to_state(rows[0])

    def set_suspended(self, card_id: str, suspended: bool) -> None:
        """Suspend (never shown again until unsuspended) or unsuspend a card."""
        self.state(card_id)
        with self.db.transaction():
            self.db.run(
                "UPDATE card_state SET suspended = :flag WHERE card_id = :id",
                {"flag": suspended, "id": card_id},
            )

    # --- what to show today (the policy is in flashcards.schedule.queue)

    def due_ids(self, today: date, limit: int, deck: str | None = None) -> list[str]:
        """Cards due on or before ``today``, most overdue first."""
        return self._ids(
            "s.due <= :today", "s.due, s.queue_order", today=today, limit=limit, deck=deck
        )

    def new_ids(self, limit: int, deck: str | None = None) -> list[str]:
        """Never-answered cards in chapter order (deck chapter, then place in the deck)."""
        return self._ids("s.due IS NULL", "s.queue_order", limit=limit, deck=deck)

    def redrill_ids(self, today: date, deck: str | None = None) -> list[str]:
        """Cards whose last answer today was below 4: they come back until graded 4 or 5."""
        return self._ids(
            f"s.last_day = :today AND s.last_grade < {REDRILL_BELOW}",
            "s.last_review, s.queue_order",
            today=today,
            limit=None,
            deck=deck,
        )

    def _ids(
        self,
        where: str,
        order: str,
        *,
        limit: int | None,
        deck: str | None,
        today: date | None = None,
    ) -> list[str]:
        if limit is not None and limit <= 0:
            return []
        sql = (
            f"SELECT c.id FROM card_state s JOIN card c ON c.id = s.card_id "
            f"WHERE {where} AND {ACTIVE}"
            + (" AND c.deck = :deck" if deck else "")
            + f" ORDER BY {order}"
            + (" LIMIT :limit" if limit is not None else "")
        )
        params = {"today": iso(today), "deck": deck, "limit": limit}
        return [r[0] for r in self.db.rows(sql, params)]

    def answered_today(self, today: date) -> tuple[int, int]:
        """``(new cards introduced, due reviews answered)`` on study day ``today``."""
        row = self.db.rows(
            "SELECT COALESCE(SUM(CASE WHEN before_due IS NULL THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN before_due IS NOT NULL THEN 1 ELSE 0 END), 0) "
            "FROM review_log WHERE day = :today AND NOT redrill",
            {"today": iso(today)},
        )[0]
        return int(row[0]), int(row[1])

    # --- answers (see flashcards.store.answers)

    def record_review(
        self, card_id: str, *, time: datetime, day: date, grade: int, answer_ms: int = 0
    ) -> Answer:
        """Log one answer and update the card's state, in one committed transaction.

        Raises:
            UnknownCardError: no card has this id.
            ValueError: ``grade`` is not 0..5.
        """
        return answers.record_review(
            self.db, card_id, time=time, day=day, grade=grade, answer_ms=answer_ms
        )

    def undo_review(self, log_id: int, *, expected: Answer | None = None) -> str:
        """Delete one answer's log row and restore the state before it; the card id.

        Raises:
            StoreError: the answer is gone already, is not ``expected`` (see
                :func:`flashcards.store.answers.undo_review`), or the card was
                answered again since.
        """
        return answers.undo_review(self.db, log_id, expected=expected)

    # --- reports (see flashcards.store.reports)

    def history(self, card_id: str | None = None) -> Iterator[Answer]:
        """The review log, oldest first (all cards, or one)."""
        return reports.history(self.db, card_id)

    def review_facts(self) -> list[tuple[str, date, int, int, str, bool]]:
        """``(card_id, day, grade, chapter, kind, redrill)`` per answer, oldest first."""
        return reports.review_facts(self.db)

    def scheduled(self) -> list[tuple[date, int]]:
        """``(due date, easiness hundredths)`` of every active card answered at least once."""
        return reports.scheduled(self.db)

    def deck_counts(self, today: date) -> list[dict[str, Any]]:
        """Per active deck: due now, never answered, re-drills pending, next due date."""
        return reports.deck_counts(self.db, today)

    def next_due(self, today: date, deck: str | None = None) -> tuple[date, int] | None:
        """The first study day after ``today`` with cards due, and how many; None if none."""
        return reports.next_due(self.db, today, deck)
