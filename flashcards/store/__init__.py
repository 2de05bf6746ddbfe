"""The review store: decks, cards, per-card SM-2 state and the append-only review log.

The log is the truth and the state a cache of it: every answer writes both in one
transaction (:meth:`Store.record_review`), committed before the next card shows and
rolled back on any exception, Ctrl-C included.

- :mod:`~flashcards.store.schema`: SQLModel tables (the only place SQLModel is used).
- :mod:`~flashcards.store.ddl`: what those tables compile to for SQLite, as SQL text.
- :mod:`~flashcards.store.connection`: opening SQLite files and other SQLAlchemy URLs.
- :mod:`~flashcards.store.database`: the :class:`Store` every command uses.
- :mod:`~flashcards.store.sync`, :mod:`~flashcards.store.answers`,
  :mod:`~flashcards.store.reports`: importing decks, answering, reading back.
- :mod:`~flashcards.store.exam`: the exam settings (a ``meta`` row) and its selections.
- :mod:`~flashcards.store.memory_states`, :mod:`~flashcards.store.scheduler_rule`: FSRS
  memory states replayed from the log (cached in ``meta``), and which scheduler set
  each answer's due date.
- :mod:`~flashcards.store.migrations`, :mod:`~flashcards.store.upgrade`: schema versions.
- :mod:`~flashcards.store.verify`, :mod:`~flashcards.store.history_io`,
  :mod:`~flashcards.store.backup`: checking, history files, backups and restores.
- :mod:`~flashcards.store.anki_sync`: progress out to Anki, Anki's answers merged back.

May import: the pure layers (:mod:`flashcards.parse`, :mod:`flashcards.schedule`),
:mod:`flashcards.model`, :mod:`flashcards.errors`, and :mod:`flashcards.files` (the data
directory, atomic writes). Never: the CLI or the exporters. Its modules form no import
cycle (``tests/test_core_purity.py`` checks), and nothing here prints.
"""

from flashcards.store.database import Store
from flashcards.store.schema import SCHEMA_VERSION, make_engine, schema_ddl, tables
from flashcards.store.values import Answer, CardState, StoredCard, SyncReport

__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "CardState",
    "Store",
    "StoredCard",
    "SyncReport",
    "make_engine",
    "schema_ddl",
    "tables",
]
