"""``k8sprep readiness`` and ``k8sprep fsrs``: what FSRS memory states say about the log.

The states are rebuilt from the review log ("shadow FSRS",
:mod:`flashcards.schedule.memory`), so they work on SM-2 users' history too.
"""

from __future__ import annotations

from typing import Any

import typer

from flashcards.cli.app import app
from flashcards.cli.review_commands import DbOpt, JsonOpt, _config, _open_to_read, _print_json
from flashcards.cli.review_commands import _today as today_of


@app.command()
def readiness(json: JsonOpt = False, db: DbOpt = None) -> None:
    """Predicted recall per chapter on the exam morning (or tomorrow, with no exam set)."""
    from datetime import timedelta

    from flashcards.schedule.exam import Phase
    from flashcards.schedule.memory import ShadowFSRS
    from flashcards.schedule.readiness import bar, readiness

    config = _config()
    today = today_of(config)
    shadow = ShadowFSRS()
    with _open_to_read(db) as store:
        exam = store.exam()
        active = exam is not None and exam.phase(today) is not Phase.OVER
        at = exam.date if exam is not None and active else today + timedelta(days=1)
        only = exam.decks if exam is not None and active else ()
        table = store.memory_states(shadow)
        recall_of = shadow.recall_of(table.ids, table.stability, table.last_day, at)
        decks = [(slug, name) for slug, name, _chapter in store.decks() if not only or slug in only]
        report = readiness(at, decks, store.card_decks(only), recall_of)
    record: dict[str, Any] = {
        "at": report.at.isoformat(),
        "overall": report.overall,
        "chapters": [
            {
                "deck": c.deck,
                "cards": c.cards,
                "unseen": c.unseen,
                "below_0_8": c.below_0_8,
                "predicted_recall": c.predicted_recall,
            }
            for c in report.chapters
        ],
    }
    if json:
        _print_json(record)
        return
    when = "exam morning" if active else "tomorrow"
    typer.echo(
        f"Predicted recall on {report.at.isoformat()} ({when}): {round(100 * report.overall)}% "
        "overall (FSRS memory states from the review log)"
    )
    if not report.chapters:
        typer.echo("No cards yet.")
    width = max([len(c.name) for c in report.chapters] + [5])
    for c in report.chapters:
        typer.echo(
            f"  {c.name:<{width}}  {bar(c.predicted_recall)} {round(100 * c.predicted_recall):>3}%"
            f"  {c.cards} cards, {c.below_0_8} below 0.8, {c.unseen} never reviewed: {c.verdict}"
        )
