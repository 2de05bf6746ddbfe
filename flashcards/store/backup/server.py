"""Backups of a database behind an SQLAlchemy URL (PostgreSQL), and restores into one.

A server database is copied table by table, inside one repeatable-read transaction,
into an SQLite file of the same layout: the portable format that ``restore`` loads
back into any backend, replacing every row in one transaction.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from flashcards.errors import SchemaUpgradeNeededError, StoreError
from flashcards.store.backup.files import write_failure
from flashcards.store.connection import connect, driver_message
from flashcards.store.database import Store
from flashcards.store.migrations import pending, sqlite_layout, upgrade
from flashcards.store.schema import APPLICATION, parse_version

COPY_ORDER = ("meta", "deck", "card", "card_state", "review_log")
"""Tables in the order rows can be inserted with foreign keys on (parents first)."""

_BOOL_COLUMNS = {"card": {"retired"}, "card_state": {"suspended"}, "review_log": {"redrill"}}


def copy_from_server(url: str, temporary: Path) -> None:
    """Copy the k8sprep tables of a server database into an SQLite file of the same version.

    The file gets the SQLite layout of the server's own schema version (a server not
    yet upgraded is copied as it is), so ``restore`` upgrades it like any old backup.
    """
    from sqlalchemy import text

    from flashcards.store.schema import make_engine

    dst = sqlite3.connect(temporary, isolation_level=None)
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():  # one snapshot of every table
                    if not _tables(conn):
                        raise StoreError(f"{safe_url(url)}: no k8sprep tables here yet")
                    if "meta" not in _tables(conn):
                        raise StoreError(
                            f"{safe_url(url)}: not a k8sprep database "
                            "(a server database of another kind)"
                        )
                    found = dict(
                        tuple(r) for r in conn.execute(text("SELECT key, value FROM meta"))
                    )
                    if found.get("application") != APPLICATION:
                        raise StoreError(f"{safe_url(url)}: not a k8sprep database")
                    version = parse_version(found.get("schema_version"), safe_url(url))
                    pending(version, where=safe_url(url))
                    dst.execute("BEGIN")
                    for statement in sqlite_layout(version):
                        dst.execute(statement)
                    for table in COPY_ORDER:
                        columns = [r[1] for r in dst.execute(f"PRAGMA table_info({table})")]
                        result = conn.execute(text(f"SELECT {', '.join(columns)} FROM {table}"))
                        marks = ", ".join("?" for _ in columns)
                        dst.executemany(
                            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            (tuple(row) for row in result),
                        )
                    dst.execute("COMMIT")
        finally:
            engine.dispose()
    except sqlite3.Error as error:
        raise StoreError(f"backup not written: {write_failure(error)}") from None
    except StoreError:
        raise
    except Exception as error:  # driver or server errors
        raise StoreError(
            f"{safe_url(url)}: cannot back up the database ({driver_message(error)})"
        ) from None
    finally:
        dst.close()


def _tables(conn: Any) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(conn).get_table_names())


def server_is_empty(url: str) -> bool:
    """Whether the server database holds no tables at all (a fresh one: nothing to keep).

    Raises:
        StoreError: the server cannot be reached, in one line.
    """
    from flashcards.store.schema import make_engine

    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                return not _tables(conn)
        finally:
            engine.dispose()
    except Exception as error:
        raise StoreError(
            f"{safe_url(url)}: cannot open database ({driver_message(error)})"
        ) from None


def load_into_server(url: str, work: Path, *, now: datetime) -> None:
    """Replace every k8sprep row of a server database with the backup's, in one transaction.

    The server's tables are created, or brought to the current schema, first; the
    safety copy of what they held was taken before this is called.
    """
    from sqlalchemy import text

    try:
        Store.open(url).close()
    except SchemaUpgradeNeededError:
        db = connect(url)
        try:
            upgrade(db, safe_url(url), now=now)
        finally:
            db.close()
    source = sqlite3.connect(work)
    try:
        from flashcards.store.schema import make_engine

        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                for table in reversed(COPY_ORDER):
                    conn.execute(text(f"DELETE FROM {table}"))
                for table in COPY_ORDER:
                    cursor = source.execute(f"SELECT * FROM {table}")
                    columns = [d[0] for d in cursor.description]
                    rows = [
                        dict(zip(columns, _bools(table, columns, row), strict=True))
                        for row in cursor
                    ]
                    if rows:
                        names = ", ".join(columns)
                        values = ", ".join(f":{c}" for c in columns)
                        conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), rows)
                if engine.dialect.name == "postgresql":
                    conn.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence('review_log', 'id'), "
                            "COALESCE((SELECT MAX(id) FROM review_log), 0) + 1, false)"
                        )
                    )
        finally:
            engine.dispose()
    except StoreError:
        raise
    except Exception as error:
        raise StoreError(
            f"{safe_url(url)}: not restored, left as it was ({driver_message(error)})"
        ) from None
    finally:
        source.close()


def _bools(table: str, columns: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite keeps booleans as 0/1; a server's boolean columns want real booleans."""
    flags = _BOOL_COLUMNS.get(table, set())
    return tuple(
        bool(value) if name in flags and value is not None else value
        for name, value in zip(columns, row, strict=True)
    )


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]++):(?:(?!://)[^@])*+@", r"\1:***@", url)
