"""Schema upgrades: numbered migrations, recorded in ``meta``, each after a backup.

A database written by an older release carries an older ``schema_version`` in its
``meta`` table. Opening it runs every migration numbered above that version, in
order, all in one transaction; each bumps ``schema_version`` and records
``migration.NNNN`` (name and time). A crash part-way leaves the database as it was,
and two processes opening it at once upgrade it once. Before the first one, the
whole database is copied to ``backups/pre-migration-vN-<time>.db``: an upgrade that
goes wrong (or a release that turns out to be bad) never costs a learner's history.
A database from a newer release is refused, never "downgraded" or half-read.

Fresh databases are created at :data:`LATEST_VERSION` directly from the table
declarations in :mod:`flashcards.store.schema` (for SQLite, from their SQL text in
:mod:`flashcards.store.ddl`); the tests check that a migrated first-release database
ends up with exactly the same tables, columns and indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.store.connection import Db, driver_message
from flashcards.store.schema import parse_version


@dataclass(frozen=True)
class Migration:
    """One upgrade step: ``number`` is the schema version it produces.

    SQLite cannot add a NOT NULL column without a default or drop one, so its steps
    rebuild a table; PostgreSQL alters it in place. Both end in the layout that
    :mod:`flashcards.store.schema` declares for a fresh database.
    """

    number: int
    name: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: str) -> tuple[str, ...]:
        if dialect == "sqlite":
            return self.sqlite
        if dialect == "postgresql":
            return self.postgresql
        raise StoreError(f"no schema upgrade for {dialect} databases; use SQLite or PostgreSQL")


FIRST_SCHEMA: tuple[str, ...] = (
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
    "CREATE INDEX ix_card_order ON card (chapter, position)",
    """CREATE TABLE card_state (
    card_id VARCHAR NOT NULL,
    repetitions INTEGER NOT NULL,
    interval_days INTEGER NOT NULL,
    easiness INTEGER NOT NULL,
    due VARCHAR,
    lapses INTEGER NOT NULL,
    last_review VARCHAR,
    last_day VARCHAR,
    last_grade INTEGER,
    suspended BOOLEAN NOT NULL,
    PRIMARY KEY (card_id),
    FOREIGN KEY(card_id) REFERENCES card (id)
)""",
    "CREATE INDEX ix_card_state_due ON card_state (due)",
    "CREATE INDEX ix_card_state_last_day ON card_state (last_day)",
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
    PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES card (id)
)""",
    "CREATE INDEX ix_review_log_card ON review_log (card_id, id)",
    "CREATE INDEX ix_review_log_day ON review_log (day)",
)
"""The SQLite layout of schema version 1, as the first release wrote it. Never edit:
:func:`sqlite_layout` builds any older version from it, e.g. to copy a server
database that is still at that version."""

_QUEUE_ORDER = "c.chapter * 1000000 + c.position"  # flashcards.store.values.queue_order

