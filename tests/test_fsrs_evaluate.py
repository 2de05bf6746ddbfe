"""``k8sprep fsrs evaluate``: log loss and RMSE (bins) of SM-2's and FSRS's predictions."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.schedule.evaluate import MIN_REVIEWS, evaluate
from flashcards.schedule.memory import fsrs_moment
from flashcards.store import Store
from tests.review_helpers import make_deck

DAY = date(2026, 11, 2)
runner = CliRunner()


def fsrs_recall_after_one_good_day() -> float:
    """py-fsrs: a card graded Good, one day later."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card, _ = scheduler.review_card(Card(), Rating.Good, fsrs_moment(DAY))
    return scheduler.get_card_retrievability(card, fsrs_moment(DAY + timedelta(days=1)))


@pytest.fixture
def db(isolated_home: Path) -> Path:
    """60 cards graded 4 on day 0; the next day half are recalled (4) and half not (2)."""
    path = isolated_home / "k8sprep.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_decks([make_deck(1, "pods", 60)])
        for i in range(60):
            card = f"pods-{i}"
            first = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=9)
            store.record_review(card, time=first, day=DAY, grade=4)
        for i in range(60):
            next_day = DAY + timedelta(days=1)
            at = datetime.combine(next_day, datetime.min.time()) + timedelta(hours=9)
            store.record_review(f"pods-{i}", time=at, day=next_day, grade=4 if i % 2 else 2)
    return path


def test_scores_on_a_known_log(db: Path) -> None:
    result = runner.invoke(app, ["fsrs", "evaluate", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["reviews"] == 60 and report["minimum"] == MIN_REVIEWS
    # SM-2: interval 1 day, one day later -> 0.9 for every test; half recalled.
    sm2_loss = (-math.log(0.9) - math.log(0.1)) / 2
    assert report["sm2"] == {"log_loss": round(sm2_loss, 4), "rmse_bins": 0.4}
    p = fsrs_recall_after_one_good_day()
    assert report["fsrs"] == {
        "log_loss": round((-math.log(p) - math.log(1 - p)) / 2, 4),
        "rmse_bins": round(abs(0.5 - p), 4),  # all tests fall in one bin
    }
    text = runner.invoke(app, ["fsrs", "evaluate"]).stdout
    assert text.startswith("Predictions of 60 reviews in your log (lower is better):\n")
    assert "srs-benchmark" in text


def test_too_little_history_says_so(isolated_home: Path) -> None:
    result = runner.invoke(app, ["fsrs", "evaluate"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Too little history: 0 reviews to predict")
    rows = [(f"c{i}", DAY + timedelta(days=d), 4, False, 1 if d else 0)
            for i in range(MIN_REVIEWS - 1) for d in (0, 1)]  # fmt: skip
    assert evaluate(rows).sm2 is None  # one test short
    assert evaluate([*rows, ("x", DAY, 4, False, 0), ("x", DAY + timedelta(1), 5, False, 1)]).sm2


def test_redrills_and_the_first_answer_are_not_tests() -> None:
    rows = [("c", DAY, 2, False, 0), ("c", DAY, 4, True, 1), ("c", DAY + timedelta(3), 4, False, 1)]
    assert evaluate(rows).reviews == 1
