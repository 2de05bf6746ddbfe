"""Restoring a backup: check the file, keep a safety copy, then swap the contents at once.

A bad file is refused before anything changes; the live database is replaced in
one transaction, so other sessions see the old data or the new, never a mix.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.store.backup import files
from flashcards.store.backup.check import DatabaseFacts, check_header, check_open, inspect_database
from flashcards.store.backup.server import load_into_server
from flashcards.store.backup.take import default_backup_dir, safety_copy
from flashcards.store.connection import Db, has_sqlite_header, sqlite_path
from flashcards.store.migrations import LATEST_VERSION, upgrade
from flashcards.store.schema import BUSY_TIMEOUT_S


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what was loaded, and where the replaced database was kept."""

    facts: DatabaseFacts
    safety_copy: Path | None


def restore_database(
    url: str, source: Path, *, now: datetime, keep: int = files.DEFAULT_KEEP
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
    files.make_dir(folder)
    with files.temporary_beside(folder / f".restore-{source.name}") as work:
        check_header(source, source)
        try:
            shutil.copyfile(source, work)  # never open (and so never touch) the user's file
        except OSError as error:
            raise StoreError(f"{source}: cannot read ({error.strerror or error})") from None
        facts = _prepare(work, source, now)
        if live is not None and live.exists() and live.resolve() == source.resolve():
            raise StoreError(f"{source}: is the database itself; nothing to restore")
        copy = safety_copy(url, kind=files.PRE_RESTORE_KIND, now=now, keep=keep)
        if live is None:
            load_into_server(url, work, now=now)
        else:
            _swap_sqlite(work, live)
            _confirm(live, facts)
    return RestoreResult(facts, copy)


def _prepare(work: Path, source: Path, now: datetime) -> DatabaseFacts:
    """Check the working copy, and upgrade it to the current schema."""
    connection = sqlite3.connect(work, isolation_level=None)
    try:
        facts = check_open(connection, source)
        if facts.schema_version < LATEST_VERSION:
            upgrade(Db(sqlite=connection), str(source), now=now)
        connection.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{source}: damaged or not a database ({error})") from None
    finally:
        connection.close()
    return facts


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


def _confirm(live: Path, facts: DatabaseFacts) -> None:
    """Read the restored database back: the same counts as the backup, and sound."""
    restored = inspect_database(live)
    if (restored.decks, restored.cards, restored.answers) != (
        facts.decks,
        facts.cards,
        facts.answers,
    ):
        raise StoreError(f"{live}: restored counts differ from the backup ({restored.summary()})")
