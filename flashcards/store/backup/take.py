"""Taking backups: a consistent copy of the database, checked before it gets its name.

An SQLite database is copied with SQLite's online backup API, which reads one
consistent snapshot while a review session in another terminal keeps answering;
a server database is copied by :mod:`flashcards.store.backup.server`.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.errors import NoDatabaseError, StoreError
from flashcards.files import settings
from flashcards.store.backup import files
from flashcards.store.backup.check import DatabaseFacts, inspect_database
from flashcards.store.backup.server import copy_from_server, server_is_empty
from flashcards.store.connection import has_sqlite_header, is_database_file, sqlite_path
from flashcards.store.schema import BUSY_TIMEOUT_S

_UNREADABLE = re.compile(r"malformed|not a database|encrypted")
"""SQLite's words for a source file that is damaged or no database at all."""


@dataclass(frozen=True)
class BackupResult:
    """A backup written, and the old backups rotation removed."""

    facts: DatabaseFacts
    removed: tuple[Path, ...] = ()


def default_backup_dir() -> Path:
    """``backups/`` in the data directory."""
    return settings.backups_dir()


def take_backup(
    url: str,
    *,
    now: datetime,
    target: Path | None = None,
    keep: int = files.DEFAULT_KEEP,
    kind: str = files.BACKUP_KIND,
    folder: Path | None = None,
) -> BackupResult:
    """Back the database at ``url`` up to ``target``, or to a new timestamped file.

    With no ``target`` the file goes to ``folder`` (default :func:`default_backup_dir`)
    and only the newest ``keep`` backups of ``kind`` are kept there.

    Raises:
        NoDatabaseError: there is no database yet (no file or folder is created).
        StoreError: the target exists or is the database itself, or the copy could
            not be written (then no file is left behind).
    """
    _require_database(url)  # before any folder is made for the copy
    if target is None:
        folder = folder or default_backup_dir()
        files.make_dir(folder)
        files.remove_stale(folder)
        target = files.free_name(folder, kind, now)
        facts = copy_database(url, target)
        names = [p.name for p in folder.iterdir()]
        removed = tuple(
            folder / n for n in files.backups_to_remove(names, kind, keep, written=target.name)
        )
        for old in removed:
            old.unlink(missing_ok=True)
        return BackupResult(facts, removed)
    if target.exists() or target.is_symlink():
        raise StoreError(f"{target}: exists already; backups never overwrite a file")
    _refuse_database_files(url, target)
    files.make_dir(target.parent)
    return BackupResult(copy_database(url, target))


def safety_copy(
    url: str,
    *,
    kind: str,
    now: datetime,
    keep: int = files.DEFAULT_KEEP,
    folder: Path | None = None,
) -> Path | None:
    """A backup taken before a risky step (restore, upgrade) into ``folder`` (default
    :func:`default_backup_dir`); None for an in-memory database."""
    path = sqlite_path(url)
    if path == ":memory:" or (path is not None and not files.nonempty(Path(path))):
        return None
    folder = folder or default_backup_dir()
    if path is not None and not has_sqlite_header(Path(path)):
        return _raw_copy(Path(path), kind=kind, now=now, folder=folder)
    if path is None and server_is_empty(url):
        return None  # a fresh server database: nothing to keep
    return take_backup(url, now=now, keep=keep, kind=kind, folder=folder).facts.path


def _raw_copy(source: Path, *, kind: str, now: datetime, folder: Path) -> Path:
    """The bytes of a file that is no database (any more): kept as they are, just in case."""
    files.make_dir(folder)
    target = files.free_name(folder, kind, now)
    with files.temporary_beside(target) as temporary:
        try:
            shutil.copyfile(source, temporary)
        except OSError as error:
            raise StoreError(f"{source}: cannot copy ({error.strerror or error})") from None
        files.publish(temporary, target)
    return target


def copy_database(url: str, target: Path) -> DatabaseFacts:
    """A consistent copy of the database at ``url`` as a checked SQLite file ``target``.

    Raises:
        StoreError: see :func:`take_backup`.
    """
    path = sqlite_path(url)
    if path == ":memory:":
        raise StoreError("an in-memory database cannot be backed up")
    _require_database(url)
    with files.temporary_beside(target) as temporary:
        if path is not None:
            _refuse_database_files(url, target)
            _sqlite_copy(Path(path), temporary)
        else:
            copy_from_server(url, temporary)
        # A copy that fails its check is the database's fault: name the database.
        checked = inspect_database(temporary, shown=Path(path) if path is not None else target)
        facts = dataclasses.replace(checked, path=target)
        files.publish(temporary, target)
    return facts


def _refuse_database_files(url: str, target: Path) -> None:
    """A backup written over the database or its ``-journal``/``-wal``/``-shm`` breaks it."""
    path = sqlite_path(url)
    if path is not None and path != ":memory:" and is_database_file(Path(path), target):
        raise StoreError(f"{target}: is the database itself or one of its files; choose another")


def _require_database(url: str) -> None:
    """Refuse to back up an SQLite file that is missing or empty: there is nothing in it."""
    path = sqlite_path(url)
    if path is not None and path != ":memory:" and not files.nonempty(Path(path)):
        raise NoDatabaseError(path)
    if path is not None and path != ":memory:" and not has_sqlite_header(Path(path)):
        raise StoreError(f"{path}: not a k8sprep database (not an SQLite file); no backup written")


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
        if _UNREADABLE.search(str(error)):  # the database's fault, not the target's
            raise StoreError(f"{source}: backup not written: {error}") from None
        raise StoreError(f"backup not written: {files.write_failure(error)}") from None
    finally:
        src.close()
