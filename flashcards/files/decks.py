"""Reading and writing deck files: the I/O edge around :mod:`flashcards.parse.deckfile`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from flashcards.errors import DeckFileError, UnknownDeckError
from flashcards.files.atomic import PublishBatch, temp_prefix, write_text_atomically
from flashcards.files.reading import MiB, read_regular_file
from flashcards.files.settings import bundled_decks_dir
from flashcards.files.tempfiles import remove_stale_temporaries, remove_stale_temporaries_of
from flashcards.model import Deck, slugify
from flashcards.parse.deckfile import dump_deck, parse_deck, with_missing_ids

DECK_SUFFIXES = (".yaml", ".yml")
MAX_SLUG_CHARS = 80
"""Longest title slug kept in a deck file name."""
MAX_FILENAME_BYTES = 255
"""The file-name limit of common file systems (ext4, APFS, NTFS)."""
MAX_DECK_BYTES = 16 * MiB
"""A chapter's deck is tens of kilobytes; a deck of thousands of cards a few MB."""


def load_deck(path: str | Path, *, write_ids: bool = False) -> Deck:
    """Read one deck file; every problem is reported with ``path:line``.

    ``write_ids``: cards added by hand without an ``id`` get theirs written into the
    file (only those lines change), so the id stays the same from now on.
    """
    path = Path(path)
    text = read_deck_text(path)
    if write_ids and (named := with_missing_ids(text, str(path))) is not None:
        try:
            write_text_atomically(path, named)
        except OSError as error:
            raise DeckFileError(
                f"cannot write the new card ids: {error.strerror or error}", path=str(path)
            ) from None
        text = named
    return replace(parse_deck(text, str(path)), path=str(path.resolve()))


def read_deck_text(path: Path) -> str:
    """The text of a deck file, unparsed.

    Raises:
        DeckFileError: the file cannot be read, is too large or is not UTF-8.
    """
    try:
        data = read_regular_file(path, MAX_DECK_BYTES)
    except OSError as error:
        raise DeckFileError(
            f"cannot read deck: {error.strerror or error}", path=str(path)
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DeckFileError("not UTF-8 text", path=str(path), line=line) from None


DeckPaths = str | Path | Sequence[str | Path]
"""One deck file or folder, or several."""


def deck_paths(paths: DeckPaths = ()) -> list[Path]:
    """Deck files named by ``paths`` (folders expand to their YAML files, sorted).

    No paths means the bundled decks. A folder without deck files is an error: run
    from the wrong place, ``k8sprep import decks`` would otherwise report success.
    """
    named = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not named:
        named = [bundled_decks_dir()]
    found: list[Path] = []
    for path in named:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in DECK_SUFFIXES)
            if not inside:
                suffixes = ", ".join(DECK_SUFFIXES)
                raise UnknownDeckError(f"{path}: no deck files ({suffixes}) in this folder")
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise UnknownDeckError(f"{path}: no such deck file or folder")
    seen: set[Path] = set()
    unique = []
    for path in found:  # a file named twice (itself and its folder) counts once
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def load_decks(paths: DeckPaths = (), *, write_ids: bool = False) -> list[Deck]:
    """Every deck named by ``paths`` (default: the bundled decks), in chapter order.

    ``write_ids`` as for :func:`load_deck`.

    Raises:
        DeckFileError: two files hold the same chapter (a copy left beside the
            original); the store could not tell which one to keep.
    """
    first_file: dict[str, Path] = {}
    decks = []
    for path in deck_paths(paths):
        deck = load_deck(path, write_ids=write_ids)
        first = first_file.setdefault(deck.chapter.slug, path)
        if first is not path:
            raise DeckFileError(
                f"chapter {deck.chapter.slug!r} is also the deck in {first}; "
                "keep one of the two files",
                path=str(path),
            )
        decks.append(deck)
    return sorted(decks, key=lambda deck: (deck.chapter.number, deck.name))


def find_deck(decks: Sequence[Deck], key: str) -> Deck:
    """The deck a user means by a chapter number (``5``, ``05``), name, title or slug."""
    for deck in decks:
        if names_deck(key, deck.chapter.number, deck.chapter.slug, deck.name):
            return deck
    known = ", ".join(deck.name for deck in decks) or "none"
    raise UnknownDeckError(f"no deck {key!r} (decks: {known})")


def names_deck(key: str, chapter: int, slug: str, name: str) -> bool:
    """Whether ``key`` names the deck of ``chapter``, ``slug`` and ``name``.

    Names are compared as slugs, so ``"Storage in Kubernetes"`` finds the deck
    ``05 Storage in Kubernetes`` whose slug is ``storage-in-kubernetes``.
    """
    wanted = key.strip()
    if wanted.isdigit() and int(wanted) == chapter:
        return True
    return bool(wanted) and slugify(wanted) in (slug, slugify(name))


def deck_filename(deck: Deck) -> str:
    """``05-storage-in-kubernetes.yaml``: safe on every file system.

    The slug is ASCII letters, digits and dashes only (no ``/``, ``..`` or NUL), is cut
    to :data:`MAX_SLUG_CHARS` so the name stays far below the 255-byte limit, and always
    follows the chapter number, so it can never be a Windows device name such as ``CON``.
    """
    slug = slugify(deck.chapter.slug or deck.chapter.title)[:MAX_SLUG_CHARS].rstrip("-")
    return f"{deck.chapter.number:02d}-{slug or 'chapter'}.yaml"


def write_deck(
    deck: Deck, folder: Path, text: str | None = None, *, batch: PublishBatch | None = None
) -> Path:
    """Write a deck into ``folder`` atomically: readers see the old file or the new one.

    ``text``: the deck's ``dump_deck`` text, when the caller has it already. ``batch``:
    the deck is published with the batch's other files when it ends (a batch's caller
    calls :func:`remove_stale_deck_temporaries` once for them all); without one, it is
    published now, after removing what a killed write of this deck left.

    Raises:
        DeckFileError: the deck's file name would not be a plain name inside ``folder``,
            or the file cannot be written (disk full, read-only folder).
    """
    name = deck_filename(deck)
    target = folder / name
    if len(name.encode()) > MAX_FILENAME_BYTES or Path(name).name != name or "\x00" in name:
        raise DeckFileError("not written: unsafe deck file name", path=_clip(name))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.resolve().parent != folder.resolve():
            raise DeckFileError(
                f"not written: the deck file would land outside {folder}", path=name
            )
        text = dump_deck(deck) if text is None else text
        if batch is not None:
            batch.write_text(target, text)
        else:
            remove_stale_temporaries(folder, temp_prefix(target))  # left by a killed build
            write_text_atomically(target, text)
    except OSError as error:  # disk full, read-only folder: the old deck stays as it was
        raise DeckFileError(
            f"deck not written: {error.strerror or error}", path=str(target)
        ) from None
    return target


def remove_stale_deck_temporaries(folder: Path) -> None:
    """Remove what killed writes of any deck in ``folder`` left, in one pass (best effort)."""
    remove_stale_temporaries_of(folder, DECK_SUFFIXES)


def _clip(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
