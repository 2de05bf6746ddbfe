"""Which decks exist, and where each comes from: the one answer every command uses.

A deck exists when it ships with k8sprep (the bundled decks) or when its cards are
in the review database (imported from any file). ``decks`` lists exactly these;
``export``, ``import``, ``review --deck``, ``drill`` and ``card`` name them through
:func:`find_known`, so a word that finds a deck in one command finds the same deck
in every other. A word is looked up among the imported decks first, then among
the bundled ones that are not imported: the decks a user studies win.

Where a deck comes from is the file the database remembers (``deck.source_path``,
recorded on every import), else, for a bundled deck, its bundled file.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.errors import NoDatabaseError, StoreError, UnknownDeckError

if TYPE_CHECKING:
    from flashcards.model import Deck
    from flashcards.store import Store


@dataclass(frozen=True)
class KnownDeck:
    """A deck that exists, with where it comes from."""

    slug: str
    name: str
    chapter: int
    source: Path | None
    """Its YAML file: the one it was last imported from, else its bundled file; None
    when the database holds its cards but not where they came from."""
    imported: bool
    """The database holds its (active) cards."""
    bundled: Deck | None
    """The bundled deck as read from its file, when it is one."""


def known_decks(store: Store | None, *, with_bundled: bool = True) -> list[KnownDeck]:
    """Every deck there is, in chapter order: the imported ones and the bundled ones.

    ``store`` None: no database (yet), so the bundled decks only. ``with_bundled``
    False reads the database alone (no YAML parsed), for a quick first look.
    """
    found: dict[str, KnownDeck] = {}
    if store is not None:
        sources = store.deck_sources()
        for slug, name, chapter in store.decks():
            found[slug] = KnownDeck(slug, name, chapter, sources.get(slug), True, None)
    for deck in _bundled() if with_bundled else []:
        slug = deck.chapter.slug
        path = Path(deck.path) if deck.path else None
        if slug in found:
            old = found[slug]  # a remembered file that is gone gives way to the bundled one
            there = old.source is not None and old.source.is_file()
            found[slug] = KnownDeck(
                slug, old.name, old.chapter, old.source if there else path, True, deck
            )
        else:
            found[slug] = KnownDeck(slug, deck.name, deck.chapter.number, path, False, deck)
    return sorted(found.values(), key=lambda known: (known.chapter, known.slug))


def find_known(store: Store | None, key: str) -> KnownDeck:
    """The deck a user means by ``key``: chapter number (``5``, ``05``), name, title or slug.

    Imported decks are searched first, from the database alone, so ``review --deck``
    parses no YAML when the deck is imported; then the bundled decks.

    Raises:
        UnknownDeckError: no deck answers to ``key``; the message lists those that exist.
    """
    from flashcards.files.decks import names_deck

    if store is not None:
        for known in known_decks(store, with_bundled=False):
            if names_deck(key, known.chapter, known.slug, known.name):
                return known
    every = known_decks(store)
    for known in every:
        if not known.imported and names_deck(key, known.chapter, known.slug, known.name):
            return known
    names = ", ".join(known.name for known in every) or "none"
    raise UnknownDeckError(f"no deck {key!r} (decks: {names})")


def deck_source(store: Store | None, slug: str) -> Path | None:
    """The YAML file of deck ``slug``: the one it was imported from, else its bundled file.

    None when neither is known (a deck imported before schema version 4 from a file
    of its own, or not a deck at all). The file may have been moved or deleted since.
    """
    if store is not None and (stored := store.deck_source(slug)) is not None:
        return stored
    for deck in _bundled():
        if deck.chapter.slug == slug and deck.path:
            return Path(deck.path)
    return None


def load_known(known: KnownDeck, store: Store | None, *, write_ids: bool = False) -> Deck:
    """The cards of ``known``, for ``export`` and ``import``.

    From its file while that file is there, so that ``export anki 3`` writes exactly
    what ``export anki decks/03-x.yaml`` writes: the YAML is what the user edits and
    what an Anki package has always been made from, edits not yet imported included.
    Once the file is gone (moved, deleted, a checkout cleaned), from the database's
    cards: they are then the only copy of the deck, and "no deck" would be wrong
    about a deck that ``decks`` lists and ``review`` studies.

    ``write_ids`` (``import``): the deck must come from its file, whose hand-added
    cards get their ids written; importing the database's own cards would change nothing.

    Raises:
        UnknownDeckError: the file is gone and the database holds no cards of it (or
            ``write_ids`` asks for the file).
    """
    from flashcards.files.decks import load_deck

    bundled = known.bundled
    if bundled is not None and not write_ids and str(known.source) == bundled.path:
        return bundled  # read already
    if known.source is not None and known.source.is_file():
        return load_deck(known.source, write_ids=write_ids)
    if known.bundled is not None and not write_ids:
        return known.bundled
    if store is not None and known.imported and not write_ids:
        from flashcards.model import ChapterInfo, Deck

        cards = tuple(store.deck_cards(known.slug))
        return Deck(known.name, ChapterInfo(known.chapter, known.slug, ""), cards)
    where = f" ({known.source} is gone)" if known.source is not None else ""
    raise UnknownDeckError(f"deck {known.name!r} has no file to read{where}")


def open_if_there(db: str | None, *, warn_missing: bool = False) -> Store | None:
    """The review database for reading deck names, or None while there is none.

    Deck names need no database: without one they are the bundled decks. So a
    database that is not there is none (``warn_missing``: saying so on stderr when the
    user named it), and one that cannot be opened counts as none too: ``export`` of a
    bundled deck must not start failing because of it.
    """
    from flashcards.cli.opening import open_to_read
    from flashcards.cli.output import echo

    try:
        return open_to_read(db)
    except NoDatabaseError as error:
        if warn_missing:
            echo(f"k8sprep: warning: {error}", err=True)
        return None
    except StoreError:
        return None


def short_path(path: Path | None, *, cwd: Path | None = None, home: Path | None = None) -> str:
    """``path`` as a person would type it: relative to ``cwd`` or ``~/...`` when shorter."""
    if path is None:
        return "(no file)"
    cwd = cwd or Path.cwd()
    home = home or Path.home()
    forms = [str(path)]
    with suppress(ValueError):
        forms.append(str(path.relative_to(cwd)))
    with suppress(ValueError):
        forms.append("~/" + str(path.relative_to(home)))
    return min(forms, key=len)


def _bundled() -> Sequence[Deck]:
    """The bundled decks; none when the bundled folder is missing or empty."""
    from flashcards.files.decks import load_decks

    try:
        return load_decks()
    except UnknownDeckError:
        return []