_STATE_DECK = (
    "ALTER TABLE card_state ADD COLUMN deck VARCHAR",
    "UPDATE card_state SET deck = (SELECT c.deck FROM card c "
    "WHERE c.id = card_state.card_id AND NOT c.retired)",
    "CREATE INDEX ix_card_state_deck ON card_state (deck, suspended, due, last_day, last_grade)",
)
"""Migration 5, the same SQL for both: the column may be NULL, so it is added in place."""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "card_state.queue_order: the queue reads one index instead of sorting a join",
        sqlite=(
            """CREATE TABLE card_state_v2 (
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
    PRIMARY KEY (card_id),
    FOREIGN KEY(card_id) REFERENCES card (id)
)""",
            # LEFT JOIN: a state row is never dropped, even one whose card went missing.
            "INSERT INTO card_state_v2 (card_id, repetitions, interval_days, easiness, due, "
            "queue_order, lapses, last_review, last_day, last_grade, suspended) "
            "SELECT s.card_id, s.repetitions, s.interval_days, s.easiness, s.due, "
            f"COALESCE({_QUEUE_ORDER}, 0), s.lapses, s.last_review, s.last_day, "
            "s.last_grade, s.suspended FROM card_state s LEFT JOIN card c ON c.id = s.card_id",
            "DROP TABLE card_state",
            "ALTER TABLE card_state_v2 RENAME TO card_state",
            "CREATE INDEX ix_card_state_last_day ON card_state (last_day)",
            "CREATE INDEX ix_card_state_queue ON card_state (due, queue_order)",
            "DROP INDEX ix_card_order",
        ),
        postgresql=(
            "ALTER TABLE card_state ADD COLUMN queue_order INTEGER NOT NULL DEFAULT 0",
            f"UPDATE card_state SET queue_order = {_QUEUE_ORDER} FROM card c "
            "WHERE c.id = card_state.card_id",
            "ALTER TABLE card_state ALTER COLUMN queue_order DROP DEFAULT",
            "DROP INDEX IF EXISTS ix_card_order",
            "DROP INDEX IF EXISTS ix_card_state_due",
            "CREATE INDEX ix_card_state_queue ON card_state (due, queue_order)",
        ),
    ),
    Migration(
        3,
        "review_log.typed_answer and verdict: a drill answer keeps what was typed",
        sqlite=(
            "ALTER TABLE review_log ADD COLUMN typed_answer VARCHAR",
            "ALTER TABLE review_log ADD COLUMN verdict VARCHAR",
        ),
        postgresql=(
            "ALTER TABLE review_log ADD COLUMN typed_answer VARCHAR",
            "ALTER TABLE review_log ADD COLUMN verdict VARCHAR",
        ),
    ),
    Migration(
        4,
        "deck.source_path: the database remembers the file each deck came from",
        # A column that may be NULL: SQLite adds it in place, as PostgreSQL does. A
        # rebuild of ``deck`` would need foreign keys off (``card`` points at it), which
        # SQLite cannot switch inside the one transaction the upgrade runs in.
        sqlite=("ALTER TABLE deck ADD COLUMN source_path VARCHAR",),
        postgresql=("ALTER TABLE deck ADD COLUMN source_path VARCHAR",),
    ),
    Migration(
        5,
        "card_state.deck: due counts every deck from one index",
        sqlite=_STATE_DECK,
        postgresql=_STATE_DECK,
    ),
)
"""Every migration, in order; numbers follow each other from 2."""

FIRST_VERSION = 1
LATEST_VERSION = MIGRATIONS[-1].number if MIGRATIONS else FIRST_VERSION
"""The schema version this release writes; the store's ``SCHEMA_VERSION`` equals it."""

VERSION_KEY = "schema_version"


def pending(version: int, *, where: str = "<database>") -> list[Migration]:
    """The migrations a database at schema ``version`` needs, oldest first.

    Raises:
        StoreError: ``version`` is newer than this release knows, or not a version.
    """
    if version > LATEST_VERSION:
        raise StoreError(
            f"{where}: database schema version {version} is newer than this k8sprep "
            f"understands ({LATEST_VERSION}); upgrade k8sprep (your data is untouched)"
        )
    if version < FIRST_VERSION:
        raise StoreError(f"{where}: not a k8sprep database (schema version {version})")
    return [migration for migration in MIGRATIONS if migration.number > version]


def read_version(db: Db, where: str = "<database>") -> int:
    """The ``schema_version`` recorded in ``meta``.

    Raises:
        StoreError: no version, or one that is not a whole number.
    """
    rows = db.rows("SELECT value FROM meta WHERE key = :key", {"key": VERSION_KEY})
    if not rows:
        raise StoreError(f"{where}: not a k8sprep database (no schema version)")
    return parse_version(rows[0][0], where)


BackupHook = Callable[[int], Path | None]
"""Called with the old version before the first migration; returns the backup made."""


