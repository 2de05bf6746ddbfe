"""``k8sprep mock``: sampling, the clock, the report, confirmation, pipe and pty."""

from __future__ import annotations

import json
import random
import shlex
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pytest

from flashcards.cli.mock_screen import confirm, interview
from flashcards.drill.grading import Grade, Verdict
from flashcards.drill.mock import MockAnswer, report, sample, weight
from flashcards.model import Card, Kind
from flashcards.schedule.records import CardState, StoredCard
from flashcards.schedule.sm2 import SM2State
from tests.conftest import DRILL_NOW
from tests.review_helpers import ROOT, k8sprep_env, run_k8sprep, table_rows

NOW = DRILL_NOW  # the time the shared `home` fixture imported the deck at
TODAY = date(2026, 11, 26)
PVC = "storage-in-kubernetes-interview-081621a1c3"


def stored(card_id: str, chapter: int = 1, **state: Any) -> StoredCard:
    card = Card(card_id, Kind.INTERVIEW, f"Question {card_id}?", f"Answer {card_id}.")
    return StoredCard(card, f"ch{chapter}", f"{chapter:02d} Ch", chapter, False, CardState(**state))


def answer(card_id: str, chapter: int, verdict: str, suggested: int | None) -> MockAnswer:
    return MockAnswer(
        card_id, f"Q {card_id}", chapter, f"{chapter:02d} Ch", "typed", verdict, suggested, 12.0
    )


def test_weak_and_overdue_cards_are_asked_more_often() -> None:
    easy = stored("easy", due=TODAY, sm2=SM2State(repetitions=5, interval=30))
    lapsed = replace(stored("lapsed", lapses=3, due=TODAY, last_grade=1), chapter=1)
    overdue = stored("overdue", due=date(2026, 11, 6))
    assert weight(lapsed, TODAY) > weight(overdue, TODAY) > weight(easy, TODAY)
    rng = random.Random(5)
    firsts = [sample([easy, lapsed, overdue], TODAY, rng, 1)[0].card.id for _ in range(600)]
    assert firsts.count("lapsed") > firsts.count("overdue") > firsts.count("easy") > 0


def test_a_short_interview_still_spans_the_chapters() -> None:
    pool = [stored(f"a{n}", 1) for n in range(10)] + [stored("b0", 2), stored("c0", 3)]
    for seed in range(20):
        picked = sample(pool, TODAY, random.Random(seed), 3)
        assert sorted(s.chapter for s in picked) == [1, 2, 3]
    everything = sample(pool, TODAY, random.Random(1), 100)
    assert sorted(s.card.id for s in everything) == sorted(s.card.id for s in pool)


def test_report_pass_rate_traps_time_and_study_next() -> None:
    answers = [
        answer("a", 1, "right", 4),
        answer("b", 1, "trap", 1),
        answer("c", 2, "unsure", None),
        answer("d", 2, "right", 5),
    ]
    data = report(answers, started="2026-11-26T09:30:00", minutes=20)
    assert [(r["chapter"], r["passed"], r["answered"]) for r in data["chapters"]] == [
        (1, 1, 2),
        (2, 1, 2),
    ]
    assert [t["card_id"] for t in data["traps"]] == ["b"]
    assert [s["card_id"] for s in data["study_next"]] == ["b", "c"]  # the trap first
    assert data["seconds_per_answer"] == 12.0 and data["passed"] == 2


def test_the_clock_ends_the_interview_after_the_answer_in_progress() -> None:
    now = [0.0]

    def timer() -> float:
        return now[0]

    def grade(_: StoredCard, text: str) -> Grade:
        now[0] += 50  # each answer takes 50 s
        return Grade(Verdict.WRONG, 1, 0.0, 0.0, ())

    out: list[str] = []
    cards = [stored(f"c{n}") for n in range(10)]
    got = interview(
        cards, grade, iter(["x"] * 10), out.append, seconds=120, timer=timer, width=lambda: None
    )
    assert len(got) == 3  # at 0, 50 and 100 s; at 150 s time is up
    assert out[-1] == "Time is up."
    assert "── Mock interview · 1/10 · 02:00 left ──" in out[0]
    assert "── Mock interview · 3/10 · 00:20 left ──" in out[2]


