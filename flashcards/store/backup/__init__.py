"""Backups and restores of the review database: consistent copies that restore for real.

A backup is one self-contained SQLite file (no ``-wal`` beside it), checked before it
is given its name, so a file in ``backups/`` is always a complete, valid database:

- An SQLite database is copied with SQLite's online backup API, which reads one
  consistent snapshot while a review session in another terminal keeps answering
  (:mod:`~flashcards.store.backup.take`).
- A database behind another SQLAlchemy URL (PostgreSQL) is copied table by table,
  inside one repeatable-read transaction, into an SQLite file of the same layout: a
  portable format that ``restore`` loads back into any backend
  (:mod:`~flashcards.store.backup.server`).

Restoring checks the file first (:mod:`~flashcards.store.backup.check`: SQLite, integrity,
a k8sprep database, a schema version this release reads), keeps a safety copy of the
current database, then swaps the contents in one transaction: a bad file is refused
and nothing changes (:mod:`~flashcards.store.backup.restore`). Names, rotation and atomic
writes are :mod:`~flashcards.store.backup.files`.
"""

from flashcards.store.backup.check import DatabaseFacts, inspect_database
from flashcards.store.backup.files import DEFAULT_KEEP, backup_filename, backups_to_remove
from flashcards.store.backup.restore import RestoreResult, restore_database
from flashcards.store.backup.take import BackupResult, safety_copy, take_backup

__all__ = [
    "DEFAULT_KEEP",
    "BackupResult",
    "DatabaseFacts",
    "RestoreResult",
    "backup_filename",
    "backups_to_remove",
    "inspect_database",
    "restore_database",
    "safety_copy",
    "take_backup",
]
