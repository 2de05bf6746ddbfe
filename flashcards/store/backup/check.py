"""Checking a database file before it is trusted as a backup or restored from.

A file passes only if it is SQLite, whole (integrity and foreign keys), a k8sprep
database with every table, and of a schema version this release reads. The checks
open the file read-only and change nothing.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.store.connection import has_sqlite_header
from flashcards.store.migrations import pending
from flashcards.store.schema import APPLICATION, TABLE_NAMES, parse_version

WORK_LIMIT_S = 120.0
"""The most any one check of an untrusted file may take; a heavy learner's 100 MB
database takes a few seconds, so only a file built to hang a command reaches it."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a checked database file holds."""

    path: Path
    schema_version: int
    decks: int
    cards: int
    answers: int

    def summary(self) -> str:
        """``schema version 2, 1 deck, 19 cards, 1 answer``: told after every backup."""
        return (
            f"schema version {self.schema_version}, {counted(self.decks, 'deck')}, "
            f"{counted(self.cards, 'card')}, {counted(self.answers, 'answer')}"
        )


def counted(number: int, noun: str) -> str:
    """``1 deck``, ``2 decks``: a count with its noun in the right number."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def inspect_database(path: Path, *, shown: Path | None = None) -> DatabaseFacts:
    """Check that ``path`` is a sound k8sprep database this release can read.

    Opens the file read-only and changes nothing; see :func:`check_open`.

    Raises:
        StoreError: not a file, not SQLite, damaged, not k8sprep, or from a newer release.
    """
    name = shown or path
    check_header(path, name)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"{name}: cannot open ({error})") from None
    try:
        return check_open(connection, name)
    finally:
        connection.close()


def check_header(path: Path, name: Path) -> None:
    """Refuse what is not a file, or not an SQLite one, before opening it."""
    if not path.is_file():
        raise StoreError(f"{name}: no such file")
    if not has_sqlite_header(path):
        raise StoreError(f"{name}: not a k8sprep database (not an SQLite file)")


def guard(
    connection: sqlite3.Connection, *, seconds: float = WORK_LIMIT_S, read_only: bool = True
) -> None:
    """Make a connection to a file nobody vouches for safe to read.

    Nothing in such a file is run on purpose: only tables that are real tables are
    read, by name (:func:`real_tables`), so no view or trigger of the file executes.
    Still, ``trusted_schema`` is off (no function with side effects runs from its
    schema), writes are off (with ``read_only``), and a progress handler interrupts
    any statement once ``seconds`` have passed: a file cannot hang a command.
    """
    connection.execute("PRAGMA trusted_schema = OFF")
    if read_only:
        connection.execute("PRAGMA query_only = ON")
    deadline = time.monotonic() + seconds
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)


def real_tables(connection: sqlite3.Connection, schema: str = "main") -> dict[str, str]:
    """``{name: kind}`` of every schema object; ``kind`` is ``table`` only for a real table.

    A view, a virtual table or an index under a k8sprep table's name is not that
    table: reading it would run the file's own code.
    """
    found: dict[str, str] = {}
    rows = connection.execute(f"SELECT type, name, sql FROM {schema}.sqlite_master")
    for kind, name, sql in rows:
        if kind == "table" and not str(sql or "").upper().startswith("CREATE TABLE"):
            kind = "virtual table"
        if kind == "table":
            found[str(name)] = "table"  # a trigger may share a table's name
        else:
            found.setdefault(str(name), str(kind))
    return found


def check_integrity(
    connection: sqlite3.Connection, name: Path, schema: str = "main", *, quick: bool = False
) -> None:
    """SQLite's own check of every page and index.

    ``quick`` checks the pages but not that each index matches its table: enough for
    a file whose rows are read by full scans and whose indexes are never kept.
    """
    pragma = "quick_check" if quick else "integrity_check"
    problems = [row[0] for row in connection.execute(f"PRAGMA {schema}.{pragma}")]
    if problems != ["ok"]:
        first = next(
            (line for p in problems for line in p.splitlines() if not line.startswith("***")),
            "",
        )
        raise StoreError(f"{name}: damaged, fails the integrity check ({first})")


def check_kind(
    connection: sqlite3.Connection, objects: dict[str, str], name: Path, schema: str = "main"
) -> int:
    """The schema version of a k8sprep database with every table; refuse anything else."""
    meta: dict[object, object] = {}
    if objects.get("meta") == "table":
        meta = dict(connection.execute(f'SELECT "key", value FROM {schema}.meta LIMIT 1000'))
    if meta.get("application") != APPLICATION:
        raise StoreError(f"{name}: not a k8sprep database")
    version = parse_version(meta.get("schema_version"), str(name))
    pending(version, where=str(name))
    for table in TABLE_NAMES:
        if table not in objects:
            raise StoreError(f"{name}: not a complete k8sprep database (no {table} table)")
        if objects[table] != "table":
            raise StoreError(
                f"{name}: not a k8sprep database ({table} is a {objects[table]}, not a table)"
            )
    return version


def check_open(connection: sqlite3.Connection, name: Path) -> DatabaseFacts:
    """Check an open SQLite connection as :func:`inspect_database` does, naming it ``name``."""
    try:
        guard(connection)
        check_integrity(connection, name)
        version = check_kind(connection, real_tables(connection), name)
        if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StoreError(f"{name}: damaged (answers or states of cards it does not hold)")
        count = {
            t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLE_NAMES
        }
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{name}: {unreadable(error)}") from None
    return DatabaseFacts(name, version, count["deck"], count["card"], count["review_log"])


def unreadable(error: sqlite3.Error) -> str:
    """Why SQLite could not read a file, as the end of a one-line refusal."""
    if "interrupted" in str(error):
        return f"refused: reading it took over {WORK_LIMIT_S:.0f} s (is it a k8sprep backup?)"
    return f"damaged or not a database ({error})"
