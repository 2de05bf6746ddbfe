"""``k8sprep review`` and its companions ``import``, ``due``, ``stats``, ``history``, ``card``.

Thin commands: open the store, call the library, print. Everything past Typer is
imported inside the commands so that ``k8sprep review`` shows its first card
before anything heavy (YAML, SQLAlchemy, exporters) is loaded; YAML only loads
when a fresh database has to import the bundled decks.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, DecksArg, JsonOpt, select_decks
from flashcards.cli.output import counted, echo, echo_json, echo_json_text
from flashcards.schedule.config import MAX_NEW_PER_DAY, MAX_REVIEWS_PER_DAY

if TYPE_CHECKING:
    from datetime import date

    from flashcards.schedule.config import Config
    from flashcards.schedule.exam import Exam
    from flashcards.store import Store


def _at_most(value: int | None, largest: int) -> int | None:
    """A daily limit no larger than the config file allows (the database counts in 64 bits)."""
    if value is not None and value > largest:
        raise typer.BadParameter(f"{value} is not in the range 0<=x<={largest}.")
    return value


def _open(db: str | None, *, create: bool = True) -> Store:
    """The review database; with ``create`` False a missing one is an error, not made empty."""
    from flashcards.cli.opening import open_store

    return open_store(db, create=create)


def _open_to_read(db: str | None) -> Store:
    """The review database, or an empty one in memory while the default one is not there.

    ``due``, ``stats`` and ``history`` before the first review have nothing to show,
    which is an answer, not an error; creating the file for it would leave an empty
    database (and data directory) behind. A named ``--db`` that does not exist is a
    typo and says so (:func:`flashcards.cli.opening.open_to_read`).
    """
    from flashcards.cli.opening import open_to_read
    from flashcards.store import Store

    found = open_to_read(db)
    return Store.open("sqlite://") if found is None else found


def _today(config: Config) -> date:
    from flashcards.files import settings
    from flashcards.schedule.studyday import study_day

    return study_day(settings.now(), config.rollover_hour)


def _config(new: int | None = None, limit: int | None = None) -> Config:
    from flashcards.files import settings
    from flashcards.files.settings import load_config

    return load_config(settings.config_path()).with_overrides(new=new, limit=limit)


def _deck_slug(store: Store, key: str | None) -> str | None:
    """The slug of the deck ``key`` names (chapter number, name or slug), as every command
    finds it (:func:`flashcards.cli.catalog.find_known`).

    A bundled deck not imported yet is imported now, as the first review imports them
    all: ``decks`` lists it, so ``review --deck`` must find cards in it.
    """
    if key is None:
        return None
    from flashcards.cli.catalog import find_known, load_known

    known = find_known(store, key)
    if not known.imported:
        report = store.sync_decks([load_known(known, store)])
        echo(f"Imported {counted(report.added, 'card')} from {known.name}.", err=True)
    return known.slug


def _switched(store: Store, config: Config) -> str:
    """Say what a scheduler switch does: the log replayed, nothing rescheduled."""
    if config.scheduler == "sm2":
        return "Scheduler: SM-2 from now on; due dates already set are kept."
    from flashcards.schedule.memory import ShadowFSRS

    states = store.memory_states(ShadowFSRS())
    return (
        f"Scheduler: FSRS from now on (desired retention {config.desired_retention}); memory "
        f"states of {len(states)} cards rebuilt from the review log; due dates already set are "
        "kept."
    )


def exam_lines(store: Store, config: Config, today: date) -> list[str]:
    """The exam's standing for ``due``, ``review`` and ``stats``; nothing without an exam."""
    exam = store.exam()
    if exam is None:
        return []
    from flashcards.cli.exam_views import exam_summary

    return exam_summary(exam, store.exam_progress(exam, config, today))


def exam_json(store: Store, config: Config, today: date) -> dict[str, object] | None:
    """``exam show --json``'s record plus today's share, for ``due`` and ``stats``; or None."""
    exam = store.exam()
    if exam is None:
        return None
    from flashcards.cli.exam_views import exam_record

    progress = store.exam_progress(exam, config, today)
    record = exam_record(exam, progress, config, exam_deck_names(store, exam))
    return {**record, "today_share": progress.today_share}


