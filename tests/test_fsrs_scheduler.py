"""``scheduler = "fsrs"``: FSRS due dates, switching both ways, ``verify`` by replay."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import ConfigError
from flashcards.schedule.config import parse_config
from flashcards.schedule.memory import fsrs_moment, rating_of
from flashcards.schedule.sm2 import SM2State, review
from flashcards.store import Store
from flashcards.store.verify import verify_database
from tests.review_helpers import make_deck

DAY = date(2026, 11, 2)
runner = CliRunner()


def at(day: date, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=minute)


def py_fsrs_due(answers: list[tuple[date, int]], retention: float) -> date:
    """py-fsrs's own due date after ``answers`` (no learning steps, no fuzz)."""
    scheduler = Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    card = Card()
    for day, grade in answers:
        card, _ = scheduler.review_card(card, Rating(rating_of(grade)), fsrs_moment(day))
    return card.due.date()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'k8sprep.db'}")
    opened.sync_decks([make_deck(1, "pods", 4)])
    return opened


def test_fsrs_due_dates_match_py_fsrs_and_sm2_numbers_go_on(store: Store) -> None:
    assert store.use_scheduler("fsrs", 0.85) is False  # nothing logged yet: no switch
    given: list[tuple[date, int]] = []
    sm2 = SM2State()
    for offset, grade in [(0, 4), (0, 5), (3, 2), (3, 4), (4, 5), (20, 3)]:
        day = DAY + timedelta(days=offset)
        redrill = bool(given) and given[-1][0] == day
        answer = store.record_review("pods-0", time=at(day, len(given)), day=day, grade=grade)
        given.append((day, grade))
        if not redrill:
            sm2 = review(sm2, grade)
            assert answer.after_due == py_fsrs_due(given, 0.85)
        assert answer.after == sm2  # SM-2's own numbers are kept alongside
    assert verify_database(store.db).ok


def test_switching_both_ways_reschedules_nothing_and_verifies(store: Store) -> None:
    store.record_review("pods-0", time=at(DAY), day=DAY, grade=4)
    store.record_review("pods-1", time=at(DAY, 1), day=DAY, grade=5)
    due_before = store.state("pods-1").due
    assert store.use_scheduler("fsrs", 0.9) is True  # a switch
    assert store.state("pods-1").due == due_before  # nothing rescheduled
    day = DAY + timedelta(days=1)
    fsrs_answer = store.record_review("pods-0", time=at(day), day=day, grade=4)
    assert fsrs_answer.after_due == py_fsrs_due([(DAY, 4), (day, 4)], 0.9)
    assert store.use_scheduler("fsrs", 0.9) is False
    assert store.use_scheduler("sm2", 0.9) is True  # and back
    later = day + timedelta(days=1)
    sm2_answer = store.record_review("pods-1", time=at(later), day=later, grade=4)
    assert sm2_answer.after_due == later + timedelta(days=6)  # SM-2's second interval
    assert store.state("pods-0").due == fsrs_answer.after_due  # kept after switching back
    assert len(list(store.history())) == 4  # every log row kept
    report = verify_database(store.db)
    assert report.ok, report.problems


def test_an_undone_answer_whose_id_is_reused_under_another_scheduler(store: Store) -> None:
    store.record_review("pods-0", time=at(DAY), day=DAY, grade=4)
    store.use_scheduler("fsrs", 0.9)
    day = DAY + timedelta(days=1)
    undone = store.record_review("pods-0", time=at(day), day=day, grade=5)
    store.undo_review(undone.log_id)
    store.use_scheduler("sm2", 0.9)
    again = store.record_review("pods-0", time=at(day), day=day, grade=5)
    assert again.log_id == undone.log_id  # SQLite reuses the newest id
    assert again.after_due == day + timedelta(days=6)
    assert verify_database(store.db).ok


def test_verify_finds_a_due_date_fsrs_does_not_give(store: Store, tmp_path: Path) -> None:
    store.use_scheduler("fsrs", 0.9)
    answer = store.record_review("pods-0", time=at(DAY), day=DAY, grade=4)
    store.close()
    wrong = (answer.after_due + timedelta(days=1)).isoformat()  # type: ignore[operator]
    connection = sqlite3.connect(tmp_path / "k8sprep.db")
    with connection:
        connection.execute("UPDATE review_log SET after_due = ?", (wrong,))
        connection.execute("UPDATE card_state SET due = ? WHERE card_id = 'pods-0'", (wrong,))
    connection.close()
    with Store.open(f"sqlite:///{tmp_path / 'k8sprep.db'}") as reopened:
        problems = verify_database(reopened.db).problems
    assert len(problems) == 2
    assert f"due {answer.after_due}" in str(problems[0])


