"""``k8sprep review`` in a real pseudo-terminal: single key presses, and a terminal left sane."""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path

import pexpect
import pytest

from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.schedule.sm2 import GRADE_LEGEND
from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck

NOW = "2026-11-26T09:30:00"
LAST_CARD = "That was the last card: u undoes it, any other key ends the session."


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 3)).parent
    result = run_k8sprep(["import", str(folder)], env=k8sprep_env(home, NOW))
    assert result.returncode == 0, result.stderr
    return home


def spawn_k8sprep_review(home: Path, *, columns: int) -> pexpect.spawn:
    """``k8sprep review`` in a pty ``columns`` wide, then ``stty -a``: the terminal it left."""
    review = shlex.join([sys.executable, "-m", "flashcards", "review"])
    env = k8sprep_env(home, NOW)
    for name in ("COLUMNS", "LINES"):  # they would override the pty's own size
        env.pop(name, None)
    return pexpect.spawn(
        "/bin/sh",
        # The shell traps Ctrl-C (a handler, not "ignore", so the review still gets it)
        # to live on and report the terminal state afterwards.
        ["-c", f"trap 'true' INT; {review}; echo exit=$?; stty -a"],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, columns),
    )


def spawn_review(home: Path) -> pexpect.spawn:
    """The review of the three-card fixture deck, first card on screen."""
    child = spawn_k8sprep_review(home, columns=160)
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
    child.expect_exact(LAST_CARD)
    child.sendintr()  # Ctrl-C at the offer ends the session as any other key
    child.expect_exact("Session over: 3 answered · 100% graded 3 or more · 0 re-drills.")
    child.expect_exact("Next: 3 cards due tomorrow (2026-11-27).")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert table_rows(home / "k8sprep.db", "SELECT grade FROM review_log ORDER BY id") == [
        (5,),
        (5,),
        (4,),
    ]


def test_u_after_the_last_card_brings_it_back_to_be_graded_again(home: Path) -> None:
    child = spawn_review(home)
    for header in ("2/3 · flow", "3/3 · recall"):
        child.send(" ")
        child.send("5")
        child.expect_exact(f"── 01 Chapter 1 · {header} ──")
    child.send(" ")
    child.expect_exact("Answer 2 of chapter-1.")
    child.send("4")  # meant 5
    child.expect_exact("Graded 4: next review 2026-11-27.")
    child.expect_exact(LAST_CARD)
    child.send("u")
    child.expect_exact("Undid grade 4 of chapter-1-2.")
    child.expect_exact("── 01 Chapter 1 · 3/3 · recall ──")  # the card is back, unrevealed
    child.expect_exact("Question 2 of chapter-1?")
    child.send("5")  # a grade before the answer is seen only reveals it, as for any card
    child.expect_exact("Answer 2 of chapter-1.")
    child.expect_exact("Now grade it: 0-5.")
    child.send("5")
    child.expect_exact("Graded 5: next review 2026-11-27.")
    child.expect_exact(LAST_CARD)
    child.send("n")  # any other key ends
    child.expect_exact("Session over: 3 answered · 100% graded 3 or more · 0 re-drills.")
    child.expect_exact("exit=0")
    terminal_restored(child)
    db = home / "k8sprep.db"
    assert table_rows(db, "SELECT card_id, grade, redrill FROM review_log ORDER BY id") == [
        ("chapter-1-0", 5, 0),
        ("chapter-1-1", 5, 0),
        ("chapter-1-2", 5, 0),
    ]
    # The state is the one a single 5 gives (easiness 2.60; a 4 would have left 2.50).
    assert table_rows(
        db,
        "SELECT repetitions, interval_days, easiness, due, last_grade FROM card_state "
        "WHERE card_id = 'chapter-1-2'",
    ) == [(1, 1, 260, "2026-11-27", 5)]


# Cards written without a width in mind: prose far longer than 80 columns, list lines,
# an interview trap, a long source section, and a diagram wider than 80 columns.
WIDE_DIAGRAM = "\n".join(
    [
        "┌────────────┐    ┌────────────┐    ┌────────────┐    ┌────────────┐    ┌────────────┐",
        "│   pod fs   │ -> │  scratch   │ -> │ persistent │ -> │  snapshot  │ -> │   backup   │",
        "└────────────┘    └────────────┘    └────────────┘    └────────────┘    └────────────┘",
    ]
)
SECTION = "Pods are temporary, so storage must be explicit and claims split supply from demand"
LONG_CARDS = (
    Card(
        id="long-concept",
        kind=Kind.CONCEPT,
        front="Pods are temporary, so storage must be explicit: complete the takeaway about "
        "why writable container layers vanish whenever the scheduler replaces a pod "
        "elsewhere. “Not all writes deserve ___.”",
        back="Not all writes deserve durability.\nPersistent data needs an explicit storage "
        "contract outside pod replacement, reconciled by the provisioning controller and "
        "the kubelet together.",
        source=Source("05-storage-in-kubernetes.txt", SECTION),
    ),
    Card(
        id="long-flow",
        kind=Kind.FLOW,
        front="What are the stages of “state choices”, in order? (Pods are temporary, so "
        "storage must be explicit)",
        back="pod fs (ephemeral) → scratch (cache space) → persistent (real data) → snapshot "
        "(point in time) → backup (off cluster)",
        source=Source("05-storage-in-kubernetes.txt", SECTION),
        diagram=WIDE_DIAGRAM,
    ),
    Card(
        id="long-interview",
        kind=Kind.INTERVIEW,
        front="Why can dynamic provisioning still feel slow when a StatefulSet scales out onto "
        "freshly autoscaled nodes?",
        back="The controller must create, attach, and mount real storage before the pod becomes "
        "ready. That workflow can take noticeable time, especially on fresh nodes or busy "
        "backends.",
        wrong_answer="Because Kubernetes storage is always slower than local disks, so every "
        "PersistentVolumeClaim adds seconds of latency to each write.",
        source=Source("05-storage-in-kubernetes.txt", "Interview Q&A"),
    ),
    Card(
        id="long-practice",
        kind=Kind.PRACTICE,
        front="Apply now (5 min): List one workload you know and separate cache data from "
        "durable data. Choose a claim size, access mode, and storage class for it.",
        back="Self-check, did you:\n"
        "1. List one workload you know and separate cache data from durable data, naming "
        "which directories hold each.\n"
        "2. Choose a claim size, access mode, and storage class for it.",
        source=Source("05-storage-in-kubernetes.txt", "Apply now (5 min)"),
    ),
)
TWO_LINE_LEGEND = [
    "Grade: 0 blackout · 1 wrong, familiar · 2 wrong, easy to recall",
    "       3 right, hard · 4 right, hesitant · 5 perfect",
]


