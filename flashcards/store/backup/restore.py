"""Restoring a backup: rebuild it from checked rows, keep a safety copy, then swap at once.

A bad file is refused before anything changes; the live database is replaced in
one transaction, so other sessions see the old data or the new, never a mix, and
it never carries the backup's own schema (see :mod:`flashcards.store.backup.rebuild`).
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.store.backup import files
from flashcards.store.backup.check import DatabaseFacts, check_header
from flashcards.store.backup.rebuild import rebuild
from flashcards.store.backup.server import load_into_server
from flashcards.store.backup.take import default_backup_dir, safety_copy
from flashcards.store.connection import has_sqlite_header, is_database_file, sqlite_path
from flashcards.store.schema import BUSY_TIMEOUT_S


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what was loaded, where the replaced database was kept, and what
    the file held besides k8sprep's tables (left behind, never copied)."""

    facts: DatabaseFacts
    safety_copy: Path | None
    ignored: tuple[str, ...] = ()


def restore_database(
    url: str, source: Path, *, now: datetime, keep: int = files.DEFAULT_KEEP
) -> RestoreResult:
    """Replace the database at ``url`` with the rows of the backup ``source``.

    The backup is never used as it is: its rows are checked and copied into a fresh
    database made from k8sprep's own DDL, upgraded if the backup is older, and
    replay-checked (:mod:`flashcards.store.backup.rebuild`). Only when that database
    is complete and sound is the current one copied to ``backups/pre-restore-<time>.db``
    and its contents replaced, in one transaction (other sessions see the old data or
    the new, never a mix). Nothing after that step can fail the restore.

    Raises:
        StoreError: the file is not a sound k8sprep backup this release reads, or the
            database could not be replaced (then it is unchanged).
    """
    path = sqlite_path(url)
    if path == ":memory:":
        raise StoreError("cannot restore into an in-memory database")
    live = Path(path) if path is not None else None
    folder = live.parent if live is not None else default_backup_dir()
    files.make_dir(folder)
    files.remove_stale(folder)  # what a killed restore left
    check_header(source, source)
    if live is not None and is_database_file(live, source):
        raise StoreError(f"{source}: is the database itself; nothing to restore")
    prefix = folder / f".restore-{source.name}"
    with files.temporary_beside(prefix) as raw, files.temporary_beside(prefix) as work:
        _copy_with_companions(source, raw)  # never open (and so never touch) the user's file
        rebuilt = rebuild(raw, work, source, now=now)
        copy = safety_copy(url, kind=files.PRE_RESTORE_KIND, now=now, keep=keep)
        if live is None:
            load_into_server(url, work, now=now)
        else:
            _swap_sqlite(work, live)
    return RestoreResult(rebuilt.facts, copy, rebuilt.ignored)


def _copy_with_companions(source: Path, raw: Path) -> None:
    """Copy the file, and the ``-wal`` or ``-journal`` beside it, so SQLite reads them.

    A copy of a database in WAL mode may hold its newest answers only in the
    ``-wal`` file: reading the main file alone would restore less than it holds.
    A ``-journal`` beside it is a write that never finished, which SQLite rolls back.
    """
    try:
        shutil.copyfile(source, raw)
        for suffix in ("-wal", "-journal"):
            companion = Path(f"{source}{suffix}")
            if companion.is_file() and companion.stat().st_size > 0:
                shutil.copyfile(companion, Path(f"{raw}{suffix}"))
    except OSError as error:
        raise StoreError(f"{source}: cannot read ({error.strerror or error})") from None


def _swap_sqlite(work: Path, live: Path) -> None:
    if not files.nonempty(live) or not has_sqlite_header(live):
        # Nothing worth keeping in place (the safety copy has the bytes): move it in whole.
        for stale in (Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")):
            stale.unlink(missing_ok=True)
        files.publish(work, live)
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
        raise StoreError(
            f"{live}: not restored, left as it was ({files.write_failure(error)})"
        ) from None
