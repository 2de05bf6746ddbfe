"""Arguments and options several commands share, defined once, and what they mean.

``DECK...`` arguments all resolve through :func:`select_decks`, so ``import``,
``export`` and every later command agree on which decks a word names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashcards.errors import UnknownDeckError
from flashcards.files import settings
from flashcards.model import Deck

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database file or SQLAlchemy URL (default: $K8SPREP_DB, else k8sprep.db "
        "in the data directory).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]

DecksArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="DECK...",
        help="Deck files or folders, or bundled decks by chapter number or name "
        "(default: all bundled decks).",
        show_default=False,
    ),
]


def select_decks(
    args: list[str], *, write_ids: bool = False, db: str | None = None, every_known: bool = False
) -> list[Deck]:
    """The decks named on the command line: files and folders load, other words name a
    deck that exists (:func:`flashcards.cli.catalog.find_known`: imported or bundled).

    No words: the bundled decks, or with ``every_known`` (``export``) every deck that
    exists, imported ones included. ``db``: the database whose decks count (read only,
    and only when a word needs it). ``write_ids`` (``import``): hand-added cards without
    an id get one written into their file.

    Raises:
        UnknownDeckError: a word that is neither an existing path nor a deck.
        DeckFileError, DeckProblems: a deck file that does not parse.
    """
    from flashcards.cli.catalog import find_known, known_decks, load_known, open_if_there
    from flashcards.files.decks import load_decks

    if not args and not every_known:
        decks = load_decks()
        if not decks:
            raise UnknownDeckError(f"no bundled decks found in {settings.bundled_decks_dir()}")
        return decks
    words = [arg for arg in args if not (Path(arg).exists() or _looks_like_path(arg))]
    store = open_if_there(db) if words or not args else None
    try:
        if not args:
            every = [load_known(known, store) for known in known_decks(store)]
            if not every:
                raise UnknownDeckError(
                    f"no decks: none imported, none bundled in {settings.bundled_decks_dir()}"
                )
            return every
        chosen: list[Deck] = []
        for arg in args:
            if arg not in words:
                if not Path(arg).exists():
                    raise UnknownDeckError(f"{arg}: no such deck file or folder")
                chosen.extend(load_decks([Path(arg)], write_ids=write_ids))
            else:
                chosen.append(load_known(find_known(store, arg), store, write_ids=write_ids))
    finally:
        if store is not None:
            store.close()
    return list(dict.fromkeys(chosen))  # a deck named twice (file and folder) counts once


def _looks_like_path(arg: str) -> bool:
    return "/" in arg or "\\" in arg or arg.endswith((".yaml", ".yml"))
