"""``k8sprep exam set / show / clear`` and the exam line of ``due``, ``review``, ``stats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from tests.review_helpers import make_deck, write_deck

runner = CliRunner()
NOW = "2026-12-01T09:30:00"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", NOW)


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """Two decks of 12 and 8 cards, imported."""
    folder = tmp_path / "decks"
    write_deck(folder, make_deck(1, "pods", 12))
    write_deck(folder, make_deck(2, "volumes", 8))
    code, _out, err = k8sprep("import", folder)
    assert (code, err) == (0, "")
    return folder


def k8sprep(*args: object, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_set_show_clear(decks: Path) -> None:
    code, out, err = k8sprep("exam", "set", "2026-12-20", "--window", "5", "--max-per-day", "9")
    assert (code, err) == (0, "")
    assert out == (
        "Exam on 2026-12-20: 20 cards of 2 decks, each seen at least once from 2026-12-15 on, "
        "at most 9 first views a day.\n"
    )
    code, out, _ = k8sprep("exam", "show", "--json")
    assert code == 0
    assert json.loads(out) == {
        "date": "2026-12-20",
        "window_days": 5,
        "max_per_day": 9,
        "decks": ["pods", "volumes"],
        "cards": 20,
        "seen_in_window": 0,
        "remaining": 20,
        "days_left": 19,
        "on_track": True,
    }
    code, out, _ = k8sprep("exam", "show")
    assert out.splitlines()[0] == (
        "Exam on 2026-12-20 in 19 days: the window opens 2026-12-15; 20 cards to see in it."
    )
    assert k8sprep("exam", "clear")[:2] == (0, "Exam cleared.\n")
    assert k8sprep("exam", "clear")[:2] == (0, "No exam was set.\n")
    code, _out, err = k8sprep("exam", "show")
    assert (code, err) == (1, "k8sprep: no exam set (`k8sprep exam set DATE`)\n")


def test_only_the_named_decks_and_the_default_limit(decks: Path) -> None:
    assert k8sprep("exam", "set", "2026-12-20", "--deck", "2")[0] == 0
    record = json.loads(k8sprep("exam", "show", "--json")[1])
    assert (record["decks"], record["cards"], record["max_per_day"]) == (["volumes"], 8, 200)


def test_an_infeasible_plan_is_refused_with_the_smallest_window_and_limit(decks: Path) -> None:
    # 20 cards in 2 days of at most 5: the window needs 4 days, or the limit 10.
    code, out, err = k8sprep("exam", "set", "2026-12-20", "--window", "2", "--max-per-day", "5")
    assert (code, out) == (1, "")
    assert err == (
        "k8sprep: the plan does not fit: 20 first views needed in 2 study days of at most 5 (10)\n"
        "k8sprep: smallest window that works: --window 4\n"
        "k8sprep: smallest limit that works: --max-per-day 10\n"
    )
    assert k8sprep("exam", "show")[0] == 1  # nothing was stored
    assert k8sprep("exam", "set", "2026-12-20", "--window", "4", "--max-per-day", "5")[0] == 0
    assert k8sprep("exam", "set", "2026-12-20", "--window", "2", "--max-per-day", "10")[0] == 0


def test_no_window_fits_before_a_near_exam(decks: Path) -> None:
    code, _out, err = k8sprep("exam", "set", "2026-12-03", "--max-per-day", "5")
    assert code == 1
    assert "no window before 2026-12-03 works at --max-per-day 5" in err
    assert "smallest limit that works: --max-per-day 10" in err


def test_a_past_date_or_a_bad_date_is_one_line(decks: Path) -> None:
    assert k8sprep("exam", "set", "2026-12-01") == (
        1, "", "k8sprep: the exam date 2026-12-01 must be after today\n"
    )  # fmt: skip
    assert k8sprep("exam", "set", "someday") == (
        1, "", "k8sprep: exam date 'someday' is not a date like 2026-12-15\n"
    )  # fmt: skip


def test_review_due_and_stats_show_the_exam(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert k8sprep("exam", "set", "2026-12-05", "--window", "3", "--max-per-day", "8")[0] == 0
    monkeypatch.setenv("K8SPREP_NOW", "2026-12-02T09:30:00")  # day 1 of the 3-day window
    code, out, _ = k8sprep("review", stdin="5\n" * 30 + "\n")
    assert code == 0
    first = out.splitlines()[0]
    assert first == (
        "Exam on 2026-12-05 in 3 days: 20 of 20 cards still to see in the window; today's share 7."
    )
    # The limit holds: 8 first views (today's share of 7 and one more), no more.
    assert "8 answered" in out
    due = json.loads(k8sprep("due", "--json")[1])
    assert due["exam"]["seen_in_window"] == 8
    assert due["exam"]["remaining"] == 12
    assert due["exam"]["today_share"] == 7
    assert "Exam on 2026-12-05 in 3 days: 12 of 20" in k8sprep("due")[1]
    stats = json.loads(k8sprep("stats", "--json")[1])
    assert stats["exam"]["on_track"] is True


def test_a_skipped_day_is_announced(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert k8sprep("exam", "set", "2026-12-05", "--window", "3", "--max-per-day", "8")[0] == 0
    monkeypatch.setenv("K8SPREP_NOW", "2026-12-04T09:30:00")  # two window days skipped
    lines = k8sprep("exam", "show")[1].splitlines()
    assert lines[1] == (
        "Skipped in the window: 2026-12-02, 2026-12-03; the guarantee is void for 12 cards "
        "those days held: they no longer fit before the exam."
    )
    assert json.loads(k8sprep("exam", "show", "--json")[1])["on_track"] is False


def test_after_the_exam_the_mode_is_over(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert k8sprep("exam", "set", "2026-12-05")[0] == 0
    monkeypatch.setenv("K8SPREP_NOW", "2026-12-06T09:30:00")
    assert k8sprep("due")[1].splitlines()[-1] == (
        "Exam on 2026-12-05 is over: plain SM-2 again (`k8sprep exam clear` forgets it)."
    )
