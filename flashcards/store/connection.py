"""Opening a database: the stdlib driver for SQLite files, an SQLAlchemy engine otherwise.

:class:`Db` is the handful of operations the store needs (rows, run, transaction),
with the same ``:name`` SQL on both. A file that is not a k8sprep database is refused
before a byte is written to it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flashcards.errors import NoDatabaseError, SchemaUpgradeNeededError, StoreError
from flashcards.store.ddl import create_sqlite_schema
from flashcards.store.schema import (
    APPLICATION,
    BUSY_TIMEOUT_S,
    SCHEMA_VERSION,
    TABLE_NAMES,
    make_engine,
    parse_version,
    sqlite_pragmas,
    tables,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""


def has_sqlite_header(path: Path) -> bool:
    """Whether the file at ``path`` starts like an SQLite database (it may still be damaged)."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def driver_message(error: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's SQL echo and links."""
    original = getattr(error, "orig", None) or error.__cause__ or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


def shown_url(url: str) -> str:
    """The URL as messages show it: a server password is never printed."""
    return _URL_PASSWORD.sub(r"\1***@", url)


def database_url(target: str | Path) -> str:
    """An SQLAlchemy URL for ``target``: a URL as it is, a file path as an SQLite URL."""
    if isinstance(target, str) and "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


COMPANIONS = ("-journal", "-wal", "-shm")
"""Files SQLite keeps beside a database: writing any of them breaks the database."""


def is_database_file(database: Path, candidate: Path) -> bool:
    """Whether ``candidate`` is the SQLite file ``database`` or one of its companions.

    Compared by resolved path and, for files that exist, by identity (hard links).
    """
    if candidate.exists() and database.exists():
        with suppress(OSError):
            if candidate.samefile(database):
                return True
    resolved = candidate.resolve()
    target = database.resolve()
    return resolved in (target, *(Path(f"{target}{suffix}") for suffix in COMPANIONS))