def exam_deck_names(store: Store, exam: Exam) -> list[str]:
    """The slugs of the exam decks: the ones named, or every deck."""
    return list(exam.decks) or [slug for slug, _name, _chapter in store.decks()]


def _print_json(data: object) -> None:
    echo_json(data)


@app.command("import")
def import_decks(
    decks: DecksArg = None,
    db: DbOpt = None,
) -> None:
    """Sync YAML decks into the review database, keeping every card's review state.

    New cards are added, edited cards updated, cards gone from their deck retired
    (hidden, history kept); running it again changes nothing.
    """
    # The same choice as `export`: a deck named twice counts once, a mistyped file is named.
    chosen = select_decks(decks or [], write_ids=True, db=db)
    with _open(db) as store:
        report = store.sync_decks(chosen)
    echo(
        f"{report.added} added, {report.updated} updated, {report.retired} retired, "
        f"{report.unchanged} unchanged"
    )


def _grading_name(value: str | None) -> str | None:
    from flashcards.schedule.config import GRADINGS

    if value is not None and value not in GRADINGS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(GRADINGS)}.")
    return value


@app.command()
def review(
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck: chapter number or name.")
    ] = None,
    new: Annotated[
        int | None,
        typer.Option(
            "--new",
            min=0,
            callback=lambda value: _at_most(value, MAX_NEW_PER_DAY),
            help="New cards per day (overrides config).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            callback=lambda value: _at_most(value, MAX_REVIEWS_PER_DAY),
            help="Due reviews per day (overrides config).",
        ),
    ] = None,
    keys_: Annotated[
        str | None,
        typer.Option(
            "--keys",
            metavar="sm2|anki",
            callback=_grading_name,
            help="Grade keys: sm2 (0-5) or anki (1 Again, 2 Hard, 3 Good, 4 Easy; "
            "overrides config).",
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Review today's cards: space reveals, 0-5 grades, u undoes, s suspends, e edits, q quits.

    In a terminal each key acts at once, each card on a clean screen; from a pipe
    each line is one input (an empty line reveals, a grade line reveals and grades).
    After the last card one more input is read: u undoes that last answer, anything
    else ends.
    """
    import sys

    from flashcards.cli.fullscreen import review_output
    from flashcards.cli.grade_keys import GRADINGS
    from flashcards.cli.review_screen import drive, summary_lines
    from flashcards.cli.terminal import is_terminal, keys
    from flashcards.files import settings
    from flashcards.schedule.queue import build_queue
    from flashcards.schedule.session import ReviewSession

    config = _config(new, limit)
    grading = GRADINGS[keys_ or config.grading]
    today = _today(config)
    with _open(db) as store:
        store.leech_rule = config.leech_rule
        if not store.has_cards():
            from flashcards.files.decks import load_decks

            report = store.sync_decks(load_decks())
            echo(f"Imported {counted(report.added, 'card')} from the bundled decks.")
        if store.use_scheduler(config.scheduler, config.desired_retention):
            echo(_switched(store, config))
        slug = _deck_slug(store, deck)
        exam = store.exam()
        queue = build_queue(store, today, config, slug, exam=exam)
        for line in exam_lines(store, config, today):
            echo(line)
        session = ReviewSession(store, queue, clock=settings.now, timer=time.monotonic)
        screen = review_output(interactive=session.current is not None)
        try:
            with keys(sys.stdin, screen.handover) as tokens:
                edit = None
                if is_terminal(sys.stdin):
                    from flashcards.cli.card_editing import card_editor

                    edit = card_editor(store, tokens.paused)
                drive(
                    session,
                    tokens,
                    screen.write,
                    keys=is_terminal(sys.stdin),
                    paint=screen.paint,
                    full_screen=screen.handover is not None,
                    grading=grading,
                    show_next=config.scheduler == "sm2",
                    edit=edit,
                )
        except KeyboardInterrupt:
            echo("")
        for line in summary_lines(session.summary(), today, store.next_due(today, slug)):
            echo(line)


@app.command()
def due(json: JsonOpt = False, db: DbOpt = None) -> None:
    """Cards due now, new cards available today and re-drills pending, per deck."""
    from flashcards.cli.due_views import due_lines, due_report
    from flashcards.schedule.queue import allowance

    config = _config()
    today = _today(config)
    with _open_to_read(db) as store:
        introduced, reviewed = store.answered_today(today)
        left = allowance(config, introduced_today=introduced, reviewed_today=reviewed)
        report = due_report(store.deck_counts(today), left, today, store.next_due(today))
        empty = not store.has_cards()
        # One of the two: each works out the exam standing, which counts every exam card.
        exam = exam_json(store, config, today) if json else None
        standing = [] if json else exam_lines(store, config, today)
    if json:
        _print_json(report if exam is None else {**report, "exam": exam})
    else:
        for line in due_lines(report) + standing:
            echo(line)
        if empty:  # the first review imports the bundled decks; say so before it
            echo(
                "No cards yet: `k8sprep review` imports the bundled decks "
                "(or `k8sprep import DECK`)."
            )


@app.command()
def stats(json: JsonOpt = False, db: DbOpt = None) -> None:
    """Cards by maturity, an activity heatmap, retention, easiness, streak and forecast."""
    from flashcards.cli.review_views import stats_lines, stats_report

    config = _config()
    today = _today(config)
    with _open_to_read(db) as store:
        report = stats_report(
            store.review_facts(),
            store.scheduled(),
            today,
            store.drill_facts(),
            store.maturity_counts(config.leech_lapses),
        )
        # One of the two: each works out the exam standing, which counts every exam card.
        exam = exam_json(store, config, today) if json else None
        standing = [] if json else exam_lines(store, config, today)
    if json:
        _print_json(report if exam is None else {**report, "exam": exam})
    else:
        from flashcards.cli.review_screen import terminal_width
        from flashcards.cli.stats_screen import show

        show(stats_lines(report, terminal_width()) + standing)


history_app = typer.Typer(
    help="The review log, one entry per answer, oldest first.", rich_markup_mode=None
)
app.add_typer(history_app, name="history")


@history_app.callback(invoke_without_command=True)
def history(
    ctx: typer.Context,
    json: JsonOpt = False,
    card: Annotated[
        str | None, typer.Option("--card", help="Only this card (id, hash part or prefix).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """The review log, one entry per answer, oldest first (`history import FILE` reads it back)."""
    if ctx.invoked_subcommand is not None:
        return
    from flashcards.cli.review_views import answer_line

    with _open_to_read(db) as store:
        if card is not None:  # an unknown id is an error, not an empty history
            card = store.resolve_card(card)
        if json:
            from flashcards.store.history_export import history_json

            text = history_json(store.db, card)
        else:
            answers = list(store.history(card))
    if json:
        echo_json_text(text)
    elif not answers:
        echo("No reviews yet.")
    else:
        for answer in answers:
            echo(answer_line(answer))


@app.command("card")
def show_card(
    card_id: Annotated[
        str, typer.Argument(metavar="ID", help="The card id, its hash part or a unique prefix.")
    ],
    json: JsonOpt = False,
    suspend: Annotated[bool, typer.Option("--suspend", help="Stop showing this card.")] = False,
    unsuspend: Annotated[bool, typer.Option("--unsuspend", help="Show this card again.")] = False,
    db: DbOpt = None,
) -> None:
    """One card: its text, review state and history."""
    from flashcards.cli.catalog import deck_source
    from flashcards.cli.review_views import card_lines, card_report
    from flashcards.errors import K8sprepError

    if suspend and unsuspend:
        raise K8sprepError("--suspend and --unsuspend cannot be used together")
    with _open(db, create=False) as store:
        card_id = store.resolve_card(card_id)
        if suspend or unsuspend:
            store.set_suspended(card_id, suspend)
        stored = store.get(card_id)
        report = card_report(stored, store.history(card_id), deck_source(store, stored.deck))
    report["leech"] = _config().leech_rule.is_leech(stored.state.lapses)
    if json:
        _print_json(report)
    else:
        for line in card_lines(report):
            echo(line)
