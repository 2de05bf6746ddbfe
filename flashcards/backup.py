"""Backups and restores of the review database: consistent copies that restore for real.

A backup is one self-contained SQLite file (no ``-wal`` beside it), checked before it
is given its name, so a file in ``backups/`` is always a complete, valid database:

- An SQLite database is copied with SQLite's online backup API, which reads one
  consistent snapshot while a review session in another terminal keeps answering.
- A database behind another SQLAlchemy URL (PostgreSQL) is copied table by table,
  inside one repeatable-read transaction, into an SQLite file of the same layout: a
  portable format that ``restore`` loads back into any backend.

Restoring checks the file first (SQLite, integrity, a k8sprep database, a schema
version this release reads), keeps a safety copy of the current database, then
swaps the contents in one transaction: a bad file is refused and nothing changes.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flashcards.errors import StoreError
from flashcards.migrations import LATEST_VERSION, pending, reason, sqlite_layout, upgrade
from flashcards.store.connection import Db, sqlite_path
from flashcards.store.schema import APPLICATION, BUSY_TIMEOUT_S, TABLE_NAMES

DEFAULT_KEEP = 10
"""Backups kept in the backup folder when neither ``--keep`` nor ``backups_keep`` says."""

BACKUP_KIND = "k8sprep"
PRE_RESTORE_KIND = "pre-restore"
SUFFIX = ".db"
_SQLITE_HEADER = b"SQLite format 3\x00"
_STAMP = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")

COPY_ORDER = ("meta", "deck", "card", "card_state", "review_log")
"""Tables in the order rows can be inserted with foreign keys on (parents first)."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a checked database file holds."""

    path: Path
    schema_version: int
    decks: int
    cards: int
    answers: int

    def summary(self) -> str:
        return (
            f"schema version {self.schema_version}, {self.decks} decks, "
            f"{self.cards} cards, {self.answers} answers"
        )


@dataclass(frozen=True)
class BackupResult:
    """A backup written, and the old backups rotation removed."""

    facts: DatabaseFacts
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what was loaded, and where the replaced database was kept."""

    facts: DatabaseFacts
    safety_copy: Path | None


# --- names and rotation (pure)


def backup_filename(kind: str, now: datetime, attempt: int = 0) -> str:
    """``k8sprep-20261126-093000.db``; a second backup in the same second gets ``-2``."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return f"{kind}-{stamp}{'' if attempt < 2 else f'-{attempt}'}{SUFFIX}"


def backups_of_kind(names: list[str], kind: str) -> list[str]:
    """The names in ``names`` that :func:`backup_filename` made for ``kind``, oldest first."""
    found = []
    for name in names:
        if name.startswith(f"{kind}-") and name.endswith(SUFFIX):
            stamp = name[len(kind) + 1 : -len(SUFFIX)]
            if _STAMP.match(stamp):
                found.append(name)

    def order(name: str) -> tuple[str, int]:
        stamp = name[len(kind) + 1 : -len(SUFFIX)]
        base, _, attempt = stamp[:15], stamp[15:16], stamp[16:]
        return base, int(attempt or 0)

    return sorted(found, key=order)


