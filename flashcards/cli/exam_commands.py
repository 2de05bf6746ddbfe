"""``k8sprep exam set|show|clear``: an exam date, and every card seen in the days before it.

The plan is in :mod:`flashcards.schedule.exam`; the settings live in the database
(:mod:`flashcards.store.exam`), so every command that builds a queue sees them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, JsonOpt
from flashcards.cli.output import counted, echo
from flashcards.cli.review_commands import (
    _config,
    _deck_slug,
    _open,
    _print_json,
    exam_deck_names,
)
from flashcards.cli.review_commands import _today as today_of
from flashcards.schedule.config import MAX_REVIEWS_PER_DAY
from flashcards.schedule.exam import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS

exam_app = typer.Typer(help="An exam date: every card seen at least once in the days before it.")
app.add_typer(exam_app, name="exam")


@exam_app.command("set")
def exam_set(
    when: Annotated[str, typer.Argument(metavar="DATE", help="The exam date, YYYY-MM-DD.")],
    window: Annotated[
        int,
        typer.Option(
            "--window",
            min=1,
            max=MAX_WINDOW_DAYS,
            help="Study days before the exam in which every card is seen at least once.",
        ),
    ] = DEFAULT_WINDOW_DAYS,
    max_per_day: Annotated[
        int | None,
        typer.Option(
            "--max-per-day",
            min=1,
            max=MAX_REVIEWS_PER_DAY,
            help="First views (new + due) per study day at most (default: reviews_per_day).",
            show_default=False,
        ),
    ] = None,
    deck: Annotated[
        list[str] | None,
        typer.Option("--deck", help="Only this deck (chapter number or name); repeatable."),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Set the exam date; refuse (exit 1) a plan that cannot fit, naming what would."""
    from datetime import date

    from flashcards.cli.exam_views import refusal
    from flashcards.errors import K8sprepError
    from flashcards.schedule.exam import Exam

    try:
        exam_date = date.fromisoformat(when)
    except ValueError:
        raise K8sprepError(f"exam date {when!r} is not a date like 2026-12-15") from None
    config = _config()
    today = today_of(config)
    if exam_date <= today:
        raise K8sprepError(f"the exam date {exam_date.isoformat()} must be after today")
    with _open(db) as store:
        if not store.has_cards():  # as `review` does on first use
            from flashcards.files.decks import load_decks

            report = store.sync_decks(load_decks())
            echo(f"Imported {counted(report.added, 'card')} from the bundled decks.")
        slugs: list[str] = []
        for key in deck or []:
            slug = _deck_slug(store, key)
            if slug is not None and slug not in slugs:
                slugs.append(slug)
        exam = Exam(exam_date, window, max_per_day, tuple(slugs), set_on=today)
        check, standing = store.exam_status(exam, config, today)
        if not check.ok:
            raise K8sprepError(refusal(exam, check, exam.limit(config)))
        store.set_exam(exam)
        cards = standing.cards
        names = exam_deck_names(store, exam)
    echo(
        f"Exam on {exam_date.isoformat()}: {counted(cards, 'card')} of "
        f"{counted(len(names), 'deck')}, each seen at least once from "
        f"{exam.window_start.isoformat()} on, at most {exam.limit(config)} first views a day."
    )


@exam_app.command("show")
def exam_show(json: JsonOpt = False, db: DbOpt = None) -> None:
    """The exam date, window and limit, and how many cards are still to see."""
    from flashcards.cli.exam_views import exam_record, exam_summary
    from flashcards.errors import K8sprepError

    config = _config()
    today = today_of(config)
    with _open(db, create=False) as store:
        exam = store.exam()
        if exam is None:
            raise K8sprepError("no exam set (`k8sprep exam set DATE`)")
        progress = store.exam_progress(exam, config, today)
        record = exam_record(exam, progress, config, exam_deck_names(store, exam))
    if json:
        _print_json(record)
        return
    for line in exam_summary(exam, progress):
        echo(line)
    echo(
        f"Window: {exam.window_days} study days from {exam.window_start.isoformat()}; "
        f"at most {record['max_per_day']} first views a day; decks: {', '.join(record['decks'])}."
    )


@exam_app.command("clear")
def exam_clear(db: DbOpt = None) -> None:
    """Forget the exam: the schedule goes on as plain SM-2."""
    with _open(db, create=False) as store:
        had = store.set_exam(None)
    echo("Exam cleared." if had else "No exam was set.")
