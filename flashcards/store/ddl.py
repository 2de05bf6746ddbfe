"""The SQLite schema as SQL text, so a new database is created without SQLAlchemy.

The SQLModel tables of :mod:`flashcards.store.schema` stay the one declaration of
the schema (PostgreSQL and other URLs are still created from them). Importing
SQLAlchemy to compile them costs ~0.8 s, which a fresh install would pay before its
very first card; this text is what they compile to for SQLite, written out, and
``tests/test_store_ddl.py`` compiles the tables and compares, so the two cannot drift.
Change a table there and that test shows the statement to change here.
"""

from __future__ import annotations

import sqlite3

SQLITE_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE meta (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
)""",
    """CREATE TABLE deck (
    slug VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    chapter INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    source_path VARCHAR,
    PRIMARY KEY (slug)
)""",
    """CREATE TABLE card (
    id VARCHAR NOT NULL,
    deck VARCHAR NOT NULL,
    chapter INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    front VARCHAR NOT NULL,
    back VARCHAR NOT NULL,
    wrong_answer VARCHAR NOT NULL,
    diagram VARCHAR NOT NULL,
    tags VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_section VARCHAR NOT NULL,
    retired BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(deck) REFERENCES deck (slug)
)""",
    "CREATE INDEX ix_card_deck ON card (deck)",
    """CREATE TABLE card_state (
    card_id VARCHAR NOT NULL,
    repetitions INTEGER NOT NULL,
    interval_days INTEGER NOT NULL,
    easiness INTEGER NOT NULL,
    due VARCHAR,
    queue_order INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    last_review VARCHAR,
    last_day VARCHAR,
    last_grade INTEGER,
    suspended BOOLEAN NOT NULL,
    deck VARCHAR,
    PRIMARY KEY (card_id),
    FOREIGN KEY(card_id) REFERENCES card (id)
)""",
    "CREATE INDEX ix_card_state_deck ON card_state (deck, suspended, due, last_day, last_grade)",
    "CREATE INDEX ix_card_state_last_day ON card_state (last_day)",
    "CREATE INDEX ix_card_state_queue ON card_state (due, queue_order)",
    """CREATE TABLE review_log (
    id INTEGER NOT NULL,
    card_id VARCHAR NOT NULL,
    answered_at VARCHAR NOT NULL,
    day VARCHAR NOT NULL,
    grade INTEGER NOT NULL,
    redrill BOOLEAN NOT NULL,
    answer_ms INTEGER NOT NULL,
    before_repetitions INTEGER NOT NULL,
    before_interval INTEGER NOT NULL,
    before_easiness INTEGER NOT NULL,
    before_due VARCHAR,
    before_lapses INTEGER NOT NULL,
    after_repetitions INTEGER NOT NULL,
    after_interval INTEGER NOT NULL,
    after_easiness INTEGER NOT NULL,
    after_due VARCHAR,
    after_lapses INTEGER NOT NULL,
    typed_answer VARCHAR,
    verdict VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES card (id)
)""",
    "CREATE INDEX ix_review_log_card ON review_log (card_id, id)",
    "CREATE INDEX ix_review_log_day ON review_log (day)",
)
"""CREATE TABLE / INDEX statements, tables in ``TABLE_NAMES`` order, each followed by
its indexes sorted by name: the order :func:`flashcards.store.schema.schema_ddl` uses."""


def create_sqlite_schema(connection: sqlite3.Connection) -> None:
    """Run :data:`SQLITE_SCHEMA` on ``connection``, inside the caller's transaction.

    One statement at a time rather than ``executescript``: that commits whatever
    transaction is open first, and the caller's ``BEGIN IMMEDIATE`` is what makes a
    second process, creating the same database at the same moment, wait and then
    find the tables there instead of half-creating them twice. SQLite DDL is
    transactional, so a crash part-way leaves no tables at all.
    """
    for statement in SQLITE_SCHEMA:
        connection.execute(statement)
