"""Reading and writing deck files: the I/O edge around :mod:`flashcards.deckfile`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from flashcards.deckfile import dump_deck, parse_deck
from flashcards.errors import DeckFileError, UnknownDeckError
from flashcards.model import Deck, slugify
from flashcards.settings import bundled_decks_dir

DECK_SUFFIXES = (".yaml", ".yml")


def load_deck(path: Path) -> Deck:
    """Read one deck file; every problem is reported with ``path:line``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DeckFileError(
            f"cannot read deck: {error.strerror or error}", path=str(path)
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DeckFileError("not UTF-8 text", path=str(path), line=line) from None
    return parse_deck(text, str(path))


def deck_paths(paths: Sequence[Path] = ()) -> list[Path]:
    """Deck files named by ``paths`` (folders expand to their YAML files, sorted).

    No paths means the bundled decks.
    """
    if not paths:
        paths = [bundled_decks_dir()]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in DECK_SUFFIXES))
        elif path.exists():
            found.append(path)
        else:
            raise UnknownDeckError(f"{path}: no such deck file or folder")
    return found


def load_decks(paths: Sequence[Path] = ()) -> list[Deck]:
    """Every deck named by ``paths`` (default: the bundled decks), in chapter order."""
    decks = [load_deck(path) for path in deck_paths(paths)]
    return sorted(decks, key=lambda deck: (deck.chapter.number, deck.name))


def find_deck(decks: Sequence[Deck], key: str) -> Deck:
    """The deck a user means by a chapter number (``5``, ``05``), name or slug."""
    wanted = key.strip()
    for deck in decks:
        if wanted.isdigit() and int(wanted) == deck.chapter.number:
            return deck
        if wanted.casefold() in (deck.name.casefold(), deck.chapter.slug, slugify(deck.name)):
            return deck
    known = ", ".join(deck.name for deck in decks) or "none"
    raise UnknownDeckError(f"no deck {key!r} (decks: {known})")


def deck_filename(deck: Deck) -> str:
    """``05-storage-in-kubernetes.yaml``: safe on every file system."""
    return f"{deck.chapter.number:02d}-{slugify(deck.chapter.slug or deck.chapter.title)}.yaml"


def write_deck(deck: Deck, folder: Path) -> Path:
    """Write a deck into ``folder`` atomically: readers see the old file or the new one."""
    target = folder / deck_filename(deck)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomically(target, dump_deck(deck))
    return target


def write_text_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``target``, then rename it over."""
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
