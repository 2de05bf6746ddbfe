"""The review store and a whole review session on PostgreSQL (row locks, booleans, undo)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.schedule.config import Config
from flashcards.schedule.queue import build_queue
from flashcards.schedule.session import ReviewSession
from flashcards.schedule.sm2 import SM2State, review
from flashcards.store import Store
from tests.review_helpers import make_deck, write_deck
from tests.test_postgres import pg_server, pg_url  # noqa: F401  (the server fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)


def test_session_redrill_undo_and_suspend_on_postgres(pg_url: str) -> None:  # noqa: F811
    with Store.open(pg_url) as store:
        store.sync_decks([make_deck(3, "pods", 3)])
        session = ReviewSession(
            store, build_queue(store, TODAY, Config()), clock=lambda: NOW, timer=lambda: 0.0
        )
        session.grade(2)  # pods-0, back at the end
        session.grade(5)  # pods-1
        session.suspend()  # pods-2
        again = session.grade(4)  # pods-0 re-drilled
        assert again.redrill and session.finished
        assert store.state("pods-0").sm2 == review(SM2State(), 2)
        assert store.redrill_ids(TODAY) == []
        session.undo()  # the re-drill answer
        assert store.redrill_ids(TODAY) == ["pods-0"]
        assert store.state("pods-2").suspended
        assert [(a.card_id, a.grade, a.redrill) for a in store.history()] == [
            ("pods-0", 2, False),
            ("pods-1", 5, False),
        ]
        assert store.answered_today(TODAY) == (2, 0)
        counts = store.deck_counts(TODAY)
        assert (counts[0].redo, counts[0].unseen) == (1, 0)


def test_review_command_on_postgres(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
    isolated_home: Path,
) -> None:
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 2)).parent
    runner = CliRunner()
    env = {"K8SPREP_NOW": NOW.isoformat(), "K8SPREP_DB": pg_url}
    assert runner.invoke(app, ["import", str(folder)], env=env).exit_code == 0
    result = runner.invoke(app, ["review"], input="5\n3\n4\n", env=env)
    assert result.exit_code == 0, result.output
    assert "Session over: 3 answered · 100% graded 3 or more · 1 re-drill." in result.output
    due = runner.invoke(app, ["due", "--json"], env=env)
    assert '"redo": 0' in due.output and '"next_due": "2026-11-27"' in due.output
