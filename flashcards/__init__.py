"""k8sprep: Kubernetes tutorial chapters in, spaced-repetition flashcards out.

The public API, in the order a chapter travels::

    import flashcards as fc

    chapter = fc.parse_chapter(text)                     # chapter text -> Chapter
    deck = fc.build_deck(chapter, source_file="05-storage-in-kubernetes.txt")
    text = fc.dump_deck(deck)                            # Deck <-> YAML text
    assert fc.parse_deck(text) == deck
    decks = fc.load_decks("decks/")                      # deck files: a file or a folder
    state = fc.review(fc.SM2State(), 4)                  # the pure SM-2 step
    with fc.Store.open("k8sprep.db") as store:           # a path, a Path or an SQLAlchemy URL
        store.sync_decks(decks)
    fc.export("anki", decks, "k8sprep.apkg")             # also "csv" and "markdown"

Every error meant for a person is a :class:`K8sprepError`. Names listed in
``__all__`` are stable; everything else is internal and may move. The store and
the exporters load on first use, so ``import flashcards`` stays light (no SQLAlchemy,
SQLModel, Typer or genanki).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashcards.errors import (
    ChapterError,
    ConfigError,
    DeckFileError,
    ExportError,
    HistoryFileError,
    K8sprepError,
    NoDatabaseError,
    SchemaUpgradeNeededError,
    StoreError,
    UnknownCardError,
    UnknownDeckError,
)
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source

if TYPE_CHECKING:
    from exporters.base import ExportResult
    from flashcards.drill.grading import grade_answer
    from flashcards.files.decks import load_deck, load_decks
    from flashcards.parse.cards import build_deck
    from flashcards.parse.chapter import Chapter, ParsedChapter, ParseWarning
    from flashcards.parse.deckfile import dump_deck, parse_deck
    from flashcards.schedule.answer import answer_card
    from flashcards.schedule.records import CardState
    from flashcards.schedule.sm2 import SM2State, review
    from flashcards.store.database import Store
    from flashcards.store.upgrade import upgrade

__version__ = "0.1.0"

__all__ = [
    "Card",
    "CardState",
    "Chapter",
    "ChapterError",
    "ChapterInfo",
    "ConfigError",
    "Deck",
    "DeckFileError",
    "ExportError",
    "HistoryFileError",
    "K8sprepError",
    "Kind",
    "NoDatabaseError",
    "ParseWarning",
    "ParsedChapter",
    "SM2State",
    "SchemaUpgradeNeededError",
    "Source",
    "Store",
    "StoreError",
    "UnknownCardError",
    "UnknownDeckError",
    "__version__",
    "answer_card",
    "build_deck",
    "dump_deck",
    "export",
    "grade_answer",
    "load_deck",
    "load_decks",
    "parse_chapter",
    "parse_deck",
    "read_chapter",
    "review",
    "upgrade",
]

_LAZY = {
    "Chapter": "flashcards.parse.chapter",
    "ParsedChapter": "flashcards.parse.chapter",
    "ParseWarning": "flashcards.parse.chapter",
    "build_deck": "flashcards.parse.cards",
    "dump_deck": "flashcards.parse.deckfile",
    "parse_deck": "flashcards.parse.deckfile",
    "load_deck": "flashcards.files.decks",
    "load_decks": "flashcards.files.decks",
    "SM2State": "flashcards.schedule.sm2",
    "review": "flashcards.schedule.sm2",
    "answer_card": "flashcards.schedule.answer",
    "CardState": "flashcards.schedule.records",
    "Store": "flashcards.store.database",
    "upgrade": "flashcards.store.upgrade",
    "grade_answer": "flashcards.drill.grading",
}
"""Public name -> the module that defines it, imported when the name is first used."""


def __getattr__(name: str) -> Any:
    """Load the module behind a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flashcards' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def parse_chapter(text: str, path: str = "<chapter>") -> Chapter:
    """A chapter from its text: the site's copy (headings ending in ``¶``) or Markdown.

    Text the parser cannot place is reported by :func:`read_chapter`, which returns
    the warnings too.

    Raises:
        ChapterError: the text is empty, binary, far too large, or has no title.
    """
    return read_chapter(text, path).chapter


def read_chapter(text: str, path: str = "<chapter>") -> ParsedChapter:
    """A chapter and the warnings (text it could not place, with lines) met reading it.

    Raises:
        ChapterError: see :func:`parse_chapter`.
    """
    from flashcards.parse.chapter import parse_chapter as parse

    return parse(text, path)


def export(
    format: str,
    decks: Sequence[Deck],
    out: str | Path,
    *,
    root: str | None = None,
    now: int = 0,
    ledger_path: str | Path | None = None,
) -> ExportResult:
    """Write ``decks`` to ``out`` as ``"anki"`` (.apkg), ``"csv"`` or ``"markdown"``.

    Args:
        format: the format's name.
        decks: the decks to write.
        out: the file to (re)place; it is replaced only once fully written.
        root: the parent deck in Anki (default ``K8s Interview Prep``).
        now: epoch seconds stamped on Anki notes that changed (0: a fixed stamp).
        ledger_path: the Anki ledger that keeps unchanged notes' stamps across
            exports, so re-imports update in place; None keeps none.

    Raises:
        ExportError: an unknown format, or the file cannot be written.
    """
    from exporters import EXPORTERS
    from exporters.base import DEFAULT_ROOT, ExportOptions

    if format not in EXPORTERS:
        raise ExportError(f"no export format {format!r} (formats: {', '.join(EXPORTERS)})")
    options = ExportOptions(
        root=DEFAULT_ROOT if root is None else root,
        now=now,
        ledger_path=None if ledger_path is None else Path(ledger_path),
    )
    return EXPORTERS[format](list(decks), Path(out), options)
