"""Checking a database file before it is trusted as a backup or restored from.

A file passes only if it is SQLite, whole (integrity and foreign keys), a k8sprep
database with every table, and of a schema version this release reads. The checks
open the file read-only and change nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.store.connection import has_sqlite_header
from flashcards.store.migrations import pending
from flashcards.store.schema import APPLICATION, TABLE_NAMES


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


def check_open(connection: sqlite3.Connection, name: Path) -> DatabaseFacts:
    """Check an open SQLite connection as :func:`inspect_database` does, naming it ``name``."""
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            first = next(
                (line for p in problems for line in p.splitlines() if not line.startswith("***")),
                "",
            )
            raise StoreError(f"{name}: damaged, fails the integrity check ({first})")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        meta = dict(connection.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
        if meta.get("application") != APPLICATION:
            raise StoreError(f"{name}: not a k8sprep database")
        try:
            version = int(meta.get("schema_version", "0"))
        except ValueError:
            raise StoreError(f"{name}: not a k8sprep database (bad schema version)") from None
        pending(version, where=str(name))
        missing = [t for t in TABLE_NAMES if t not in tables]
        if missing:
            raise StoreError(f"{name}: not a complete k8sprep database (no {missing[0]} table)")
        if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StoreError(f"{name}: damaged (answers or states of cards it does not hold)")
        count = {
            t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLE_NAMES
        }
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{name}: damaged or not a database ({error})") from None
    return DatabaseFacts(name, version, count["deck"], count["card"], count["review_log"])
