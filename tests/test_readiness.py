"""``k8sprep readiness`` on a known log: predicted recall as py-fsrs itself computes it."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.schedule.memory import ShadowFSRS, fsrs_moment, rating_of
from flashcards.store import Store
from tests.review_helpers import make_deck

runner = CliRunner()
DAY = date(2026, 11, 2)
LOG = {  # card -> [(days after DAY, grade)]; re-drills on the same day included
    "pods-0": [(0, 5), (1, 4), (7, 4)],
    "pods-1": [(0, 2), (0, 4), (1, 3)],
    "pods-2": [(0, 1), (0, 2), (0, 5), (2, 0), (2, 4)],
    "volumes-0": [(3, 5)],
}


def expected_recall(answers: list[tuple[int, int]], on: date) -> float:
    """py-fsrs's own answer: review_card for every logged answer, then retrievability."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card()
    for offset, grade in answers:
        moment = fsrs_moment(DAY + timedelta(days=offset))
        card, _ = scheduler.review_card(card, Rating(rating_of(grade)), moment)
    return scheduler.get_card_retrievability(card, fsrs_moment(on))


@pytest.fixture
def db(isolated_home: Path) -> Path:
    path = isolated_home / "k8sprep.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_decks([make_deck(1, "pods", 4), make_deck(2, "volumes", 2)])
        moment = 0
        for card_id, answers in sorted(LOG.items(), key=lambda item: item[1][0][0]):
            for offset, grade in answers:
                moment += 1
                day = DAY + timedelta(days=offset)
                when = datetime.combine(day, datetime.min.time()) + timedelta(
                    hours=9, minutes=moment
                )
                store.record_review(card_id, time=when, day=day, grade=grade)
    return path


def test_readiness_json_on_a_known_log(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-20T10:00:00")
    result = runner.invoke(app, ["readiness", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    tomorrow = date(2026, 11, 21)
    pods = [expected_recall(LOG[f"pods-{i}"], tomorrow) for i in range(3)]
    volumes = expected_recall(LOG["volumes-0"], tomorrow)
    assert report["at"] == "2026-11-21"
    assert report["chapters"] == [
        {
            "deck": "pods",
            "cards": 4,
            "unseen": 1,  # pods-3: never reviewed, counted as 0
            "below_0_8": sum(r < 0.8 for r in pods),
            "predicted_recall": round(sum(pods) / 4, 3),
        },
        {
            "deck": "volumes",
            "cards": 2,
            "unseen": 1,
            "below_0_8": int(volumes < 0.8),
            "predicted_recall": round(volumes / 2, 3),
        },
    ]
    assert report["overall"] == round((sum(pods) + volumes) / 6, 3)


def test_on_the_exam_morning_and_only_the_exam_decks(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-20T10:00:00")
    assert runner.invoke(app, ["exam", "set", "2026-12-01", "--deck", "volumes"]).exit_code == 0
    report = json.loads(runner.invoke(app, ["readiness", "--json"]).stdout)
    assert report["at"] == "2026-12-01"
    assert [c["deck"] for c in report["chapters"]] == ["volumes"]
    recall = expected_recall(LOG["volumes-0"], date(2026, 12, 1))
    assert report["chapters"][0]["predicted_recall"] == round(recall / 2, 3)
    text = runner.invoke(app, ["readiness"]).stdout.splitlines()
    assert text[0].startswith("Predicted recall on 2026-12-01 (exam morning): ")
    assert "1 never reviewed: start them" in text[1]
    assert "█" in text[1] and "░" in text[1]


def test_the_cached_states_follow_new_answers_and_undo(db: Path) -> None:
    shadow = ShadowFSRS()
    with Store.open(f"sqlite:///{db}") as store:
        first = store.memory_states(shadow)
        again = store.memory_states(shadow)  # from the cache
        assert (again.ids, again.stability, again.last_day) == (
            first.ids, first.stability, first.last_day,
        )  # fmt: skip
        day = DAY + timedelta(days=10)
        answer = store.record_review(
            "pods-0", time=datetime.combine(day, datetime.min.time()), day=day, grade=2
        )
        after = store.memory_states(shadow)
        expected = shadow.replay([(DAY + timedelta(days=o), g) for o, g in LOG["pods-0"]])
        assert after.get("pods-0") == shadow.step(expected, 2, day)
        store.undo_review(answer.log_id)
        assert store.memory_states(shadow).get("pods-0") == expected
        # An undo that is not of the newest answer is seen too (the log shrank below).
        at = datetime.combine(day, datetime.min.time())
        middle = store.record_review("pods-3", time=at, day=day, grade=5)
        store.record_review("volumes-1", time=at, day=day, grade=5)
        assert store.memory_states(shadow).get("pods-3") is not None
        store.undo_review(middle.log_id)
        assert store.memory_states(shadow).get("pods-3") is None
        for card_id, answers in LOG.items():
            replayed = shadow.replay([(DAY + timedelta(days=o), g) for o, g in answers])
            assert store.memory_states(shadow).get(card_id) == replayed


def test_no_database_yet_is_an_empty_report(isolated_home: Path) -> None:
    result = runner.invoke(app, ["readiness", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["chapters"] == []
    assert not (isolated_home / "k8sprep.db").exists()


def test_suspended_cards_do_not_count(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-20T10:00:00")
    runner.invoke(app, ["readiness"])  # cache the memory states first
    assert runner.invoke(app, ["card", "pods-1", "--suspend"]).exit_code == 0
    report = json.loads(runner.invoke(app, ["readiness", "--json"]).stdout)
    tomorrow = date(2026, 11, 21)
    pods = [expected_recall(LOG[f"pods-{i}"], tomorrow) for i in (0, 2)]
    assert report["chapters"][0]["cards"] == 3
    assert report["chapters"][0]["predicted_recall"] == round(sum(pods) / 3, 3)
