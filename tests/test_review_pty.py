"""``k8sprep review`` in a real pseudo-terminal: single key presses, and a terminal left sane."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pexpect
import pytest

from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck

NOW = "2026-11-26T09:30:00"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 3)).parent
    result = run_k8sprep(["import", str(folder)], env=k8sprep_env(home, NOW))
    assert result.returncode == 0, result.stderr
    return home


def spawn_review(home: Path) -> pexpect.spawn:
    """``k8sprep review`` in a pty, followed by ``stty -a`` to show the terminal it left."""
    review = shlex.join([sys.executable, "-m", "flashcards", "review"])
    child = pexpect.spawn(
        "/bin/sh",
        # The shell traps Ctrl-C (a handler, not "ignore", so the review still gets it)
        # to live on and report the terminal state afterwards.
        ["-c", f"trap 'true' INT; {review}; echo exit=$?; stty -a"],
        env=k8sprep_env(home, NOW),
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 160),
    )
    child.expect_exact("── 01 Chapter 1 · 1/3 · concept ──")
    child.expect_exact("Question 0 of chapter-1?")
    return child


def terminal_restored(child: pexpect.spawn) -> None:
    """After the review, line editing and echo are back on (``icanon``, ``echo``)."""
    child.expect(pexpect.EOF)
    flags = child.before.split()
    assert "icanon" in flags and "-icanon" not in flags
    assert "echo" in flags and "-echo" not in flags


def test_reveal_grade_undo_and_quit_with_single_keys(home: Path) -> None:
    child = spawn_review(home)
    child.send(" ")  # no Enter needed: one key press
    child.expect_exact("Answer 0 of chapter-1.")
    child.expect_exact("Grade: 0 blackout")
    child.send("4")
    child.expect_exact("Graded 4: next review 2026-11-27.")
    child.expect_exact("── 01 Chapter 1 · 2/3 · flow ──")
    child.send("u")
    child.expect_exact("Undid grade 4 of chapter-1-0.")
    child.expect_exact("── 01 Chapter 1 · 1/3 · concept ──")
    child.send("5")  # a grade before the answer is seen only reveals it
    child.expect_exact("Answer 0 of chapter-1.")
    child.expect_exact("Now grade it: 0-5.")
    child.send("5")
    child.expect_exact("Graded 5: next review 2026-11-27.")
    child.expect_exact("── 01 Chapter 1 · 2/3 · flow ──")
    child.send("\r")  # Enter reveals too
    child.expect_exact("[a] -> [b1]")
    child.send("x")
    child.expect_exact("Unknown input 'x'")
    child.send("q")
    child.expect_exact("Session over: 1 answered · 100% graded 3 or more · 0 re-drills.")
    child.expect_exact("exit=0")
    terminal_restored(child)
    db = home / "k8sprep.db"
    assert table_rows(db, "SELECT card_id, grade, redrill FROM review_log") == [
        ("chapter-1-0", 5, 0)
    ]
    assert table_rows(
        db, "SELECT repetitions, interval_days, due FROM card_state WHERE card_id = 'chapter-1-0'"
    ) == [(1, 1, "2026-11-27")]
    assert table_rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_ctrl_c_ends_with_the_summary_and_keeps_answers(home: Path) -> None:
    child = spawn_review(home)
    child.send("3")
    child.expect_exact("Now grade it")
    child.send("3")  # below 4: queued again, so the total grows
    child.expect_exact("── 01 Chapter 1 · 2/4 · flow ──")
    child.sendintr()
    child.expect_exact("Session over: 1 answered")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert table_rows(home / "k8sprep.db", "SELECT grade FROM review_log") == [(3,)]


def test_finishing_the_queue_ends_the_session(home: Path) -> None:
    child = spawn_review(home)
    for header in ("2/3 · flow", "3/3 · recall"):
        child.send(" ")
        child.send("5")
        child.expect_exact(f"── 01 Chapter 1 · {header} ──")
    child.send(" ")
    child.send("4")
    child.expect_exact("Session over: 3 answered · 100% graded 3 or more · 0 re-drills.")
    child.expect_exact("Next: 3 cards due tomorrow (2026-11-27).")
    child.expect_exact("exit=0")
    terminal_restored(child)
