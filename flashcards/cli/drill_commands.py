"""``k8sprep drill`` and ``k8sprep grade``: typed answers checked against the model answer.

Thin commands, heavy imports inside them, as in :mod:`flashcards.cli.review_commands`:
``drill`` shows its first question before the grader (or YAML) is loaded.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, JsonOpt
from flashcards.cli.output import counted, echo
from flashcards.cli.review_commands import _config, _deck_slug, _open, _switched, _today

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TextIO

    from flashcards.drill.grading import Grade
    from flashcards.model import Card
    from flashcards.schedule.records import StoredCard

DRILL_KINDS = "interview,recall"
DRILL_LIMIT = 20


def _kinds(value: str) -> list[str]:
    from flashcards.model import Kind

    chosen = []
    for name in (part.strip().casefold() for part in value.split(",")):
        if name not in {kind.value for kind in Kind}:
            known = ", ".join(kind.value for kind in Kind)
            raise typer.BadParameter(f"unknown kind {name!r} (kinds: {known})")
        chosen.append(name)
    return chosen


@app.command()
def grade(
    card_id: Annotated[
        str,
        typer.Argument(metavar="CARD_ID", help="The card id, its hash part or a unique prefix."),
    ],
    answer: Annotated[str, typer.Option("--answer", help="The answer to grade.")],
    deck: Annotated[
        str | None,
        typer.Option("--deck", help="Take the card from this deck file, not the database."),
    ] = None,
    json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Grade one typed answer against the card's model answer and trap."""
    card, chapter = _card_to_grade(card_id, deck, db)
    from flashcards.drill.grading import grade_answer

    result = grade_answer(card, answer, chapter=chapter)
    if json:
        import json as json_module

        echo(json_module.dumps(grade_record(result), indent=2, ensure_ascii=False))
        return
    echo(f"Verdict: {result.verdict.value}")
    suggested = "-" if result.suggested_grade is None else str(result.suggested_grade)
    echo(f"Suggested grade: {suggested}")
    echo(f"Score: {result.score:.2f}  trap score: {result.trap_score:.2f}")
    for point in result.key_points:
        echo(("✓ " if point.covered else "✗ ") + point.text)


def grade_record(result: Grade) -> dict[str, object]:
    """The JSON of ``grade --json``."""
    return {
        "verdict": result.verdict.value,
        "suggested_grade": result.suggested_grade,
        "score": result.score,
        "trap_score": result.trap_score,
        "key_points": [{"text": p.text, "covered": p.covered} for p in result.key_points],
    }


def _card_to_grade(card_id: str, deck: str | None, db: str | None) -> tuple[Card, list[Card]]:
    """The card and its chapter's cards, from a deck file or from the database."""
    if deck is None:
        with _open(db, create=False) as store:
            stored = store.get(store.resolve_card(card_id))
            return stored.card, store.deck_cards(stored.deck)
    from pathlib import Path

    from flashcards.files.decks import load_deck
    from flashcards.store.card_ids import resolve_among

    loaded = load_deck(Path(deck))
    wanted = resolve_among((card.id for card in loaded.cards), card_id, where=deck)
    card = next(card for card in loaded.cards if card.id == wanted)
    return card, list(loaded.cards)


@app.command()
def drill(
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck: chapter number or name.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="Cards in this drill.")
    ] = DRILL_LIMIT,
    kinds: Annotated[
        str,
        typer.Option("--kinds", help="Card kinds to drill, comma-separated."),
    ] = DRILL_KINDS,
    choice: Annotated[
        bool, typer.Option("--choice", help="Multiple choice (keys 1-4) instead of typing.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Shuffle the choices repeatably.", hidden=True)
    ] = None,
    db: DbOpt = None,
) -> None:
    """Answer in your own words: each typed answer is checked against the model answer.

    Today's due cards come first, then new ones, then those due soonest. Type one
    line (Enter alone: "I don't know"); the verdict, the key points ticked, the model
    answer and the trap follow, with a suggested grade: Enter accepts it, 0-5 sets
    another. q quits, u undoes the last answer. From a pipe: an answer line, then a
    grade line (empty accepts).
    """
    import random
    import sys

    from flashcards.cli.drill_screen import Drill, drive
    from flashcards.cli.review_screen import summary_lines, terminal_width
    from flashcards.files import settings
    from flashcards.schedule.queue import DailyQueue
    from flashcards.schedule.session import ReviewSession

    chosen = _kinds(kinds)
    config = _config()
    today = _today(config)
    with _open(db) as store:
        store.leech_rule = config.leech_rule
        if store.use_scheduler(config.scheduler, config.desired_retention):
            echo(_switched(store, config))
        if not store.has_cards():
            from flashcards.files.decks import load_decks

            report = store.sync_decks(load_decks())
            echo(f"Imported {counted(report.added, 'card')} from the bundled decks.")
        slug = _deck_slug(store, deck)
        queue = DailyQueue(today=today, due=tuple(store.drill_ids(today, chosen, limit, slug)))
        session = ReviewSession(store, queue, clock=settings.now, timer=time.monotonic)
        decks: dict[str, list[Card]] = {}

        def chapter(stored: StoredCard) -> list[Card]:
            if stored.deck not in decks:
                decks[stored.deck] = store.deck_cards(stored.deck)
            return decks[stored.deck]

        rng = random.Random(seed)
        try:
            drive(
                Drill(session, chapter, choice=choice, rng=rng),
                _lines(sys.stdin),
                typer.echo,
                width=terminal_width,
            )
        except KeyboardInterrupt:
            echo("")
        for line in summary_lines(session.summary(), today, store.next_due(today, slug)):
            echo(line)


