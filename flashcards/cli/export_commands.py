"""``k8sprep export anki|csv|markdown``: decks out to other tools, no database needed.

Thin commands: pick the decks, call one exporter, report what was written.
genanki and the exporters load inside the commands only, so ``k8sprep review``
never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.errors import UnknownDeckError
from flashcards.files import settings
from flashcards.model import Deck

export_app = typer.Typer(
    help="Export decks to Anki (.apkg), CSV or a Markdown study sheet.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

DEFAULT_STEM = "k8sprep"
LEDGER_FILENAME = "anki-ledger.json"

DecksArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="DECK...",
        help="Deck files or folders, or bundled decks by chapter number or name "
        "(default: all bundled decks).",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="File to write (default: k8sprep.<format> here)."),
]
RootOpt = Annotated[
    str,
    typer.Option("--root", help="Parent deck the chapters go under in Anki."),
]
DEFAULT_ROOT = "K8s Interview Prep"


@export_app.command("anki")
def export_anki(
    decks: DecksArg = None,
    out: OutOpt = None,
    root: RootOpt = DEFAULT_ROOT,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            help="Export ledger that keeps note times (default: anki-ledger.json in the data dir).",
        ),
    ] = None,
) -> None:
    """Write an Anki package; importing a newer one updates the notes you already have."""
    _export("anki", decks, out, root, ledger or settings.data_dir() / LEDGER_FILENAME)


@export_app.command("csv")
def export_csv(decks: DecksArg = None, out: OutOpt = None, root: RootOpt = DEFAULT_ROOT) -> None:
    """Write a CSV that Anki's File > Import takes as is (Basic notes); spreadsheets open it."""
    _export("csv", decks, out, root, None)


@export_app.command("markdown")
def export_markdown(decks: DecksArg = None, out: OutOpt = None) -> None:
    """Write a printable Markdown study sheet: each chapter's questions, answers and traps."""
    _export("markdown", decks, out, DEFAULT_ROOT, None)


def _export(
    name: str, deck_args: list[str] | None, out: Path | None, root: str, ledger: Path | None
) -> None:
    from exporters import DEFAULT_SUFFIX, EXPORTERS, ExportOptions

    chosen = select_decks(deck_args or [])
    target = out or Path(DEFAULT_STEM + DEFAULT_SUFFIX[name])
    options = ExportOptions(root=root, now=int(settings.now().timestamp()), ledger_path=ledger)
    result = EXPORTERS[name](chosen, target, options)
    decks_word = "deck" if result.decks == 1 else "decks"
    summary = f"Wrote {result.notes} notes ({result.cards} cards) from {result.decks} {decks_word}"
    if name == "anki":
        summary += f", {result.changed} new or changed,"
    typer.echo(f"{summary} to {result.path}")


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
