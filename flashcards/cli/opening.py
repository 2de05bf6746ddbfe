"""Opening the review database for a command: the CLI's side of schema upgrades.

The library refuses to use a database from an older release until it is upgraded
(:class:`~flashcards.errors.SchemaUpgradeNeededError`). A command upgrades it there
and then, keeping the database as it was in ``backups/`` first, and says so on
stderr, since it happens inside whatever command the user ran.
"""

from __future__ import annotations

from flashcards.cli.output import echo
from flashcards.errors import SchemaUpgradeNeededError
from flashcards.files import settings
from flashcards.store import Store


def open_store(db: str | None, *, create: bool = True) -> Store:
    """The database named by ``--db`` / ``$K8SPREP_DB`` / the default, upgraded if old.

    Raises:
        NoDatabaseError: ``create`` is False and there is no database yet.
        StoreError: see :meth:`Store.open` and :func:`flashcards.store.upgrade.upgrade`.
    """
    return open_url(settings.database_url(db), create=create)


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

    report = upgrade(url, backup_dir=settings.data_dir() / "backups", now=settings.now())
    for line in describe(report):
        echo(f"k8sprep: {line}", err=True)
    return Store.open(url, create=create)
