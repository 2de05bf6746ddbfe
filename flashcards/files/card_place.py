"""Where a card is written: its deck file and the line of its ``id``, for ``e`` in the review.

The file the deck was last imported from (``deck.source_path``, which the caller
passes in) comes first. A database written before that was recorded, or a file
moved since, falls back to where deck files are kept: the current folder, its
``decks/`` folder, and the bundled decks. A file counts when it is the deck's (its
chapter ``slug``) and holds the card's ``id``; when none does the review says so.
:func:`find_card` is the one place that decides this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flashcards.files.decks import DECK_SUFFIXES, MAX_DECK_BYTES
from flashcards.files.reading import read_regular_file
from flashcards.files.settings import bundled_decks_dir


@dataclass(frozen=True)
class CardPlace:
    """A card's deck file and the 1-based line its ``id:`` is on."""

    path: Path
    line: int


def find_card(
    deck_slug: str, card_id: str, *, source: Path | None = None, cwd: Path | None = None
) -> CardPlace | None:
    """The deck file of ``deck_slug`` that holds ``card_id``, and the card's line; or None.

    ``source`` is the file the deck was imported from, tried first.
    """
    here = Path.cwd() if cwd is None else cwd
    candidates = [] if source is None else [source]
    for folder in (here, here / "decks", bundled_decks_dir()):
        if folder.is_dir():
            candidates += sorted(p for p in folder.iterdir() if p.suffix in DECK_SUFFIXES)
    for path in candidates:
        try:
            text = read_regular_file(path, MAX_DECK_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        line = card_line(text, card_id)
        if line is not None and _is_deck(text, deck_slug):
            return CardPlace(path.resolve(), line)
    return None


def card_line(text: str, card_id: str) -> int | None:
    """The 1-based line of deck YAML ``text`` that sets ``id: card_id``, or None."""
    quoted = rf"(['\"]?){re.escape(card_id)}\1"
    found = re.search(rf"^[ \t]*(?:-[ \t]+)?id:[ \t]*{quoted}[ \t]*(?:#.*)?$", text, re.MULTILINE)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def _is_deck(text: str, slug: str) -> bool:
    """Whether ``text`` is the deck file of chapter ``slug`` (its ``slug:`` line)."""
    quoted = rf"(['\"]?){re.escape(slug)}\1"
    return re.search(rf"^[ \t]+slug:[ \t]*{quoted}[ \t]*(?:#.*)?$", text, re.MULTILINE) is not None
