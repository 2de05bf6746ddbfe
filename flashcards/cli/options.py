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


def select_decks(args: list[str], *, write_ids: bool = False) -> list[Deck]:
    """The decks named on the command line: files and folders load, other words pick bundled decks.

    ``write_ids`` (``import``): hand-added cards without an id get one written into their file.

    Raises:
        UnknownDeckError: a word that is neither an existing path nor a bundled deck.
        DeckFileError, DeckProblems: a deck file that does not parse.
    """
    from flashcards.files.decks import find_deck, load_decks

    if not args:
        decks = load_decks()
        if not decks:
            raise UnknownDeckError(f"no bundled decks found in {settings.bundled_decks_dir()}")
        return decks
    chosen: list[Deck] = []
    bundled: list[Deck] | None = None
    for arg in args:
        path = Path(arg)
        if path.exists() or _looks_like_path(arg):
            if not path.exists():
                raise UnknownDeckError(f"{arg}: no such deck file or folder")
            chosen.extend(load_decks([path], write_ids=write_ids))
            continue
        if bundled is None:
            bundled = load_decks()
        chosen.append(find_deck(bundled, arg))
    return list(dict.fromkeys(chosen))  # a deck named twice (file and folder) counts once


def _looks_like_path(arg: str) -> bool:
    return "/" in arg or "\\" in arg or arg.endswith((".yaml", ".yml"))
