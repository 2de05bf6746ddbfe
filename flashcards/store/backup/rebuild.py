"""Rebuilding a backup as a fresh database: its rows, checked, in k8sprep's own tables.

A backup file is untrusted: whatever schema it carries (triggers, views, changed
columns) must not become the live database. So ``restore`` never uses the file's
pages. It creates an empty database from k8sprep's DDL (:mod:`flashcards.store.ddl`,
or the layout of the file's older schema version, upgraded afterwards by the
migrations), then copies only the known columns of the known tables, after checking
every value in them:

- each column holds the type k8sprep writes (no text in a number, no number in a
  date), dates and times parse, grades are 0 to 5, flags 0 or 1, counts not negative;
- every state and answer belongs to a card, every card to a deck (foreign keys);
- replaying each card's log gives its stored state, as ``k8sprep verify`` checks.

Anything else in the file (triggers, views, other tables or columns, indexes of its
own) is left behind and named in :attr:`Rebuilt.ignored`. Structural changes that
lose data (a k8sprep table missing, replaced by a view, or without one of its
columns) and any bad value are refused in one line. The file's tables are only ever
read by name, after :func:`~flashcards.store.backup.check.real_tables` has shown them
to be real tables, so no code of the file runs.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.drill.grading import Verdict
from flashcards.errors import StoreError
from flashcards.model import Kind
from flashcards.store.backup.check import (
    DatabaseFacts,
    check_integrity,
    check_kind,
    guard,
    real_tables,
    unreadable,
)
from flashcards.store.connection import Db, driver_message
from flashcards.store.ddl import SQLITE_SCHEMA
from flashcards.store.migrations import LATEST_VERSION, sqlite_layout, upgrade
from flashcards.store.schema import APPLICATION, TABLE_NAMES
from flashcards.store.values import DERIVE_STATE_DECKS

# --- what a value of each column may be, as SQL conditions on ``{c}``

_INT = "typeof({c}) = 'integer'"
_TEXT = "typeof({c}) = 'text'"
_NAME = _TEXT + " AND length({c}) BETWEEN 1 AND 1000"
_COUNT = _INT + " AND {c} BETWEEN 0 AND 100000000"
_BOOL = _INT + " AND {c} IN (0, 1)"
_GRADE = _INT + " AND {c} BETWEEN 0 AND 5"
_EASE = _INT + " AND {c} BETWEEN 130 AND 100000000"
_DATE = _TEXT + " AND date({c}) IS {c}"
_TIME = (
    _TEXT + " AND length({c}) <= 40 AND {c} GLOB "
    "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'"
    " AND datetime({c}) IS NOT NULL"
)
_KIND = _TEXT + " AND {c} IN (" + ", ".join(f"'{k.value}'" for k in Kind) + ")"
_TAGS = (  # CASE: SQLite does not promise to stop at the first false AND
    _TEXT + " AND CASE WHEN json_valid({c}) THEN json_type({c}) = 'array' AND NOT EXISTS "
    "(SELECT 1 FROM json_each({c}) WHERE type != 'text') ELSE 0 END"
)


_VERDICT = _TEXT + " AND {c} IN (" + ", ".join(f"'{v.value}'" for v in Verdict) + ")"


def _maybe(rule: str) -> str:
    return "{c} IS NULL OR (" + rule + ")"


RULES: dict[str, dict[str, str]] = {
    "deck": {
        "slug": _NAME,
        "name": _TEXT,
        "chapter": _INT + " AND {c} BETWEEN 0 AND 999999",
        "title": _TEXT,
        "source_path": _maybe(_TEXT + " AND length({c}) BETWEEN 1 AND 4096"),
    },
    "card": {
        "id": _NAME,
        "deck": _NAME,
        "chapter": _INT + " AND {c} BETWEEN 0 AND 999999",
        "position": _INT + " AND {c} BETWEEN 0 AND 999999999",
        "kind": _KIND,
        "front": _TEXT,
        "back": _TEXT,
        "wrong_answer": _TEXT,
        "diagram": _TEXT,
        "tags": _TAGS,
        "source_file": _TEXT,
        "source_section": _TEXT,
        "retired": _BOOL,
    },
    "card_state": {
        "card_id": _NAME,
        "repetitions": _COUNT,
        "interval_days": _INT + " AND {c} >= 0",
        "easiness": _EASE,
        "due": _maybe(_DATE),
        "queue_order": _INT,
        "lapses": _COUNT,
        "last_review": _maybe(_TIME),
        "last_day": _maybe(_DATE),
        "last_grade": _maybe(_GRADE),
        "suspended": _BOOL,
        "deck": _maybe(_NAME),
    },
    "review_log": {
        "id": _INT + " AND {c} > 0",
        "card_id": _NAME,
        "answered_at": _TIME,
        "day": _DATE,
        "grade": _GRADE,
        "redrill": _BOOL,
        "answer_ms": _INT + " AND {c} >= 0",
        "before_repetitions": _COUNT,
        "before_interval": _INT + " AND {c} >= 0",
        "before_easiness": _EASE,
        "before_due": _maybe(_DATE),
        "before_lapses": _COUNT,
        "after_repetitions": _COUNT,
        "after_interval": _INT + " AND {c} >= 0",
        "after_easiness": _EASE,
        "after_due": _maybe(_DATE),
        "after_lapses": _COUNT,
        "typed_answer": _maybe(_TEXT + " AND length({c}) <= 100000"),
        "verdict": _maybe(_VERDICT),
    },
}
"""Every column k8sprep reads, table by table, with what its values must be; the
layout of an older schema version may lack some (``queue_order`` in version 1)."""

_MIGRATION_KEY = re.compile(r"migration\.([0-9]{4})")
_SOURCE = "src"


@dataclass(frozen=True)
class Rebuilt:
    """A fresh database built from a backup: what it holds, and what was left behind."""

    facts: DatabaseFacts
    ignored: tuple[str, ...]


def rebuild(raw: Path, fresh: Path, name: Path, *, now: datetime) -> Rebuilt:
    """Build the checked, current-schema database ``fresh`` from the rows of ``raw``.

    ``raw`` is a private copy of the backup (with its ``-wal`` beside it, if it had
    one); ``name`` is the backup as messages name it. ``fresh`` must be empty.

    Raises:
        StoreError: the file is not a sound k8sprep backup; nothing is left in ``fresh``
            that anyone would use (the caller removes it).
    """
    connection = sqlite3.connect(fresh, isolation_level=None)
    try:
        # A private file, thrown away if anything fails: no fsync, journal in memory.
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA journal_mode = MEMORY")
        connection.execute(f"ATTACH DATABASE ? AS {_SOURCE}", (str(raw),))
        guard(connection, read_only=False)  # the file's schema is read with these settings
        check_integrity(connection, name, _SOURCE, quick=True)  # its indexes stay behind
        version = check_kind(connection, real_tables(connection, _SOURCE), name, _SOURCE)
        ignored = _ignored(connection, version)
        _check_columns(connection, name, version)
        _check_values(connection, name, version)
        connection.execute("BEGIN")
        indexes = _create(connection, version)
        _copy(connection, name, version)
        for statement in indexes:
            connection.execute(statement)
        connection.execute("COMMIT")
        connection.execute(f"DETACH DATABASE {_SOURCE}")
        connection.set_progress_handler(None, 0)
        _check_links(connection, name)
        if version < LATEST_VERSION:
            upgrade(Db(sqlite=connection), str(name), now=now)
        connection.execute(DERIVE_STATE_DECKS)  # derived from the cards, never the file's
        _replay(connection, name)
        counts = [
            connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("deck", "card", "review_log")
        ]
        connection.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{name}: {unreadable(error)}") from None
    finally:
        connection.close()
    return Rebuilt(DatabaseFacts(name, version, *counts), ignored)


def _layout(version: int) -> sqlite3.Connection:
    """An in-memory database of schema ``version``, to read k8sprep's own columns from."""
    memory = sqlite3.connect(":memory:")
    for statement in sqlite_layout(version):
        memory.execute(statement)
    return memory


