"""Exam mode, readiness and FSRS scheduling on PostgreSQL (booleans, meta rows, ORDER BY)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.schedule.config import Config
from flashcards.schedule.exam import Exam
from flashcards.schedule.queue import build_queue
from flashcards.store import Store
from flashcards.store.verify import verify_database
from tests.review_helpers import make_deck, write_deck
from tests.test_postgres import pg_server, pg_url  # noqa: F401  (the server fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TODAY = date(2026, 11, 26)


def test_exam_queue_fsrs_and_verify_on_postgres(pg_url: str) -> None:  # noqa: F811
    with Store.open(pg_url) as store:
        store.sync_decks([make_deck(1, "pods", 6), make_deck(2, "volumes", 4)])
        store.set_suspended("volumes-3", True)
        exam = Exam(TODAY + timedelta(days=3), 3, 4, ("pods",), set_on=TODAY)
        store.set_exam(exam)
        assert store.exam() == exam
        store.use_scheduler("fsrs", 0.9)
        for offset in range(3):
            day = TODAY + timedelta(days=offset)
            queue = build_queue(store, day, Config(new_per_day=2), exam=store.exam())
            assert len(queue.due + queue.new) <= 4
            for card_id in queue.cards:
                at = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
                store.record_review(card_id, time=at, day=day, grade=4)
        seen = {a.card_id for a in store.history() if a.day >= exam.window_start}
        assert {f"pods-{i}" for i in range(6)} <= seen
        assert store.exam_progress(exam, Config(), TODAY + timedelta(days=2)).remaining == 0
        assert verify_database(store.db).ok
        assert store.set_exam(None) is True and store.exam() is None


def test_exam_and_readiness_commands_on_postgres(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
    isolated_home: Path,
) -> None:
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 5)).parent
    runner = CliRunner()
    env = {"K8SPREP_NOW": "2026-11-26T09:30:00", "K8SPREP_DB": pg_url}
    assert runner.invoke(app, ["import", str(folder)], env=env).exit_code == 0
    assert (
        runner.invoke(app, ["exam", "set", "2026-12-01", "--window", "2"], env=env).exit_code == 0
    )
    assert runner.invoke(app, ["review"], input="4\n" * 10 + "\n", env=env).exit_code == 0
    shown = json.loads(runner.invoke(app, ["exam", "show", "--json"], env=env).stdout)
    assert (shown["cards"], shown["remaining"]) == (5, 5)
    for _ in range(2):  # the second run reads the cached memory states
        report = json.loads(runner.invoke(app, ["readiness", "--json"], env=env).stdout)
        assert report["at"] == "2026-12-01"
        assert report["chapters"][0]["cards"] == 5 and report["chapters"][0]["unseen"] == 0
