"""The database schema, declared once as SQLModel tables; the DDL is generated from them.

Nothing outside ``flashcards.store`` imports SQLModel. The classes are built on first
use (:func:`tables`) because importing SQLModel costs ~0.8 s: an SQLite database is
opened with the stdlib driver and never pays for it, and a new one is created from
the SQL text in :mod:`flashcards.store.ddl`, which a test holds equal to these tables.
"""

from __future__ import annotations

import functools
import re
from types import SimpleNamespace
from typing import Any

from flashcards.errors import StoreError

SCHEMA_VERSION = 5
"""Version of the table layout, recorded in ``meta``; equals the number of the last
migration in :mod:`flashcards.store.migrations`, which upgrades older databases on open."""

APPLICATION = "k8sprep"
BUSY_TIMEOUT_S = 5.0
"""How long a writer waits for another session's transaction before giving up."""

TABLE_NAMES = ("meta", "deck", "card", "card_state", "review_log")

_VERSION_TEXT = re.compile(r"[0-9]{1,9}")


def parse_version(value: object, where: str) -> int:
    """The ``schema_version`` text of ``meta`` as a number; plain digits only.

    ``'abc'``, ``'1e3'``, ``' 2'`` or an integer of 10,000 digits is no version any
    release wrote: it is refused in one line instead of reaching ``int()``.

    Raises:
        StoreError: ``value`` is not a version k8sprep writes.
    """
    if not isinstance(value, str) or not _VERSION_TEXT.fullmatch(value):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise StoreError(f"{where}: not a k8sprep database (schema version {shown})")
    return int(value)


@functools.cache
def tables() -> SimpleNamespace:
    """The SQLModel table classes: the one place the schema is declared.

    Built on first use so that opening an existing SQLite database never imports
    SQLModel or SQLAlchemy (see the module docstring).
    """
    from sqlalchemy import Index
    from sqlmodel import Field, SQLModel

    class Meta(SQLModel, table=True):
        """Key/value facts about the database: application and schema version."""

        __tablename__ = "meta"
        key: str = Field(primary_key=True)
        value: str

    class DeckRow(SQLModel, table=True):
        """A chapter deck, keyed by its chapter slug."""

        __tablename__ = "deck"
        slug: str = Field(primary_key=True)
        name: str
        chapter: int
        title: str = ""
        # The YAML file it was last imported from (absolute); None: imported before
        # schema version 4 or not from a file (a history or an Anki sync).
        source_path: str | None = None

    class CardRow(SQLModel, table=True):
        """A card's text as last imported; ``retired`` when gone from its YAML."""

        __tablename__ = "card"
        id: str = Field(primary_key=True)
        deck: str = Field(foreign_key="deck.slug", index=True)
        chapter: int  # the deck's chapter number, copied so new cards sort without a join
        position: int
        kind: str
        front: str
        back: str
        wrong_answer: str = ""
        diagram: str = ""
        tags: str = "[]"  # JSON list
        source_file: str = ""
        source_section: str = ""
        retired: bool = False

    class StateRow(SQLModel, table=True):
        """A card's review state: SM-2 numbers plus what today's queue needs."""

        __tablename__ = "card_state"
        # One index serves the whole queue: due cards by (due, order), new ones (due NULL)
        # by order alone, each a range scan that stops at the LIMIT.
        # ``deck`` repeats the card's deck while the card is active (NULL once retired), so
        # that ``due`` counts every deck from one index, joining no card.
        __table_args__ = (
            Index("ix_card_state_queue", "due", "queue_order"),
            Index("ix_card_state_deck", "deck", "suspended", "due", "last_day", "last_grade"),
        )
        card_id: str = Field(primary_key=True, foreign_key="card.id")
        repetitions: int = 0
        interval_days: int = 0
        easiness: int = 250  # hundredths
        due: str | None = None  # None: never answered (new)
        queue_order: int = 0  # see values.queue_order: chapter, then place in the deck
        lapses: int = 0
        last_review: str | None = None
        last_day: str | None = Field(default=None, index=True)
        last_grade: int | None = None
        suspended: bool = False
        deck: str | None = None  # card.deck; NULL while the card is retired

    class LogRow(SQLModel, table=True):
        """One answer, with the state before and after it: enough to undo or replay."""

        __tablename__ = "review_log"
        __table_args__ = (Index("ix_review_log_card", "card_id", "id"),)
        id: int | None = Field(default=None, primary_key=True)
        card_id: str = Field(foreign_key="card.id")
        answered_at: str
        day: str = Field(index=True)
        grade: int
        redrill: bool
        answer_ms: int
        before_repetitions: int
        before_interval: int
        before_easiness: int
        before_due: str | None = None
        before_lapses: int
        after_repetitions: int
        after_interval: int
        after_easiness: int
        after_due: str | None = None
        after_lapses: int
        typed_answer: str | None = None  # what a drill answer typed (None: a plain review)
        verdict: str | None = None  # the grader's verdict on it

    return SimpleNamespace(
        Meta=Meta,
        DeckRow=DeckRow,
        CardRow=CardRow,
        StateRow=StateRow,
        LogRow=LogRow,
        all=[SQLModel.metadata.tables[name] for name in TABLE_NAMES],
    )


def schema_ddl(dialect_name: str = "sqlite") -> list[str]:
    """CREATE TABLE / INDEX statements for ``dialect_name``, generated from :func:`tables`."""
    from sqlalchemy.dialects import registry
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = registry.load(dialect_name)()
    statements = []
    for table in tables().all:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return statements


def make_engine(url: str) -> Any:
    """An SQLAlchemy engine for ``url``; SQLite gets WAL and a busy timeout."""
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        sqlite_pragmas(dbapi_connection)

    return engine


def sqlite_pragmas(connection: Any) -> None:
    """Per-connection SQLite settings: WAL, busy timeout, foreign keys."""
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    connection.execute("PRAGMA journal_mode = WAL")
    # WAL + FULL, as Anki commits: every answer is on disk before the next card shows,
    # through an OS crash or a power cut too (NORMAL would survive only a crash of
    # k8sprep itself). It costs one fsync per answer, well under a millisecond on an
    # SSD (benchmarks/bench_review.py prints both); bulk paths (import, history import,
    # restore) write in one transaction each, so they pay it once.
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