def _columns(version: int) -> dict[str, list[str]]:
    memory = _layout(version)
    try:
        return {t: [r[1] for r in memory.execute(f"PRAGMA table_info({t})")] for t in TABLE_NAMES}
    finally:
        memory.close()


def _ignored(connection: sqlite3.Connection, version: int) -> tuple[str, ...]:
    """What the file holds that k8sprep does not make: left behind, and named."""
    memory = _layout(version)
    try:
        own = set(memory.execute("SELECT type, name FROM sqlite_master").fetchall())
    finally:
        memory.close()
    found = connection.execute(
        f"SELECT type, name FROM {_SOURCE}.sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    extras = [f"{kind} {_printable(name)}" for kind, name in found if (kind, name) not in own]
    columns = _columns(version)
    for table in TABLE_NAMES:
        for row in connection.execute(f"PRAGMA {_SOURCE}.table_info({table})"):
            if row[1] not in columns[table]:
                extras.append(f"column {table}.{_printable(row[1])}")
    return tuple(extras)


def _check_columns(connection: sqlite3.Connection, name: Path, version: int) -> None:
    for table, wanted in _columns(version).items():
        have = {r[1] for r in connection.execute(f"PRAGMA {_SOURCE}.table_info({table})")}
        missing = [c for c in wanted if c not in have]
        if missing:
            raise StoreError(
                f"{name}: not a k8sprep database of schema version {version} "
                f"({table} has no {missing[0]} column)"
            )


def _check_values(connection: sqlite3.Connection, name: Path, version: int) -> None:
    """Refuse the first value that k8sprep would not have written, naming it."""
    columns = _columns(version)
    for table, rules in RULES.items():
        present = {c: rule for c, rule in rules.items() if c in columns[table]}
        every = " AND ".join(f"({rule.format(c=_q(c))})" for c, rule in present.items())
        source = f"{_SOURCE}.{table}"
        if connection.execute(
            f"SELECT 1 FROM {source} WHERE ({every}) IS NOT 1 LIMIT 1"
        ).fetchone():
            for column, rule in present.items():
                bad = connection.execute(
                    f"SELECT {_q(column)} FROM {source} "
                    f"WHERE ({rule.format(c=_q(column))}) IS NOT 1 LIMIT 1"
                ).fetchone()
                if bad is not None:
                    raise StoreError(
                        f"{name}: not restored: {table}.{column} holds {_shown(bad[0])}, "
                        "which k8sprep never writes there"
                    )
    meta = f"{_SOURCE}.meta"
    if connection.execute(
        f"SELECT 1 FROM {meta} WHERE typeof(\"key\") != 'text' OR typeof(value) != 'text' LIMIT 1"
    ).fetchone():
        raise StoreError(f"{name}: not restored: meta holds a value that is not text")


def _create(connection: sqlite3.Connection, version: int) -> list[str]:
    """k8sprep's own empty tables, at the file's schema version.

    Returns the index statements left for after the copy (an index built over the
    rows at once is several times faster than one kept up row by row).
    """
    if version < LATEST_VERSION:
        for statement in sqlite_layout(version):
            connection.execute(statement)
        return []
    indexes = [s for s in SQLITE_SCHEMA if s.startswith("CREATE INDEX")]
    for statement in SQLITE_SCHEMA:
        if statement not in indexes:
            connection.execute(statement)
    return indexes


def _copy(connection: sqlite3.Connection, name: Path, version: int) -> None:
    """The known columns of the known tables; of ``meta``, only what k8sprep records."""
    connection.executemany(
        'INSERT INTO main.meta ("key", value) VALUES (?, ?)',
        [("application", APPLICATION), ("schema_version", str(version))],
    )
    for key, value in connection.execute(f'SELECT "key", value FROM {_SOURCE}.meta'):
        found = _MIGRATION_KEY.fullmatch(key)
        if found and 1 < int(found.group(1)) <= version and len(value) <= 1000:
            connection.execute('INSERT INTO main.meta ("key", value) VALUES (?, ?)', (key, value))
    for table, columns in _columns(version).items():
        if table == "meta":
            continue
        names = ", ".join(_q(c) for c in columns)
        try:
            connection.execute(
                f"INSERT INTO main.{table} ({names}) SELECT {names} FROM {_SOURCE}.{table}"
            )
        except sqlite3.IntegrityError as error:
            raise StoreError(
                f"{name}: not restored: {table} holds two rows for one key "
                f"({driver_message(error)})"
            ) from None


def _check_links(connection: sqlite3.Connection, name: Path) -> None:
    """Every answer and state belongs to a card, every card to a deck."""
    broken = connection.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        table, rowid, parent, _ = broken
        raise StoreError(
            f"{name}: not restored: row {rowid} of {table} belongs to a {parent} "
            "that the file does not hold"
        )


def _replay(connection: sqlite3.Connection, name: Path) -> None:
    """Every card's state must follow from its log, as ``k8sprep verify`` checks."""
    from flashcards.store.verify import verify_database

    report = verify_database(Db(sqlite=connection), integrity=False)
    if not report.ok:
        more = len(report.problems) - 1
        also = f" (and {more} more problem{'' if more == 1 else 's'})" if more else ""
        raise StoreError(f"{name}: not restored: {report.problems[0]}{also}")


def _q(column: str) -> str:
    return f'"{column}"'


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _printable(name: object) -> str:
    """A name from the file as a terminal may show it: no control characters, not endless."""
    text = "".join(c if c.isprintable() else "?" for c in str(name))
    return text if len(text) <= 60 else text[:57] + "..."
