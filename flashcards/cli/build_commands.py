"""``k8sprep build`` and ``k8sprep decks``: chapters in, YAML decks out."""

from __future__ import annotations

import io
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt
from flashcards.cli.output import counted, echo
from flashcards.errors import ChapterError, DeckFileError, K8sprepError
from flashcards.model import Kind

if TYPE_CHECKING:
    from flashcards.files.builder import BuildResult
    from flashcards.model import Deck

# The parser and YAML load inside the commands that use them: every other
# command, `review` above all, starts without them.

PROGRESS_BAR_FROM = 20
"""Show a progress bar when building at least this many chapters."""


def _kind_counts(counts: Counter[Kind]) -> str:
    return ", ".join(f"{counts[kind]} {kind.value}" for kind in Kind if counts[kind])


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Chapter files or folders (default: ./seeds).", show_default=False),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the YAML decks into.")
    ] = Path("decks"),
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Build from the chapters alone; the old deck is kept as <deck>.bak."
        ),
    ] = False,
) -> None:
    """Turn tutorial chapters (site text, browser copy, Markdown or saved HTML) into YAML decks.

    Rebuilding over an existing deck keeps its card ids and your hand edits: edited
    fields, added cards and deleted cards stay as you left them.
    """
    from flashcards.files.builder import build_chapters, chapter_paths

    if not paths:
        if not Path("seeds").is_dir():
            raise ChapterError("no chapters given and no ./seeds folder here", path="seeds")
        paths = [Path("seeds")]
    if out.exists() and not out.is_dir():  # else every chapter fails with "File exists"
        raise DeckFileError("--out must be a folder, not a file", path=str(out))
    files = chapter_paths(paths)
    if not files:
        raise ChapterError("no chapter files (.txt, .md, .html) found", path=str(paths[0]))
    failures = 0
    results: list[BuildResult] = []
    # A short build draws no bar: the bar goes to a buffer nobody reads.
    bar_stream = sys.stderr if len(files) >= PROGRESS_BAR_FROM else io.StringIO()
    built = build_chapters(files, out, fresh=fresh)
    with typer.progressbar(built, length=len(files), label="Building", file=bar_stream) as bar:
        for _, result in bar:
            if isinstance(result, K8sprepError):
                failures += 1
                echo(f"k8sprep: {result}", err=True)
            else:
                results.append(result)
    for result in results:
        for warning in result.warnings:
            echo(
                f"k8sprep: warning: {result.chapter_path}:{warning.line}: {warning.message}",
                err=True,
            )
        echo(f"{result.deck_path}: {_kind_counts(result.counts())}")
        if kept := result.kept.summary():
            echo(f"{result.deck_path}: {kept}")
        if result.backup is not None:
            echo(f"{result.deck_path}: old deck saved as {result.backup}")
    if failures:
        raise typer.Exit(1)


@app.command()
def decks(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Deck files or folders (default: the bundled decks and every imported deck).",
            show_default=False,
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """List decks with their card counts per kind and the file each comes from.

    Without paths: every deck other commands know by name (``export``, ``review
    --deck``...): the bundled ones and those imported into the database.
    """
    from flashcards.cli.catalog import known_decks, load_known, open_if_there, short_path
    from flashcards.files.decks import deck_paths, load_deck

    shown: list[tuple[Deck, Path | None]] = []
    if paths:
        shown = [(load_deck(path), path) for path in deck_paths(paths)]
    else:
        store = open_if_there(db, warn_missing=True)
        try:
            for known in known_decks(store):
                shown.append((load_known(known, store), known.source))
        finally:
            if store is not None:
                store.close()
    total: Counter[Kind] = Counter()
    for deck, source in shown:
        counts = Counter(card.kind for card in deck.cards)
        total.update(counts)
        cards = f"{counted(len(deck.cards), 'card')}: {_kind_counts(counts)}"
        gone = " (gone; cards from the database)" if source and not source.is_file() else ""
        echo(f"{deck.name}  ({cards})  {short_path(source)}{gone}")
    echo(f"total: {counted(sum(total.values()), 'card')}")
