"""``verify``: integrity plus every card state against a replay of its log."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import flashcards
from flashcards.cli import app
from flashcards.files.decks import load_decks
from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.verify import verify_database
from tests.review_helpers import make_deck

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v1.db"
START = datetime(2026, 11, 20, 9, 0)
with closing(sqlite3.connect(FIXTURE)) as _fixture:
    IDS = [row[0] for row in _fixture.execute("SELECT id FROM card")]
"""The fixture's cards (the bundled deck of the first release)."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The first-release fixture, upgraded: 33 answers with re-drills, a lapse, an undo."""
    path = tmp_path / "k8sprep.db"
    shutil.copyfile(FIXTURE, path)
    flashcards.upgrade(path, backup_dir=None)
    return path


def problems(path: Path) -> list[str]:
    with Store.open(f"sqlite:///{path}") as store:
        return [str(p) for p in verify_database(store.db).problems]


def tamper(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = OFF")
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def test_the_fixture_verifies(db: Path) -> None:
    with Store.open(f"sqlite:///{db}") as store:
        report = verify_database(store.db)
    assert report.ok and report.integrity_checked
    assert (report.cards, report.answers) == (len(IDS), 33)


CARD = "storage-in-kubernetes-concept-ee5ed1158f"  # five answers over two weeks


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            f"UPDATE card_state SET interval_days = interval_days + 1 WHERE card_id = '{CARD}'",
            f"card {CARD}: stored state is (reps 3 ivl 17d",
        ),
        (
            f"UPDATE card_state SET lapses = 4 WHERE card_id = '{CARD}'",
            "lapses 4 last day 2026-11-15 grade 5), replaying the log gives",
        ),
        (
            f"UPDATE card_state SET last_grade = 1 WHERE card_id = '{CARD}'",
            f"card {CARD}: stored state is",
        ),
        (
            f"UPDATE review_log SET after_easiness = 190 WHERE card_id = '{CARD}' AND id = "
            f"(SELECT MIN(id) FROM review_log WHERE card_id = '{CARD}')",
            f"card {CARD}: answer 1 (2026-11-02): state after it is (reps 1 ivl 1d ease 1.90",
        ),
        (
            f"UPDATE review_log SET grade = 3 WHERE card_id = '{CARD}' AND id = "
            f"(SELECT MIN(id) FROM review_log WHERE card_id = '{CARD}')",
            f"card {CARD}: answer 1 (2026-11-02): state after it is",
        ),
        (
            f"UPDATE review_log SET redrill = 1 WHERE card_id = '{CARD}' AND id = "
            f"(SELECT MAX(id) FROM review_log WHERE card_id = '{CARD}')",
            "logged as a re-drill, but the log before it says otherwise",
        ),
        (  # an answer removed from the middle, not undone: its effect is still there
            f"DELETE FROM review_log WHERE id = (SELECT MIN(id) FROM review_log "
            f"WHERE card_id = '{CARD}')",
            "state before it is (reps 1",
        ),
        (
            "INSERT INTO review_log SELECT 9999, 'no-such-card', answered_at, day, grade, "
            "redrill, answer_ms, before_repetitions, before_interval, before_easiness, "
            "before_due, before_lapses, after_repetitions, after_interval, after_easiness, "
            "after_due, after_lapses, typed_answer, verdict FROM review_log LIMIT 1",
            "integrity: row 9999 of review_log points to a missing card",
        ),
        (
            f"DELETE FROM card_state WHERE card_id = '{IDS[-1]}'",
            f"card {IDS[-1]}: has no review state",
        ),
        (
            f"UPDATE card_state SET deck = 'another-deck' WHERE card_id = '{CARD}'",
            f"card {CARD}: state names deck 'another-deck', the card is in",
        ),
        (
            f"UPDATE card_state SET easiness = 20 WHERE card_id = '{CARD}'",
            f"card {CARD}: unreadable state (easiness must be at least 1.30, got 0.20)",
        ),
    ],
)
def test_every_kind_of_damage_is_found(db: Path, statement: str, expected: str) -> None:
    assert problems(db) == []
    tamper(db, statement)
    found = problems(db)
    assert any(expected in line for line in found), found


def test_a_damaged_file_reports_integrity_and_stops(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 3 + 200, len(data), 4096):
        data[offset : offset + 32] = b"\x00\xff" * 16
    db.write_bytes(bytes(data))
    found = problems(db)
    assert found and all(line.startswith("integrity: ") for line in found)


def test_undo_and_redrills_leave_nothing_to_explain(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_decks(load_decks())
        day = study_day(START)
        for grade in (1, 2, 3, 5):  # a lapse-free first answer, then re-drills
            store.record_review(IDS[0], time=START, day=day, grade=grade)
        undone = store.record_review(IDS[1], time=START, day=day, grade=0)
        store.undo_review(undone.log_id)
        later = START + timedelta(days=1)
        answer = store.record_review(IDS[0], time=later, day=study_day(later), grade=4)
        store.undo_review(answer.log_id)
        assert verify_database(store.db).ok


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 5), st.booleans()),
        max_size=60,
    )
)
def test_any_sequence_of_answers_and_undos_verifies(
    steps: list[tuple[int, int, int, bool]],
) -> None:
    """(card, days later, grade, undo it): whatever the store records replays exactly."""
    with Store.open("sqlite://") as store:
        store.sync_decks(load_decks())
        moment = START
        for card, days, grade, undo in steps:
            moment += timedelta(days=days, minutes=7)
            answer = store.record_review(IDS[card], time=moment, day=study_day(moment), grade=grade)
            if undo:
                store.undo_review(answer.log_id)
        report = verify_database(store.db)
        assert report.ok, report.problems


def test_verify_command(db: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(app, ["verify", "--db", str(db)])
    assert good.exit_code == 0
    assert good.output == (
        f"integrity ok, {len(IDS)} cards and 33 answers: every state matches its replayed log\n"
    )
    tamper(
        db,
        f"UPDATE card_state SET interval_days = 99 WHERE card_id IN ('{IDS[0]}', '{IDS[2]}')",
    )
    bad = runner.invoke(app, ["verify", "--db", str(db)])
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("problem: card ") for line in lines[:2])
    assert lines[2] == f"k8sprep: 2 problems found in {db}"


def test_verify_command_counts_one_card_and_one_answer(tmp_path: Path) -> None:
    path = tmp_path / "one.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_decks([make_deck(1, "solo", 1)])
        store.record_review("solo-0", time=START, day=study_day(START, 4), grade=4)
    result = CliRunner().invoke(app, ["verify", "--db", str(path)])
    assert (result.exit_code, result.output) == (
        0,
        "integrity ok, 1 card and 1 answer: every state matches its replayed log\n",
    )
