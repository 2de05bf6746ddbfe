"""``k8sprep readiness`` and ``k8sprep fsrs``: what FSRS memory states say about the log.

The states are rebuilt from the review log ("shadow FSRS",
:mod:`flashcards.schedule.memory`), so they work on SM-2 users' history too.
"""

from __future__ import annotations

from typing import Any

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, JsonOpt
from flashcards.cli.output import counted, echo
from flashcards.cli.review_commands import _config, _open_to_read, _print_json
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
        decks = [(slug, name) for slug, name, _chapter in store.decks() if not only or slug in only]
        counts, inactive = store.active_counts(only)
        report = readiness(at, decks, counts, table, shadow, inactive)
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
    echo(
        f"Predicted recall on {report.at.isoformat()} ({when}): {round(100 * report.overall)}% "
        "overall (FSRS memory states from the review log)"
    )
    if not report.chapters:
        echo("No cards yet.")
    width = max([len(c.name) for c in report.chapters] + [5])
    for c in report.chapters:
        echo(
            f"  {c.name:<{width}}  {bar(c.predicted_recall)} {round(100 * c.predicted_recall):>3}%"
            f"  {counted(c.cards, 'card')}, {c.below_0_8} below 0.8, {c.unseen} never reviewed: "
            f"{c.verdict}"
        )


fsrs_app = typer.Typer(help="FSRS beside SM-2: how each predicts your own answers.")
app.add_typer(fsrs_app, name="fsrs")


@fsrs_app.command("evaluate")
def fsrs_evaluate(json: JsonOpt = False, db: DbOpt = None) -> None:
    """Log loss and RMSE (bins) of SM-2's and FSRS's predictions on your review log."""
    from flashcards.schedule.evaluate import MIN_REVIEWS, evaluate

    with _open_to_read(db) as store:
        result = evaluate(store.evaluation_rows())
    scores = {
        name: None
        if s is None
        else {"log_loss": round(s.log_loss, 4), "rmse_bins": round(s.rmse_bins, 4)}
        for name, s in (("sm2", result.sm2), ("fsrs", result.fsrs))
    }
    if json:
        _print_json({"reviews": result.reviews, "minimum": MIN_REVIEWS, **scores})
        return
    if result.sm2 is None or result.fsrs is None:
        echo(
            f"Too little history: {counted(result.reviews, 'review')} to predict (a first answer "
            "of a day "
            f"on a card answered before); at least {MIN_REVIEWS} are needed."
        )
        return
    echo(f"Predictions of {result.reviews} reviews in your log (lower is better):")
    for label, s in (("SM-2", result.sm2), ("FSRS", result.fsrs)):
        echo(f"  {label}  log loss {s.log_loss:.4f}   RMSE (bins) {s.rmse_bins:.4f}")
    echo(
        "SM-2's predicted recall is 0.9 ** (days since the last review / its interval), as "
        "the srs-benchmark project defines it; FSRS uses its default parameters."
    )