@pytest.fixture
def long_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    deck = Deck("05 Storage", ChapterInfo(5, "storage", "Storage"), LONG_CARDS)
    folder = write_deck(tmp_path / "decks", deck).parent
    result = run_k8sprep(["import", str(folder)], env=k8sprep_env(home, NOW))
    assert result.returncode == 0, result.stderr
    return home


def review_all(child: pexpect.spawn, cards: int) -> list[str]:
    """Reveal and pass ``cards`` cards; the lines printed since ``child`` was spawned (or its
    ``logfile_read`` was set) until the review ended."""
    screen = child.logfile_read or io.StringIO()
    child.logfile_read = screen
    for _ in range(cards):
        child.send(" ")
        child.expect_exact("Grade: 0 blackout")
        child.send("5")
        child.expect_exact("Graded 5")
    child.expect_exact("That was the last card:")  # the rest may be wrapped
    child.send("q")
    child.expect_exact("Session over")
    child.expect_exact("exit=0")
    terminal_restored(child)
    text = without_codes(screen.getvalue().split("exit=0")[0])
    return text.replace("\r\n", "\n").split("\n")


def without_codes(text: str) -> str:
    """``text`` without the screen's escape codes (screen switches, clearing, colour)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space: words and their order only."""
    return " ".join(text.split())


def test_an_80_column_terminal_gets_whole_words_within_80_columns(long_home: Path) -> None:
    child = spawn_k8sprep_review(long_home, columns=80)
    child.logfile_read = io.StringIO()
    child.expect_exact("Q: Pods are temporary")  # keys sent before would be echoed
    lines = review_all(child, len(LONG_CARDS))
    too_wide = [line for line in lines if len(line) > 80]
    assert too_wide == []
    # The diagram is wider than the terminal: a notice, not box lines folded by the terminal.
    screen = "\n".join(lines)
    assert WIDE_DIAGRAM.split("\n")[0] not in screen
    columns = len(WIDE_DIAGRAM.split("\n")[0])
    assert f"diagram is {columns} columns; widen the window" in lines
    # No word split: the texts' words come out whole and in order, whitespace aside.
    words = flat(screen)
    for card in LONG_CARDS:
        for text in (card.front, card.back, card.wrong_answer, card.source.section):
            assert flat(text) in words, text
    # List lines stay lines; the too-long one hangs its continuation under its text.
    assert "   1. List one workload you know and separate cache data from durable data," in lines
    assert "      naming which directories hold each." in lines
    assert "   2. Choose a claim size, access mode, and storage class for it." in lines
    # The legend keeps every grade's meaning, on two lines that fit.
    assert lines.count(TWO_LINE_LEGEND[0]) == len(LONG_CARDS)
    assert lines.count(TWO_LINE_LEGEND[1]) == len(LONG_CARDS)
    assert all(GRADE_LEGEND[grade] in words for grade in GRADE_LEGEND)
    # Question, answer and trap are told apart at a glance.
    assert any(line.startswith("Q: Pods are temporary") for line in lines)
    assert any(line.startswith("A: The controller must create") for line in lines)
    assert any(line.startswith("✗ Trap to avoid: Because Kubernetes") for line in lines)
    assert any(
        line.startswith("── 05 Storage · 1/4 · concept ─") and len(line) == 80 for line in lines
    )


def test_a_wide_terminal_keeps_lines_whole_and_a_resize_rewraps_the_next_card(
    long_home: Path,
) -> None:
    child = spawn_k8sprep_review(long_home, columns=160)
    child.expect_exact("Q: Pods are temporary, so storage must be explicit: complete the takeaway")
    child.send(" ")
    # 160 columns hold the whole second line of the answer and the one-line legend.
    whole = "   " + LONG_CARDS[0].back.split("\n")[1]  # in colour: green to the line's end
    child.expect(re.escape(whole) + r"(\x1b\[0m)?\r\n")
    child.expect_exact(
        "Grade: " + " · ".join(f"{g} {GRADE_LEGEND[g]}" for g in sorted(GRADE_LEGEND)) + "\r\n"
    )
    child.setwinsize(50, 60)  # the terminal is made narrower between two cards
    child.logfile_read = io.StringIO()
    child.send("5")
    child.expect_exact("Graded 5")
    lines = review_all(child, len(LONG_CARDS) - 1)
    # Card 2 is drawn after the resize: it and those after it fit 60 columns.
    after = lines[next(i for i, line in enumerate(lines) if "2/4 · flow" in line) :]
    assert [line for line in after if len(line) > 60] == []
    assert "A: The controller must create, attach, and mount real" in after