def sqlite_path(url: str) -> str | None:
    """The file (or ``:memory:``) behind a plain ``sqlite://`` URL; None for anything else."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if url.startswith("sqlite:///") and "?" not in url:
        return url[len("sqlite:///") :]
    return None


class Db:
    """The few operations the store needs, over sqlite3 or an SQLAlchemy connection."""

    def __init__(self, sqlite: sqlite3.Connection | None = None, engine: Any = None) -> None:
        self.sqlite = sqlite
        self.engine = engine
        self.sa: Connection | None = engine.connect() if engine is not None else None
        self.in_tx = False
        self.lock = "" if sqlite is not None or engine.dialect.name == "sqlite" else " FOR UPDATE"

    @property
    def server(self) -> Connection:
        """The SQLAlchemy connection, for the branches a database behind a URL takes."""
        if self.sa is None:
            raise StoreError("no SQLAlchemy connection: this database is an SQLite file")
        return self.sa

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        if self.sqlite is not None:
            return self.sqlite.execute(sql, params or {}).fetchall()
        from sqlalchemy import text

        result = [tuple(r) for r in self.server.execute(text(sql), params or {})]
        if not self.in_tx:
            self.server.commit()
        return result

    def run(self, sql: str, params: dict[str, Any] | Sequence[dict[str, Any]]) -> None:
        if self.sqlite is not None:
            if isinstance(params, dict):
                self.sqlite.execute(sql, params)
            else:
                self.sqlite.executemany(sql, params)
            return
        from sqlalchemy import text

        if params or isinstance(params, dict):
            self.server.execute(text(sql), params)

    def insert(self, sql: str, params: dict[str, Any]) -> int:
        """Run one INSERT and return the new row's integer ``id``."""
        if self.sqlite is not None:
            return int(self.sqlite.execute(sql, params).lastrowid or 0)
        return int(self.rows(sql + " RETURNING id", params)[0][0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; rolled back on any exception, KeyboardInterrupt included.

        A write the database refuses (disk full, read-only file) is rolled back and
        raised as a one-line :class:`StoreError`: nothing of the answer is kept.
        """
        if self.in_tx:
            yield
            return
        self.in_tx = True
        try:
            if self.sqlite is not None:
                self.sqlite.execute("BEGIN IMMEDIATE")
            yield
            if self.sqlite is not None:
                self.sqlite.execute("COMMIT")
            else:
                self.server.commit()
        except BaseException as error:
            self._rollback()
            if _refused_write(error):  # disk full, read-only file: one line, nothing kept
                raise StoreError(f"not saved, nothing changed: {_why(error)}") from error
            raise
        finally:
            self.in_tx = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that all see one moment of the database, whatever other sessions write.

        SQLite (WAL) keeps one read transaction's snapshot until it ends; a server
        needs a repeatable-read transaction. Nothing is written; it ends in a rollback.
        """
        if self.in_tx:
            yield
            return
        self.in_tx = True
        try:
            if self.sqlite is not None:
                self.sqlite.execute("BEGIN DEFERRED")
                self.sqlite.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            elif self.engine.dialect.name == "postgresql":
                from sqlalchemy import text

                self.server.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            yield
        finally:
            self.in_tx = False
            self._rollback()

    def _rollback(self) -> None:
        with suppress(Exception):  # a failed BEGIN or COMMIT may have nothing to roll back
            if self.sqlite is not None:
                if self.sqlite.in_transaction:
                    self.sqlite.execute("ROLLBACK")
            else:
                self.server.rollback()

    def table_names(self) -> set[str]:
        if self.sqlite is not None:
            return {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type='table'")}
        from sqlalchemy import inspect

        names = set(inspect(self.server).get_table_names())
        self.server.commit()
        return names

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        else:
            self.server.close()
            self.engine.dispose()


def _refused_write(error: BaseException) -> bool:
    """Whether ``error`` is the database driver refusing (not a bug in k8sprep)."""
    if isinstance(error, sqlite3.Error):
        return True
    return type(error).__module__.startswith("sqlalchemy.exc") and hasattr(error, "orig")


def _why(error: BaseException) -> str:
    text = driver_message(error)
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only"
    return text


def _inspect_sqlite_file(path: Path, *, older_ok: bool) -> None:
    """Refuse a file that is not a k8sprep database, without writing a byte to it."""
    if path.is_dir():
        raise StoreError(f"{path}: not a k8sprep database (a directory)")
    if not path.exists() or path.stat().st_size == 0:
        return
    # SQLite reads the file first: opening it from Python while this process holds a
    # connection to it would drop that connection's POSIX locks. The header is read
    # only to word the refusal of a file SQLite could not read.
    try:
        probe = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
            facts = dict(probe.execute("SELECT key, value FROM meta")) if "meta" in names else {}
        finally:
            probe.close()
    except sqlite3.OperationalError as error:  # a sound file the disk will not serve now
        raise StoreError(f"{path}: cannot open the database ({error})") from None
    except sqlite3.DatabaseError as error:
        if not has_sqlite_header(path):
            raise StoreError(f"{path}: not a k8sprep database (not an SQLite file)") from None
        raise StoreError(f"{path}: not a k8sprep database (unreadable SQLite: {error})") from None
    _check_meta(str(path), names, facts, older_ok=older_ok)


def _check_meta(
    where: str,
    names: set[str],
    facts: dict[str, str],
    *,
    older_ok: bool = True,
    server: bool = False,
) -> None:
    if not names:
        return
    if facts.get("application") != APPLICATION:
        kind = "a server database" if server else "an SQLite database"
        raise StoreError(f"{where}: not a k8sprep database ({kind} of another kind)")
    version = parse_version(facts.get("schema_version"), where)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: database schema version {version} is newer than this k8sprep "
            f"understands ({SCHEMA_VERSION}); upgrade k8sprep"
        )
    if version < SCHEMA_VERSION and not older_ok:
        raise SchemaUpgradeNeededError(where, version, SCHEMA_VERSION)


def connect(url: str, *, create: bool = True, older_ok: bool = False) -> Db:
    """Open the database at ``url``; with ``create`` False a missing or empty SQLite file
    is refused before anything (file, folder, ``-wal``) is made.

    Raises:
        NoDatabaseError: ``create`` is False and there is no database file.
        SchemaUpgradeNeededError: an SQLite file from an older release, read only and
            left untouched; ``older_ok`` (for the upgrade itself) lets it through.
        StoreError: the file is not a k8sprep database, or cannot be opened.
    """
    path = sqlite_path(url)
    if path is None:
        try:
            return Db(engine=make_engine(url))
        except Exception as error:  # driver missing, server down, bad URL
            raise StoreError(
                f"{shown_url(url)}: cannot open database ({driver_message(error)})"
            ) from None
    if path != ":memory:":
        file = Path(path)
        _inspect_sqlite_file(file, older_ok=older_ok)
        if not create and not (file.is_file() and file.stat().st_size > 0):
            raise NoDatabaseError(path)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{file}: cannot create the data directory ({error})") from None
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        sqlite_pragmas(connection)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open database ({error})") from None
    return Db(sqlite=connection)


def ensure_schema(db: Db, where: str, *, create: bool = True) -> None:
    """Create the tables on first use; check application and version otherwise.

    Raises:
        NoDatabaseError: ``create`` is False and the k8sprep tables are not there.
        SchemaUpgradeNeededError: a database from an older release, left untouched
            (see :mod:`flashcards.store.upgrade`).
        StoreError: not a k8sprep database, or one from a newer release.
    """
    names = db.table_names()
    if set(TABLE_NAMES) <= names:
        facts = dict(db.rows("SELECT key, value FROM meta"))
        _check_meta(where, names, facts, server=db.sqlite is None)
        version = parse_version(facts.get("schema_version"), where)
        if version < SCHEMA_VERSION:
            raise SchemaUpgradeNeededError(where, version, SCHEMA_VERSION)
        return
    if names:
        facts = dict(db.rows("SELECT key, value FROM meta")) if "meta" in names else {}
        _check_meta(where, names, facts, server=db.sqlite is None)
    if not create:
        raise NoDatabaseError(where)
    if db.sqlite is not None:
        with db.transaction():  # BEGIN IMMEDIATE: a second process creating at once waits
            if set(TABLE_NAMES) <= db.table_names():
                return
            create_sqlite_schema(db.sqlite)  # stdlib only: no SQLAlchemy before the first card
            _write_meta(db)
        return
    from sqlmodel import SQLModel

    SQLModel.metadata.create_all(db.engine, tables=tables().all)
    with db.transaction():
        _write_meta(db)


def _write_meta(db: Db) -> None:
    db.run(
        "INSERT INTO meta (key, value) VALUES (:key, :value)",
        [
            {"key": "application", "value": APPLICATION},
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        ],
    )
