"""``k8sprep backup``, ``restore``, ``verify`` and ``history import``: keeping history safe.

Thin commands over :mod:`flashcards.store.backup`, :mod:`flashcards.store.verify` and
:mod:`flashcards.store.history_io`; like the review commands they import the library
inside the command so that ``k8sprep review`` never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt
from flashcards.cli.output import counted, echo
from flashcards.cli.review_commands import history_app


def _keep(keep: int | None) -> int:
    """``--keep``, else ``backups_keep`` from the config file."""
    if keep is not None:
        return keep
    from flashcards.files import settings
    from flashcards.files.settings import load_config

    return load_config(settings.config_path()).backups_keep


@app.command()
def backup(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Where to write the backup (default: a timestamped file in the data "
            "directory's backups/ folder).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            min=1,
            help="Timestamped backups to keep in backups/ (default: config backups_keep, 10).",
            show_default=False,
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Copy the review database to a backup file, safely even while a review runs.

    PostgreSQL databases are copied into a portable SQLite file that `restore` reads.
    """
    from flashcards.files import settings
    from flashcards.store.backup import take_backup

    url = settings.database_url(db)
    result = take_backup(url, now=settings.now(), target=file, keep=_keep(keep))
    echo(f"backed up to {result.facts.path} ({result.facts.summary()})")
    for old in result.removed:
        echo(f"removed old backup {old}")


@app.command()
def restore(
    file: Annotated[
        Path,
        typer.Argument(help="A backup made by `k8sprep backup`.", dir_okay=False),
    ],
    db: DbOpt = None,
) -> None:
    """Replace the review database with a backup, keeping a copy of the current one.

    Only the file's rows are restored, each value checked and every card's state
    replayed from its log, into tables k8sprep makes itself; anything else in the
    file (triggers, views, other tables) is left behind. A bad file is refused and
    nothing changes. Close review sessions first.
    """
    from flashcards.files import settings
    from flashcards.store.backup import restore_database

    url = settings.database_url(db)
    result = restore_database(url, file, now=settings.now(), keep=_keep(None))
    if result.safety_copy is not None:
        echo(f"kept the replaced database as {result.safety_copy}")
    if result.ignored:
        shown = ", ".join(result.ignored[:5]) + (", ..." if len(result.ignored) > 5 else "")
        echo(f"left behind what k8sprep does not make: {shown}")
    echo(f"restored {file} ({result.facts.summary()})")


@app.command()
def verify(db: DbOpt = None) -> None:
    """Check the database: integrity, and every card state against a replay of its log.

    Exits 1 when anything is wrong; `k8sprep restore` a backup to repair it.
    """
    from flashcards.cli.opening import open_store
    from flashcards.errors import K8sprepError
    from flashcards.store.verify import MAX_PROBLEMS_SHOWN, verify_database

    with open_store(db, create=False) as store:
        report = verify_database(store.db)
    checked = "integrity ok, " if report.integrity_checked else ""
    if report.ok:
        cards, answers = counted(report.cards, "card"), counted(report.answers, "answer")
        echo(f"{checked}{cards} and {answers}: every state matches its replayed log")
        return
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        echo(f"problem: {problem}")
    more = len(report.problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        echo(f"... and {more} more")
    raise K8sprepError(f"{counted(len(report.problems), 'problem')} found in {store.where}")


@history_app.command("import")
def history_import(
    file: Annotated[
        Path,
        typer.Argument(help="A file written by `k8sprep history --json`.", dir_okay=False),
    ],
    db: DbOpt = None,
) -> None:
    """Rebuild a fresh database by replaying a history file.

    Cards the file carries and the database lacks (your own decks, retired cards) are
    created from it. Every answer is replayed through SM-2 and must give the states
    the file recorded; otherwise nothing is imported, and a database file the import
    would have created is not left behind. Suspended flags are not in the file.
    """
    from flashcards.cli.opening import open_url
    from flashcards.errors import HistoryFileError
    from flashcards.files import settings
    from flashcards.files.reading import read_regular_file
    from flashcards.store.connection import COMPANIONS, sqlite_path
    from flashcards.store.history_io import MAX_HISTORY_CHARS, import_history, parse_history

    try:
        text = read_regular_file(file, MAX_HISTORY_CHARS).decode("utf-8")
    except OSError as error:
        raise HistoryFileError(f"cannot read: {error.strerror or error}", path=str(file)) from None
    except UnicodeDecodeError:
        raise HistoryFileError("not UTF-8 text", path=str(file)) from None
    entries = parse_history(text, str(file))
    url = settings.database_url(db)
    target = sqlite_path(url)
    new_file = None if target in (None, ":memory:") else Path(target)
    if new_file is not None and new_file.exists():
        new_file = None
    try:
        with open_url(url) as store, store.db.transaction():
            added = 0
            if store.card_count() == 0:
                from flashcards.files.decks import load_decks

                added = store.sync_decks(load_decks()).added
            report = import_history(store, entries, str(file))
    except BaseException:
        if new_file is not None:  # refused: no half-made database is left behind
            for path in (new_file, *(Path(f"{new_file}{end}") for end in COMPANIONS)):
                path.unlink(missing_ok=True)
        raise
    if added:
        echo(f"Imported {counted(added, 'card')} from the bundled decks.")
    if report.created:
        echo(f"Created {counted(report.created, 'card')} from {file}.")
    answers, cards = counted(report.answers, "answer"), counted(report.cards, "card")
    echo(f"imported {answers} for {cards} from {file}")