def _lines(stream: TextIO) -> Iterator[str]:
    """Input lines without their line ends, read one at a time (a terminal types them)."""
    from flashcards.cli.drill_screen import printable

    for line in iter(stream.readline, ""):
        yield printable(line.rstrip("\r\n"))


MOCK_KINDS = "interview,recall,definition"
MOCK_QUESTIONS = 60
"""More than anyone answers in the time: the clock, not the pool, ends an interview."""


@app.command()
def mock(
    minutes: Annotated[
        int, typer.Option("--minutes", min=1, max=600, help="Length of the interview.")
    ] = 20,
    deck: Annotated[
        list[str] | None,
        typer.Option("--deck", help="Only these decks (repeat the option for more)."),
    ] = None,
    last: Annotated[bool, typer.Option("--last", help="Show the last report again.")] = False,
    json: JsonOpt = False,
    seed: Annotated[int | None, typer.Option("--seed", hidden=True)] = None,
    db: DbOpt = None,
) -> None:
    """A timed mock interview: typed answers across chapters, then a report.

    Weak and overdue cards are asked more often. The report (pass rate per chapter,
    traps fallen into, time per answer, cards to study next) is saved; `mock --last`
    shows it again. Grades reach your schedule only when you confirm them at the end.
    """
    from flashcards.drill.mock import report_lines

    if last:
        from flashcards.files.mocks import last_report

        data = last_report()
        if data is None:
            echo("No mock interview yet: `k8sprep mock` starts one.")
        elif json:
            _print_json_data(data)
        else:
            for line in report_lines(data):
                echo(line)
        return
    if json:
        from flashcards.errors import K8sprepError

        raise K8sprepError("--json goes with --last (the interview itself is typed)")
    _run_mock(minutes, deck or [], seed, db)


def _run_mock(minutes: int, decks: list[str], seed: int | None, db: str | None) -> None:
    import random
    import sys
    import time

    from flashcards.cli.mock_screen import confirm, interview
    from flashcards.cli.review_screen import terminal_width
    from flashcards.drill.grading import grade_answer
    from flashcards.drill.mock import MockAnswer, report, report_lines, sample
    from flashcards.files import settings
    from flashcards.files.mocks import save_report

    config = _config()
    today = _today(config)
    started = settings.now()
    rng = random.Random(seed)
    with _open(db) as store:
        store.leech_rule = config.leech_rule
        if store.use_scheduler(config.scheduler, config.desired_retention):
            echo(_switched(store, config))
        if not store.has_cards():
            from flashcards.files.decks import load_decks

            imported = store.sync_decks(load_decks())
            echo(f"Imported {counted(imported.added, 'card')} from the bundled decks.")
        slugs = [slug for slug in (_deck_slug(store, key) for key in decks) if slug]
        pool = store.cards_of_kinds(_kinds(MOCK_KINDS), slugs)
        cards = sample(pool, today, rng, MOCK_QUESTIONS)
        chapters: dict[str, list[Card]] = {}

        def grade_one(stored: StoredCard, text: str) -> Grade:
            if stored.deck not in chapters:
                chapters[stored.deck] = store.deck_cards(stored.deck)
            return grade_answer(stored.card, text, chapter=chapters[stored.deck])

        saved = 0

        def record(answer: MockAnswer, grade: int) -> None:
            nonlocal saved
            store.record_review(
                answer.card_id,
                time=settings.now(),
                day=today,
                grade=grade,
                answer_ms=round(answer.seconds * 1000),
                typed_answer=answer.typed,
                verdict=answer.verdict,
            )
            saved += 1

        lines = _lines(sys.stdin)
        answers: list[MockAnswer] = []
        try:
            answers = interview(
                cards,
                grade_one,
                lines,
                typer.echo,
                seconds=minutes * 60,
                timer=time.monotonic,
                width=terminal_width,
            )
        except KeyboardInterrupt:
            echo("")
        data = report(answers, started=started.isoformat(timespec="seconds"), minutes=minutes)
        if not answers:
            echo("Mock interview over: nothing answered.")
            return
        path = save_report(data, started.strftime("%Y%m%d-%H%M%S"))
        echo("")
        for line in report_lines(data):
            echo(line)
        echo(f"Report saved to {path}.")
        try:
            confirm(answers, lines, typer.echo, record)
        except KeyboardInterrupt:
            echo("")
        echo(f"Grades saved to your schedule: {saved} of {len(answers)}.")


def _print_json_data(data: object) -> None:
    import json as json_module

    echo(json_module.dumps(data, indent=2, ensure_ascii=False))
