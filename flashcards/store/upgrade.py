"""Upgrading a database written by an older release: a safety copy, then the migrations.

:meth:`Store.open <flashcards.store.database.Store.open>` never does this on its own;
it raises :class:`~flashcards.errors.SchemaUpgradeNeededError` and leaves the file as
it is. The caller decides: every ``k8sprep`` command upgrades, announcing it; a Python
caller runs :func:`upgrade` (``flashcards.upgrade``) and chooses where the copy goes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flashcards.errors import SchemaUpgradeNeededError, StoreError
from flashcards.store.backup.take import safety_copy
from flashcards.store.connection import connect, database_url, ensure_schema, shown_url, sqlite_path
from flashcards.store.migrations import UpgradeReport, read_version
from flashcards.store.migrations import upgrade as run_migrations


def upgrade(
    target: str | Path, *, backup_dir: Path | None, now: datetime | None = None
) -> UpgradeReport:
    """Bring the database at ``target`` (a path or URL) up to this release's schema.

    Args:
        target: the database, as for :meth:`Store.open`.
        backup_dir: where the ``pre-migration-v<N>-<time>.db`` copy of the database as
            it was goes before the first step; None takes no copy.
        now: the time recorded with each migration and in the copy's name (default:
            the clock; this is the one edge call that reads it when not told).

    Returns:
        What was done; ``applied`` is empty when the database was up to date.

    Raises:
        StoreError: not a k8sprep database, one from a newer release, the copy failed
            (nothing was changed), or a migration failed (rolled back to the last
            completed version).
    """
    url = database_url(target)
    where = sqlite_path(url) or shown_url(url)
    moment = now or datetime.now()
    old = _version_to_upgrade(url, where)
    if old is None:
        return UpgradeReport(*(2 * (_current_version(url, where),)))
    # The copy is taken while this process holds no connection to the database: reading
    # its header from Python would drop the POSIX locks such a connection holds.
    copy = _safety_copy(url, where, old, backup_dir, moment)
    db = connect(url, create=False, older_ok=True)
    try:
        return run_migrations(db, where, now=moment, backup=lambda _old: copy)
    finally:
        db.close()


def _version_to_upgrade(url: str, where: str) -> int | None:
    """The database's schema version when it needs upgrading, else None."""
    db = connect(url, create=False, older_ok=True)
    try:
        ensure_schema(db, where, create=False)
    except SchemaUpgradeNeededError as needed:
        return needed.version
    finally:
        db.close()
    return None


def _current_version(url: str, where: str) -> int:
    db = connect(url, create=False, older_ok=True)
    try:
        return read_version(db, where)
    finally:
        db.close()


def _safety_copy(
    url: str, where: str, old: int, backup_dir: Path | None, now: datetime
) -> Path | None:
    if backup_dir is None:
        return None
    try:
        return safety_copy(url, kind=f"pre-migration-v{old}", now=now, folder=backup_dir)
    except StoreError as error:
        raise StoreError(
            f"{where}: not upgraded, because the backup before upgrading failed ({error})"
        ) from None