@dataclass(frozen=True)
class UpgradeReport:
    """What :func:`upgrade` did: versions, migrations applied, the backup taken first."""

    from_version: int
    to_version: int
    applied: tuple[Migration, ...] = ()
    backup: Path | None = None


def upgrade(
    db: Db,
    where: str,
    *,
    now: datetime,
    backup: BackupHook | None = None,
    to_version: int = LATEST_VERSION,
) -> UpgradeReport:
    """Bring the database up to ``to_version``, backing it up before the first step.

    Two processes opening an old database at once are safe: each step re-reads the
    version inside its write transaction and skips what the other already did.

    Args:
        db: an open connection (SQLite or SQLAlchemy) to a k8sprep database.
        where: the database as named in messages.
        now: the time recorded with each migration.
        backup: makes the safety copy; no copy is made when it is None (tests, memory).
        to_version: stop here (tests use it to check one step at a time).

    Raises:
        StoreError: the schema is newer than this release, the backup failed (then
            nothing was changed), or a migration failed (rolled back; the database
            stays at the last completed version).
    """
    start = read_version(db, where)
    todo = [m for m in pending(start, where=where) if m.number <= to_version]
    if not todo:
        return UpgradeReport(start, start)
    dialect = dialect_of(db)
    for migration in todo:
        migration.statements(dialect)  # refuse an unknown backend before the backup
    copy = backup(start) if backup is not None else None
    applied: list[Migration] = []
    migration = todo[0]
    try:
        # One write transaction for every step: a second process opening the same old
        # database waits, then finds it upgraded, rather than taking over half-way.
        with db.transaction():
            version = read_version(db, where)
            for migration in todo:
                if version >= migration.number:
                    continue  # another process got here first
                for statement in migration.statements(dialect):
                    db.run(statement, {})
                _record(db, migration, now)
                applied.append(migration)
    except Exception as error:  # driver errors, or the store's one-line StoreError
        raise StoreError(
            f"{where}: upgrade to schema version {migration.number} failed and was "
            f"rolled back ({driver_message(error)}); the copy taken before upgrading is {copy}"
        ) from None
    return UpgradeReport(start, read_version(db, where), tuple(applied), copy)


def dialect_of(db: Db) -> str:
    """``sqlite``, ``postgresql``, ...: which statements a connection needs."""
    return "sqlite" if db.sqlite is not None else str(db.engine.dialect.name)


def sqlite_layout(version: int) -> list[str]:
    """The SQLite statements that create an empty database of schema ``version``."""
    statements = list(FIRST_SCHEMA)
    for migration in MIGRATIONS:
        if migration.number <= version:
            statements.extend(migration.sqlite)
    return statements


def _record(db: Db, migration: Migration, now: datetime) -> None:
    db.run(
        "UPDATE meta SET value = :value WHERE key = :key",
        {"key": VERSION_KEY, "value": str(migration.number)},
    )
    db.run(
        "INSERT INTO meta (key, value) VALUES (:key, :value)",
        {
            "key": f"migration.{migration.number:04d}",
            "value": f"{migration.name} (applied {now.isoformat(timespec='seconds')})",
        },
    )


def applied_migrations(db: Db) -> list[tuple[int, str]]:
    """``(number, "name (applied time)")`` of every migration recorded in ``meta``."""
    rows = db.rows("SELECT key, value FROM meta WHERE key LIKE 'migration.%' ORDER BY key")
    return [(int(key.split(".", 1)[1]), value) for key, value in rows]


def describe(report: UpgradeReport) -> Sequence[str]:
    """Lines telling the user what an upgrade did (nothing when nothing was needed)."""
    if not report.applied:
        return []
    lines = [
        f"upgraded the database from schema version {report.from_version} to {report.to_version}"
    ]
    if report.backup is not None:
        lines.append(f"the database as it was is kept in {report.backup}")
    return lines
