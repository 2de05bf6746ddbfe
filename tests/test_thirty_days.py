"""Thirty study days of real ``k8sprep review`` processes, checked day by day with ``due --json``.

Each day a review process runs at a chosen ``K8SPREP_NOW`` and is fed grades through a
pipe, a grade per card chosen from the card's identity. A small model of the rules
(SM-2 for the intervals, 4 new cards a day in deck order, study days from 4 am) says
what ``k8sprep due --json`` must report before each session and which cards each
session must show. Some sessions run after midnight, which still counts as the day
before; one day quits early and resumes, leaving a re-drill pending meanwhile.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.schedule.sm2 import SM2State, review
from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, write_deck

CARDS = 20
NEW_PER_DAY = 4
FIRST_DAY = date(2026, 11, 2)
QUESTION = re.compile(r"^Question (\d+) of chapter-1\?$")
LATE_DAYS = {3, 9, 17, 24}
"""Days whose session runs at 02:30 the next calendar morning: still the same study day."""
SPLIT_DAY = 12
"""The day whose session quits after one failed card and resumes later."""


def first_grade(card: int, day: int) -> int:
    """A learner who fails now and then, and is sometimes hesitant."""
    if (card * 3 + day) % 4 == 0:
        return 2
    return 5 if (card + day) % 3 else 3


@dataclass
class Model:
    """What the rules say: each introduced card's SM-2 state and due day."""

    states: dict[int, SM2State] = field(default_factory=dict)
    due: dict[int, date] = field(default_factory=dict)

    def due_on(self, day: date) -> set[int]:
        return {card for card, when in self.due.items() if when <= day}

    def new_today(self, introduced_today: int) -> list[int]:
        unseen = [card for card in range(CARDS) if card not in self.states]
        return unseen[: max(0, NEW_PER_DAY - introduced_today)]

    def answer(self, card: int, grade: int, day: date) -> None:
        self.states[card] = review(self.states.get(card, SM2State()), grade)
        self.due[card] = day + timedelta(days=self.states[card].interval)


def review_process(
    env: dict[str, str], grades: dict[int, int], quit_after: int | None = None
) -> list[tuple[int, int]]:
    """Run ``k8sprep review``; answer each card shown from ``grades`` (re-drills get 4)
    and decline the offer to undo the last one.

    Returns:
        ``[(card, grade)]`` in the order the cards were shown and answered.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "review"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=env,
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    shown: list[tuple[int, int]] = []
    for line in process.stdout:
        if line.startswith("That was the last card:"):
            process.stdin.write("\n")  # not undone: the session ends
            continue
        found = QUESTION.match(line.strip())
        if not found:
            continue
        if quit_after is not None and len(shown) == quit_after:
            process.stdin.write("q\n")
            continue
        card = int(found.group(1))
        grade = 4 if any(c == card for c, _ in shown) else grades[card]
        shown.append((card, grade))
        process.stdin.write(f"{grade}\n")
    process.stdin.close()
    err = process.stderr.read() if process.stderr else ""
    process.wait(timeout=60)
    process.stdout.close()
    if process.stderr:
        process.stderr.close()
    assert process.returncode == 0, err
    return shown


def due_report(env: dict[str, str]) -> dict[str, int]:
    result = run_k8sprep(["due", "--json"], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["total"]


def session_time(day_number: int) -> datetime:
    day = FIRST_DAY + timedelta(days=day_number)
    if day_number in LATE_DAYS:
        return datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(
            hour=2, minute=30
        )
    return datetime.combine(day, datetime.min.time()).replace(hour=9)


@pytest.mark.slow
def test_thirty_days_of_reviews(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f"new_per_day = {NEW_PER_DAY}\n")
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", CARDS)).parent
    assert run_k8sprep(["import", str(folder)], env=k8sprep_env(home)).returncode == 0
    model = Model()
    daily_due: list[int] = []
    for day_number in range(30):
        today = FIRST_DAY + timedelta(days=day_number)
        env = k8sprep_env(home, session_time(day_number).isoformat())
        due_cards = model.due_on(today)
        due_order = sorted(due_cards, key=lambda card: (model.due[card], card))
        new_cards = model.new_today(0)
        assert due_report(env) == {"due": len(due_cards), "new": len(new_cards), "redo": 0}
        daily_due.append(len(due_cards))
        grades = {card: first_grade(card, day_number) for card in range(CARDS)}
        failed = None
        if day_number == SPLIT_DAY:
            shown = review_process(env, dict.fromkeys(range(CARDS), 1), quit_after=1)
            ((failed, _),) = shown
            model.answer(failed, 1, today)
            grades[failed] = 4  # its re-drill, after the other cards
            introduced = int(failed in new_cards)
            assert due_report(env) == {
                "due": len(due_cards - {failed}),
                "new": len(model.new_today(introduced)),
                "redo": 1,
            }
            rest = review_process(env, grades)
            # The pending re-drill comes after every other card's first showing.
            cards = [card for card, _ in rest]
            firsts = [cards.index(card) for card in set(cards) - {failed}]
            assert cards.index(failed) > max(firsts)
            shown += rest
        else:
            shown = review_process(env, grades)
        first_answers = list(dict.fromkeys(card for card, _ in shown))
        assert sorted(first_answers) == sorted(due_cards | set(new_cards))
        # Due cards first, most overdue first, then the new ones in deck order.
        assert first_answers == due_order + new_cards
        for card in first_answers:
            if card != failed:
                model.answer(card, grades[card], today)
        redrills = [card for card, grade in shown if grade < 4]
        assert all(shown.count((card, 4)) >= 1 for card in redrills)
        assert due_report(env) == {"due": 0, "new": 0, "redo": 0}  # the day's work is done
    # Golden figures for this learner: due counts per day, fixed by SM-2 and the rules.
    # (Days 0-2 by hand: all four first cards get 1 day; on day 1 two lapse or are
    # new again (1 day), two pass a second time (6 days), four new ones get 1 day.)
    assert daily_due == [
        0, 4, 6, 7, 7, 7, 3, 3, 4, 7, 9, 10, 8, 7, 4, 3, 4, 6, 7, 8, 7, 6, 5, 5, 6, 7, 8, 9, 8, 6,
    ]  # fmt: skip
    assert len(model.states) == CARDS


@pytest.mark.slow
def test_the_study_day_rolls_over_at_four_in_the_morning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 3)).parent
    assert run_k8sprep(["import", str(folder)], env=k8sprep_env(home)).returncode == 0
    evening = k8sprep_env(home, "2026-11-26T23:50:00")
    assert review_process(evening, {0: 2, 1: 5, 2: 5}, quit_after=2) == [(0, 2), (1, 5)]
    assert due_report(evening) == {"due": 0, "new": 1, "redo": 1}
    night = k8sprep_env(home, "2026-11-27T03:59:59")  # still the 26th's study day
    assert due_report(night) == {"due": 0, "new": 1, "redo": 1}
    morning = k8sprep_env(home, "2026-11-27T04:00:00")  # a new day: the re-drill is due
    assert due_report(morning) == {"due": 2, "new": 1, "redo": 0}
    assert review_process(morning, {0: 5, 1: 5, 2: 5}) == [(0, 5), (1, 5), (2, 5)]
