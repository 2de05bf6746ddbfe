"""``k8sprep export anki|csv|markdown``: decks out to other tools, no database needed.

Thin commands: pick the decks, call one exporter, report what was written. The
database is read when there is one: for the count of retired cards (gone from
their YAML, perhaps still in Anki) and, for ``export anki --with-progress`` and
``--include-retired``, for the schedule, the answers and the retired cards.
genanki and the exporters load inside the commands only, so ``k8sprep review``
never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, DecksArg, select_decks
from flashcards.cli.output import counted, echo
from flashcards.files import settings

export_app = typer.Typer(
    help="Export decks to Anki (.apkg), CSV or a Markdown study sheet.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")

DEFAULT_STEM = "k8sprep"
LEDGER_FILENAME = "anki-ledger.json"

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
    with_progress: Annotated[
        bool,
        typer.Option(
            "--with-progress",
            help="Carry each card's schedule and answers (import with scheduling in Anki).",
        ),
    ] = False,
    include_retired: Annotated[
        bool,
        typer.Option(
            "--include-retired",
            help="Also export cards gone from their YAML, tagged k8sprep::retired.",
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Write an Anki package; importing a newer one updates the notes you already have."""
    _export(
        "anki",
        decks,
        out,
        root,
        ledger or settings.data_dir() / LEDGER_FILENAME,
        db=db,
        with_progress=with_progress,
        include_retired=include_retired,
    )


@export_app.command("csv")
def export_csv(
    decks: DecksArg = None, out: OutOpt = None, root: RootOpt = DEFAULT_ROOT, db: DbOpt = None
) -> None:
    """Write a CSV that Anki's File > Import takes as is (Basic notes); spreadsheets open it."""
    _export("csv", decks, out, root, None, db=db)


@export_app.command("markdown")
def export_markdown(decks: DecksArg = None, out: OutOpt = None, db: DbOpt = None) -> None:
    """Write a Markdown study sheet to quiz yourself: each question, its answer and trap folded."""
    _export("markdown", decks, out, DEFAULT_ROOT, None, db=db)


def _export(
    name: str,
    deck_args: list[str] | None,
    out: Path | None,
    root: str,
    ledger: Path | None,
    *,
    db: str | None = None,
    with_progress: bool = False,
    include_retired: bool = False,
) -> None:
    from exporters import DEFAULT_SUFFIX, EXPORTERS, ExportOptions
    from flashcards.cli.anki_export import read_database
    from flashcards.files.tempfiles import remove_stale_temporaries

    chosen = select_decks(deck_args or [], db=db, every_known=True)
    target = out or Path(DEFAULT_STEM + DEFAULT_SUFFIX[name])
    refuse_database_target(target, db)
    if (warning := suffix_mismatch(name, target)) is not None:
        echo(f"k8sprep: warning: {warning}", err=True)
    for written in (target, ledger):  # what a killed export left beside them
        if written is not None:
            remove_stale_temporaries(written.parent, f".{written.name}.")
    found = read_database(
        db, with_progress=with_progress, include_retired=include_retired, exported=chosen
    )
    options = ExportOptions(
        root=root,
        now=int(settings.now().timestamp()),
        ledger_path=ledger,
        progress=found.progress,
    )
    result = EXPORTERS[name]([*chosen, *found.retired_decks], target, options)
    summary = (
        f"Wrote {counted(result.notes, 'note')} ({counted(result.cards, 'card')}) "
        f"from {counted(result.decks, 'deck')}"
    )
    if name == "anki":
        summary += f", {result.changed} new or changed,"
    echo(f"{summary} to {result.path}")
    if found.retired:
        echo(
            f"{found.retired} retired {'card' if found.retired == 1 else 'cards'} still in Anki: "
            "search tag:k8sprep::retired to delete them"
        )


SUFFIXES = {"anki": (".apkg",), "csv": (".csv", ".txt"), "markdown": (".md", ".markdown")}
"""The file names each format is expected under (Anki imports a CSV as .txt too)."""
FORMAT_NAMES = {"anki": "an Anki package", "csv": "CSV", "markdown": "Markdown"}


def suffix_mismatch(name: str, target: Path) -> str | None:
    """A warning when ``target``'s extension belongs to another format, else None.

    ``export csv -o deck.apkg`` is most likely a slip for ``export anki``: the file is
    still written as asked (the user may mean it), but Anki would refuse it as a package.
    """
    suffix = target.suffix.lower()
    other = next((f for f, known in SUFFIXES.items() if f != name and suffix in known), None)
    if other is None:
        return None
    return (
        f"{target}: writing {FORMAT_NAMES[name]} to a {suffix} file, the extension of "
        f"{FORMAT_NAMES[other]} (for that: k8sprep export {other})"
    )


def refuse_database_target(target: Path, db: str | None = None) -> None:
    """An export never overwrites the review database, its ``-wal``/``-shm``/``-journal``
    files, or any other SQLite database (a backup, say).

    Raises:
        ExportError: ``target`` is one of those.
    """
    from contextlib import suppress

    from flashcards.errors import ExportError, StoreError
    from flashcards.store.connection import has_sqlite_header, is_database_file, sqlite_path

    live: str | None = None
    with suppress(StoreError):  # K8SPREP_DB naming a missing folder: no database to protect
        live = sqlite_path(settings.database_url(db))
    if live is not None and live != ":memory:" and is_database_file(Path(live), target):
        raise ExportError(f"{target}: is the review database or one of its files; choose another")
    with suppress(OSError):
        if target.is_file() and has_sqlite_header(target):
            raise ExportError(f"{target}: is an SQLite database; exports never overwrite one")