def test_the_config_switch_through_review_and_verify(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-02T09:00:00")
    assert runner.invoke(app, ["review"], input="4\n" * 40 + "\n").exit_code == 0
    config = isolated_home / "config.toml"
    config.write_text('scheduler = "fsrs"\ndesired_retention = 0.8\n', encoding="utf-8")
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-03T09:00:00")
    result = runner.invoke(app, ["review"], input="4\n" * 40 + "\n")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("Scheduler: FSRS from now on (desired retention 0.8); memory states")
    assert runner.invoke(app, ["verify"]).exit_code == 0
    config.write_text('scheduler = "sm2"\n', encoding="utf-8")
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-05T09:00:00")
    result = runner.invoke(app, ["review"], input="4\n" * 40 + "\n")
    assert result.stdout.splitlines()[0] == (
        "Scheduler: SM-2 from now on; due dates already set are kept."
    )
    verified = runner.invoke(app, ["verify"])
    assert verified.exit_code == 0, verified.stdout


def test_drill_answers_are_scheduled_by_the_configured_scheduler(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``drill`` (and ``mock``) answer cards like ``review``: FSRS sets their due dates."""
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-02T09:00:00")
    assert runner.invoke(app, ["review"], input="4\n" * 40 + "\n").exit_code == 0
    config = isolated_home / "config.toml"
    config.write_text('scheduler = "fsrs"\ndesired_retention = 0.8\n', encoding="utf-8")
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-03T09:00:00")
    result = runner.invoke(app, ["drill", "--limit", "2"], input="no idea\n\n" * 2)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[0].startswith("Scheduler: FSRS from now on")
    with Store.open(isolated_home / "k8sprep.db") as store:
        retention_of = store.fsrs_retention_of()
        drilled = [a for a in store.history() if a.typed_answer is not None]
        assert len(drilled) == 2
        assert [retention_of(a.log_id) for a in drilled] == [0.8, 0.8]
    assert runner.invoke(app, ["verify"]).exit_code == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scheduler = "anki"\n', 'cfg.toml:1: scheduler must be "sm2" or "fsrs", got \'anki\''),
        ("desired_retention = 1.5\n", "cfg.toml:1: desired_retention must be a number from 0.7"),
        ('desired_retention = "high"\n', "cfg.toml:1: desired_retention must be a number"),
    ],
)
def test_bad_scheduler_settings_are_located_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "cfg.toml")
    assert str(caught.value).startswith(message)


def test_scheduler_settings_parse() -> None:
    config = parse_config('scheduler = "fsrs"\ndesired_retention = 0.85\n')
    assert (config.scheduler, config.desired_retention) == ("fsrs", 0.85)
    assert parse_config("").scheduler == "sm2"


def test_an_fsrs_history_exports_and_imports_alike(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = isolated_home / "config.toml"
    for day, scheduler in (("02", "sm2"), ("03", "fsrs"), ("05", "fsrs"), ("09", "sm2")):
        config.write_text(f'scheduler = "{scheduler}"\n', encoding="utf-8")
        monkeypatch.setenv("K8SPREP_NOW", f"2026-11-{day}T09:00:00")
        assert runner.invoke(app, ["review"], input="3\n4\n2\n5\n" * 10 + "\n").exit_code == 0
    exported = runner.invoke(app, ["history", "--json"]).stdout
    records = json.loads(exported)
    assert {r.get("scheduler") for r in records} == {None, "fsrs"}
    assert all(r["desired_retention"] == 0.9 for r in records if "scheduler" in r)
    history = tmp_path / "history.json"
    history.write_text(exported, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(history), "--db", str(fresh)])
    assert result.exit_code == 0, result.stderr
    assert runner.invoke(app, ["verify", "--db", str(fresh)]).exit_code == 0
    again = json.loads(runner.invoke(app, ["history", "--json", "--db", str(fresh)]).stdout)
    assert again == records
