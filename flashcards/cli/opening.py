"""Opening the review database for a command: the CLI's side of schema upgrades.

The library refuses to use a database from an older release until it is upgraded
(:class:`~flashcards.errors.SchemaUpgradeNeededError`). A command upgrades it there
and then, keeping the database as it was in ``backups/`` first, and says so on
stderr, since it happens inside whatever command the user ran.
"""

from __future__ import annotations

from flashcards.cli.output import echo
from flashcards.errors import NoDatabaseError, SchemaUpgradeNeededError
from flashcards.files import settings
from flashcards.store import Store


def open_store(db: str | None, *, create: bool = True) -> Store:
    """The database named by ``--db`` / ``$K8SPREP_DB`` / the default, upgraded if old.

    Raises:
        NoDatabaseError: ``create`` is False and there is no database yet.
        StoreError: see :meth:`Store.open` and :func:`flashcards.store.upgrade.upgrade`.
    """
    return open_url(settings.database_url(db), create=create)


def open_to_read(db: str | None) -> Store | None:
    """The database for a command that only reads it; None while the default one is not there.

    Before the first review the default database does not exist, and "nothing yet" is
    the answer (``due``, ``stats``, ``export``...). A database the user named (``--db``,
    ``$K8SPREP_DB``) that is not there is a typo to point out, not an empty history.

    Raises:
        NoDatabaseError: a named database does not exist; nothing was created.
        StoreError: see :func:`open_store`.
    """
    try:
        return open_store(db, create=False)
    except NoDatabaseError:
        if named_database(db):
            raise
        return None


def named_database(db: str | None) -> bool:
    """Whether the user chose the database (``--db`` or ``$K8SPREP_DB``), not the default."""
    import os

    return bool(db or os.environ.get("K8SPREP_DB"))


def open_url(url: str, *, create: bool = True) -> Store:
    """:func:`open_store` for a URL already resolved."""
    try:
        return Store.open(url, create=create)
    except SchemaUpgradeNeededError:
        pass
    # Loaded only for an old database: upgrading brings in backups, which every
    # command would otherwise import before its first line of output.
    from flashcards.store.migrations import describe
    from flashcards.store.upgrade import upgrade

    report = upgrade(url, backup_dir=settings.backups_dir(), now=settings.now())
    for line in describe(report):
        echo(f"k8sprep: {line}", err=True)
    return Store.open(url, create=create)