def backups_to_remove(names: list[str], kind: str, keep: int) -> list[str]:
    """The oldest backups of ``kind`` beyond the newest ``keep``."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    mine = backups_of_kind(names, kind)
    return mine[: max(0, len(mine) - keep)]


# --- taking backups


def default_backup_dir() -> Path:
    """``backups/`` in the data directory."""
    from flashcards import settings

    return settings.data_dir() / "backups"


def take_backup(
    url: str,
    *,
    now: datetime,
    target: Path | None = None,
    keep: int = DEFAULT_KEEP,
    kind: str = BACKUP_KIND,
    folder: Path | None = None,
) -> BackupResult:
    """Back the database at ``url`` up to ``target``, or to a new timestamped file.

    With no ``target`` the file goes to ``folder`` (default :func:`default_backup_dir`)
    and only the newest ``keep`` backups of ``kind`` are kept there.

    Raises:
        StoreError: nothing to back up, the target exists or is the database itself,
            or the copy could not be written (then no file is left behind).
    """
    if target is None:
        folder = folder or default_backup_dir()
        _make_dir(folder)
        target = _free_name(folder, kind, now)
        facts = copy_database(url, target)
        names = [p.name for p in folder.iterdir()]
        removed = tuple(folder / n for n in backups_to_remove(names, kind, keep))
        for old in removed:
            old.unlink(missing_ok=True)
        return BackupResult(facts, removed)
    if target.exists() or target.is_symlink():
        raise StoreError(f"{target}: exists already; backups never overwrite a file")
    _make_dir(target.parent)
    return BackupResult(copy_database(url, target))


def safety_copy(url: str, *, kind: str, now: datetime, keep: int = DEFAULT_KEEP) -> Path | None:
    """A backup taken before a risky step (restore, upgrade); None for an in-memory database."""
    path = sqlite_path(url)
    if path == ":memory:" or (path is not None and not _nonempty(Path(path))):
        return None
    if path is not None and not _is_sqlite(Path(path)):
        return _raw_copy(Path(path), kind=kind, now=now)
    return take_backup(url, now=now, keep=keep, kind=kind).facts.path


def _raw_copy(source: Path, *, kind: str, now: datetime) -> Path:
    """The bytes of a file that is no database (any more): kept as they are, just in case."""
    folder = default_backup_dir()
    _make_dir(folder)
    target = _free_name(folder, kind, now)
    with _temporary_beside(target) as temporary:
        try:
            shutil.copyfile(source, temporary)
        except OSError as error:
            raise StoreError(f"{source}: cannot copy ({error.strerror or error})") from None
        _publish(temporary, target)
    return target


def copy_database(url: str, target: Path) -> DatabaseFacts:
    """A consistent copy of the database at ``url`` as a checked SQLite file ``target``.

    Raises:
        StoreError: see :func:`take_backup`.
    """
    path = sqlite_path(url)
    if path == ":memory:":
        raise StoreError("an in-memory database cannot be backed up")
    with _temporary_beside(target) as temporary:
        if path is not None:
            source = Path(path)
            if not _nonempty(source):
                raise StoreError(f"{source}: no database to back up")
            if target.resolve() == source.resolve():
                raise StoreError(f"{target}: is the database itself; choose another file")
            _sqlite_copy(source, temporary)
        else:
            _engine_copy(url, temporary)
        facts = inspect_database(temporary, shown=target)
        _publish(temporary, target)
    return facts


def _sqlite_copy(source: Path, temporary: Path) -> None:
    try:
        src = sqlite3.connect(
            f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as error:
        raise StoreError(f"{source}: cannot open the database to back it up ({error})") from None
    try:
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise StoreError(f"backup not written: {_reason(error)}") from None
    finally:
        src.close()


def _engine_copy(url: str, temporary: Path) -> None:
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
                    found = dict(
                        tuple(r) for r in conn.execute(text("SELECT key, value FROM meta"))
                    )
                    if found.get("application") != APPLICATION:
                        raise StoreError(f"{_safe_url(url)}: not a k8sprep database")
                    version = int(found.get("schema_version", "0"))
                    pending(version, where=_safe_url(url))
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
        raise StoreError(f"backup not written: {_reason(error)}") from None
    except StoreError:
        raise
    except Exception as error:  # driver or server errors
        raise StoreError(
            f"{_safe_url(url)}: cannot back up the database ({reason(error)})"
        ) from None
    finally:
        dst.close()


# --- checking a file


def inspect_database(path: Path, *, shown: Path | None = None) -> DatabaseFacts:
    """Check that ``path`` is a sound k8sprep database this release can read.

    Opens the file read-only and changes nothing; see :func:`_check_open`.

    Raises:
        StoreError: not a file, not SQLite, damaged, not k8sprep, or from a newer release.
    """
    name = shown or path
    _check_header(path, name)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"{name}: cannot open ({error})") from None
    try:
        return _check_open(connection, name)
    finally:
        connection.close()


def _check_header(path: Path, name: Path) -> None:
    if not path.is_file():
        raise StoreError(f"{name}: no such file")
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise StoreError(f"{name}: not a k8sprep database (not an SQLite file)")


def _check_open(connection: sqlite3.Connection, name: Path) -> DatabaseFacts:
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


# --- restoring


def restore_database(
    url: str, source: Path, *, now: datetime, keep: int = DEFAULT_KEEP
) -> RestoreResult:
    """Replace the database at ``url`` with the backup ``source``, keeping a safety copy.

    The backup is copied and checked first; an older schema is upgraded on the copy.
    Only then is the current database copied to ``backups/pre-restore-<time>.db`` and
    its contents replaced in one transaction (other sessions see the old data or the
    new, never a mix).

    Raises:
        StoreError: the file is not a sound k8sprep backup this release reads, or the
            database could not be replaced (then it is unchanged).
    """
    path = sqlite_path(url)
    if path == ":memory:":
        raise StoreError("cannot restore into an in-memory database")
    live = Path(path) if path is not None else None
    folder = live.parent if live is not None else default_backup_dir()
    _make_dir(folder)
    with _temporary_beside(folder / f".restore-{source.name}") as work:
        _check_header(source, source)
        try:
            shutil.copyfile(source, work)  # never open (and so never touch) the user's file
        except OSError as error:
            raise StoreError(f"{source}: cannot read ({error.strerror or error})") from None
        facts = _prepare(work, source, now)
        if live is not None and live.exists() and live.resolve() == source.resolve():
            raise StoreError(f"{source}: is the database itself; nothing to restore")
        copy = safety_copy(url, kind=PRE_RESTORE_KIND, now=now, keep=keep)
        if live is None:
            _load_into_engine(url, work)
        else:
            _swap_sqlite(work, live)
            _confirm(live, facts)
    return RestoreResult(facts, copy)


def _prepare(work: Path, source: Path, now: datetime) -> DatabaseFacts:
    """Check the working copy, and upgrade it to the current schema."""
    connection = sqlite3.connect(work, isolation_level=None)
    try:
        facts = _check_open(connection, source)
        if facts.schema_version < LATEST_VERSION:
            upgrade(Db(sqlite=connection), str(source), now=now)
        connection.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{source}: damaged or not a database ({error})") from None
    finally:
        connection.close()
    return facts


def _swap_sqlite(work: Path, live: Path) -> None:
    if not _nonempty(live) or not _is_sqlite(live):
        # Nothing worth keeping in place (the safety copy has the bytes): move it in whole.
        for stale in (Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")):
            stale.unlink(missing_ok=True)
        _publish(work, live)
        return
    try:
        target = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
        try:
            page_size = target.execute("PRAGMA page_size").fetchone()[0]
            source = sqlite3.connect(work, isolation_level=None)
            try:
                if source.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    source.execute(f"PRAGMA page_size = {int(page_size)}")
                    source.execute("VACUUM")  # a WAL database keeps its page size
                source.backup(target)  # one write transaction on the live database
            finally:
                source.close()
        finally:
            target.close()
    except sqlite3.Error as error:
        raise StoreError(f"{live}: not restored, left as it was ({_reason(error)})") from None


def _load_into_engine(url: str, work: Path) -> None:
    """Replace every k8sprep row of a server database with the backup's, in one transaction."""
    from sqlalchemy import text

    from flashcards.store import Store

    Store.open(url).close()  # create or upgrade the tables first
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
            f"{_safe_url(url)}: not restored, left as it was ({reason(error)})"
        ) from None
    finally:
        source.close()