@pytest.mark.parametrize(
    ("lines", "saved"),
    [
        (["n"], []),
        ([], []),
        (["", "3"], [("a", 4), ("b", 1), ("c", 3)]),  # every suggestion; unsure c is asked
        (["o", "", "5", "s"], [("a", 4), ("b", 5)]),
    ],
)
def test_confirmation(lines: list[str], saved: list[tuple[str, int]]) -> None:
    answers = [
        answer("a", 1, "right", 4),
        answer("b", 1, "trap", 1),
        answer("c", 2, "unsure", None),
    ]
    recorded: list[tuple[str, int]] = []
    confirm(answers, iter(lines), lambda _: None, lambda a, g: recorded.append((a.card_id, g)))
    assert recorded == saved


def test_mock_from_a_pipe_saves_the_report_and_only_confirmed_grades(home: Path) -> None:
    env = k8sprep_env(home, NOW)
    result = run_k8sprep(["mock", "--seed", "1", "--deck", "5"], env=env, stdin="\n\n\nq\nn\n")
    assert result.returncode == 0, result.stderr
    assert "── Mock interview · 1/" in result.stdout and " · 20:00 left ──" in result.stdout
    assert "Mock interview of 2026-11-26T09:30:00 (20 min): 0/3 passed" in result.stdout
    assert "Grades saved to your schedule: 0 of 3." in result.stdout
    assert table_rows(home / "k8sprep.db", "SELECT COUNT(*) FROM review_log") == [(0,)]
    saved = list((home / "mocks").glob("mock-*.json"))
    assert [p.name for p in saved] == ["mock-20261126-093000.json"]
    last = run_k8sprep(["mock", "--last"], env=env)
    assert last.stdout.startswith("Mock interview of 2026-11-26T09:30:00 (20 min): 0/3 passed")
    data = json.loads(run_k8sprep(["mock", "--last", "--json"], env=env).stdout)
    assert data == json.loads(saved[0].read_text(encoding="utf-8"))
    assert len(data["answers"]) == 3 and len(data["study_next"]) == 3
    again = run_k8sprep(["mock", "--seed", "1", "--deck", "5"], env=env, stdin="\nq\n\n")
    assert "Grades saved to your schedule: 1 of 1." in again.stdout
    rows = table_rows(home / "k8sprep.db", "SELECT grade, typed_answer, verdict FROM review_log")
    assert rows == [(0, "", "wrong")]
    refused = run_k8sprep(["mock", "--json"], env=env)
    assert refused.returncode == 1 and "--json goes with --last" in refused.stderr


def test_mock_last_before_any_and_a_damaged_report(home: Path) -> None:
    env = k8sprep_env(home, NOW)
    assert "No mock interview yet" in run_k8sprep(["mock", "--last"], env=env).stdout
    (home / "mocks").mkdir()
    (home / "mocks" / "mock-20261126-000000.json").write_text("{not json", encoding="utf-8")
    broken = run_k8sprep(["mock", "--last"], env=env)
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"k8sprep: {home / 'mocks' / 'mock-20261126-000000.json'}: ")
    assert "Traceback" not in broken.stderr


def test_mock_in_a_pty_catches_the_trap(home: Path) -> None:
    command = shlex.join([sys.executable, "-m", "flashcards", "mock", "--seed", "2", "--deck", "5"])
    env = k8sprep_env(home, NOW)
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"{command}; echo exit=$?"],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 100),
    )
    asked_pvc = False
    for _ in range(40):  # the sample holds every interview, recall and definition card
        child.expect(r"Q: ([^\r\n]*)\r\n")
        question = child.match.group(1)
        child.expect_exact("q ends the interview):")
        if question.startswith("Why do PVCs help app teams?"):
            child.sendline("Because PVs are deprecated")
            asked_pvc = True
            break
        child.sendline("")
    assert asked_pvc
    child.expect_exact("q ends the interview):")
    child.sendline("q")
    child.expect_exact("Traps fallen into:")
    child.expect_exact(f"✗ Why do PVCs help app teams?  ({PVC})")
    child.expect_exact("o: one by one, n: none.")
    child.sendline("o")
    confirmed = []  # each answer comes up to be confirmed; skip them all
    while child.expect([r"Grade 0-5 \(Enter: (?:accept|skip), s: skip\):", "Grades saved"]) == 0:
        confirmed.append(child.before)
        child.sendline("s")
    assert any(
        'Why do PVCs help app teams?\r\n  typed "Because PVs are deprecated" · verdict trap' in text
        for text in confirmed
    )
    child.expect_exact(" to your schedule: 0 of ")
    child.expect_exact("exit=0")
    assert table_rows(home / "k8sprep.db", "SELECT COUNT(*) FROM review_log") == [(0,)]
