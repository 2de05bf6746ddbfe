"""A review killed with SIGKILL loses nothing it confirmed; two sessions at once lose nothing."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flashcards.schedule.sm2 import SM2State, review
from flashcards.store import Store
from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck

NOW = "2026-11-26T09:30:00"
HEADER = re.compile(r"^── .* · (\d+)/(\d+) · ")


def prepare(tmp_path: Path, cards: int) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    env = k8sprep_env(home, NOW)
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", cards)).parent
    assert run_k8sprep(["import", str(folder)], env=env).returncode == 0
    return home / "k8sprep.db", env


def start_review(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flashcards", "review", "--new", "100", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=env,
        cwd=ROOT,
    )


def reap(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Wait for ``process``, read what is left of its output and close its pipes."""
    if process.stdin is not None and not process.stdin.closed:
        process.stdin.close()
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    process.wait(timeout=120)
    process.stdout.close()
    process.stderr.close()
    return out, err


def wait_for_card(process: subprocess.Popen[str]) -> int:
    """Read output up to the next card header; its position (``3`` of ``3/17``)."""
    assert process.stdout is not None
    for line in process.stdout:
        found = HEADER.match(line)
        if found:
            return int(found.group(1))
    raise AssertionError("the review ended before showing another card")


def consistent(db: Path) -> None:
    """Every card's state is what its log says: no half-written answer anywhere."""
    assert table_rows(db, "PRAGMA integrity_check") == [("ok",)]
    last_rows = table_rows(
        db,
        "SELECT s.card_id, s.repetitions, s.interval_days, s.easiness, s.due, "
        "r.after_repetitions, r.after_interval, r.after_easiness, r.after_due "
        "FROM card_state s JOIN review_log r ON r.id = "
        "(SELECT MAX(id) FROM review_log WHERE card_id = s.card_id)",
    )
    for row in last_rows:
        assert row[1:5] == row[5:9], row
    unanswered = table_rows(
        db,
        "SELECT COUNT(*) FROM card_state s WHERE s.due IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM review_log r WHERE r.card_id = s.card_id)",
    )
    assert unanswered == [(0,)]


def test_kill_9_mid_session_keeps_every_confirmed_grade(tmp_path: Path) -> None:
    db, env = prepare(tmp_path, 10)
    process = start_review(env, "--db", str(db))
    assert process.stdin is not None
    grades = [5, 3, 4, 0, 5, 4]
    assert wait_for_card(process) == 1
    for grade in grades:
        process.stdin.write(f"{grade}\n")
        process.stdin.flush()
        wait_for_card(process)  # the next card shows only after the answer is committed
    process.send_signal(signal.SIGKILL)
    reap(process)
    assert process.returncode == -signal.SIGKILL
    logged = table_rows(db, "SELECT card_id, grade, redrill FROM review_log ORDER BY id")
    assert logged == [(f"chapter-1-{i}", g, 0) for i, g in enumerate(grades)]
    for index, grade in enumerate(grades):
        expected = review(SM2State(), grade)
        state = table_rows(
            db,
            "SELECT repetitions, interval_days, easiness FROM card_state "
            f"WHERE card_id = 'chapter-1-{index}'",
        )
        assert state == [(expected.repetitions, expected.interval, expected.easiness_hundredths)]
    consistent(db)
    with Store.open(f"sqlite:///{db}") as store:  # the next session opens it normally
        assert len(list(store.history())) == len(grades)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_random_moments_never_leaves_half_an_answer(tmp_path: Path, seed: int) -> None:
    db, env = prepare(tmp_path, 200)
    rng = random.Random(seed)
    process = start_review(env, "--db", str(db))
    assert process.stdin is not None
    wait_for_card(process)
    process.stdin.write("".join(f"{rng.choice('012345')}\n" for _ in range(400)))
    process.stdin.flush()
    time.sleep(rng.uniform(0.05, 0.6))
    process.send_signal(signal.SIGKILL)
    reap(process)
    consistent(db)


def test_two_sessions_at_once_lose_nothing_and_apply_nothing_twice(tmp_path: Path) -> None:
    cards = 25
    db, env = prepare(tmp_path, cards)
    first = start_review(env, "--db", str(db))
    second = start_review(env)  # the same database, found through K8SPREP_HOME
    assert wait_for_card(first) == wait_for_card(second) == 1  # both queues hold every card
    for process, grade in ((first, 5), (second, 4)):
        assert process.stdin is not None
        process.stdin.write(f"{grade}\n" * cards)
        process.stdin.close()
    outputs = [reap(process) for process in (first, second)]
    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert err == ""
        assert f"Session over: {cards} answered" in out
    logged = table_rows(db, "SELECT card_id, grade, redrill FROM review_log ORDER BY id")
    assert len(logged) == 2 * cards  # not one answer lost
    for index in range(cards):
        card = f"chapter-1-{index}"
        answers = [(grade, redrill) for card_id, grade, redrill in logged if card_id == card]
        assert sorted(redrill for _, redrill in answers) == [0, 1]
        scheduling_grade = next(grade for grade, redrill in answers if not redrill)
        expected = review(SM2State(), scheduling_grade)  # applied once, whoever came first
        state = table_rows(
            db,
            f"SELECT repetitions, interval_days, easiness FROM card_state WHERE card_id = '{card}'",
        )
        assert state == [(expected.repetitions, expected.interval, expected.easiness_hundredths)]
    consistent(db)


def test_wal_mode_and_busy_timeout_are_set_on_every_connection(tmp_path: Path) -> None:
    db, _ = prepare(tmp_path, 1)
    assert table_rows(db, "PRAGMA journal_mode") == [("wal",)]
    with Store.open(f"sqlite:///{db}") as store:
        assert store.db.rows("PRAGMA busy_timeout") == [(5000,)]
    assert not os.path.exists(f"{db}-journal")