_BOOL_COLUMNS = {"card": {"retired"}, "card_state": {"suspended"}, "review_log": {"redrill"}}


def _bools(table: str, columns: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite keeps booleans as 0/1; a server's boolean columns want real booleans."""
    flags = _BOOL_COLUMNS.get(table, set())
    return tuple(
        bool(value) if name in flags and value is not None else value
        for name, value in zip(columns, row, strict=True)
    )


def _confirm(live: Path, facts: DatabaseFacts) -> None:
    """Read the restored database back: the same counts as the backup, and sound."""
    restored = inspect_database(live)
    if (restored.decks, restored.cards, restored.answers) != (
        facts.decks,
        facts.cards,
        facts.answers,
    ):
        raise StoreError(f"{live}: restored counts differ from the backup ({restored.summary()})")


# --- files


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A fresh temporary file name in ``target``'s folder, removed unless published."""
    _make_dir(target.parent)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise StoreError(
            f"{target.parent}: cannot write here ({error.strerror or error})"
        ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (temporary, Path(f"{temporary}-journal"), Path(f"{temporary}-wal")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        with suppress(OSError):
            Path(f"{temporary}-shm").unlink(missing_ok=True)


def _publish(temporary: Path, target: Path) -> None:
    """Flush ``temporary`` to disk and rename it to ``target`` in one step."""
    try:
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as error:
        raise StoreError(f"{target}: not written ({error.strerror or error})") from None


def _free_name(folder: Path, kind: str, now: datetime) -> Path:
    attempt = 0
    while (folder / backup_filename(kind, now, attempt)).exists():
        attempt = 2 if attempt == 0 else attempt + 1
    return folder / backup_filename(kind, now, attempt)


def _make_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"{folder}: cannot create the folder ({error.strerror or error})"
        ) from None


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER


def _reason(error: Exception) -> str:
    text = reason(error)
    return "disk full" if "full" in text else text


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
