"""``k8sprep import / review / due / stats / history / card`` through the real CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.schedule.sm2 import SM2State, review
from tests.conftest import BUNDLED_DECK
from tests.review_helpers import (
    ROOT,
    k8sprep_env,
    make_deck,
    run_k8sprep,
    table_rows,
    write_deck,
)

runner = CliRunner()
NOW = "2026-11-26T09:30:00"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", NOW)


@pytest.fixture
def db(isolated_home: Path) -> Path:
    return isolated_home / "k8sprep.db"


def k8sprep(*args: object, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def decks_folder(tmp_path: Path, *sizes: int) -> Path:
    folder = tmp_path / "decks"
    for number, size in enumerate(sizes, start=1):
        write_deck(folder, make_deck(number, f"chapter-{number}", size))
    return folder


# --- import


def test_import_bundled_decks_then_again_is_idempotent(db: Path) -> None:
    code, out, err = k8sprep("import")
    assert (code, err) == (0, "")
    cards = out.split()[0]
    assert out == f"{cards} added, 0 updated, 0 retired, 0 unchanged\n"
    assert int(cards) == BUNDLED_DECK.read_text().count("\n- id: ")
    assert k8sprep("import")[1] == f"0 added, 0 updated, 0 retired, {cards} unchanged\n"
    assert k8sprep("import", "5")[1] == f"0 added, 0 updated, 0 retired, {cards} unchanged\n"


def test_import_files_updates_and_retires(tmp_path: Path, db: Path) -> None:
    deck = make_deck(1, "chapter-1", 4)
    path = write_deck(tmp_path / "decks", deck)
    assert k8sprep("import", path)[1] == "4 added, 0 updated, 0 retired, 0 unchanged\n"
    edited = deck.cards[0].__class__(**{**deck.cards[0].__dict__, "back": "New answer."})
    write_deck(
        tmp_path / "decks", deck.__class__(deck.name, deck.chapter, (edited, *deck.cards[1:3]))
    )
    assert (
        k8sprep("import", tmp_path / "decks")[1] == "0 added, 1 updated, 1 retired, 2 unchanged\n"
    )
    assert table_rows(db, "SELECT id FROM card WHERE retired") == [("chapter-1-3",)]


def test_import_unknown_deck_and_broken_yaml(tmp_path: Path) -> None:
    code, out, err = k8sprep("import", "99")
    assert code == 1 and out == ""
    assert err.startswith("k8sprep: ") and err.count("\n") == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ndeck: [unclosed\n")
    code, _, err = k8sprep("import", broken)
    assert code == 1
    assert err.startswith(f"k8sprep: {broken}:")
    assert "Traceback" not in err


# --- review with piped input


def test_review_on_an_empty_database_imports_and_shows_the_first_card(db: Path) -> None:
    code, out, err = k8sprep("review", stdin="")
    assert (code, err) == (0, "")
    assert out.startswith("Imported ")
    assert "── 05 Storage in Kubernetes · 1/" in out
    assert "Session over: nothing answered." in out


def test_scripted_review_grades_undoes_suspends_and_summarises(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 3))
    script = "\n".join(["", "4", "2", "u", "5", "what", "s", ""]) + "\n"
    code, out, err = k8sprep("review", "--new", "3", stdin=script)
    assert (code, err) == (0, "")
    assert "── 01 Chapter 1 · 1/3 · concept ──\nQuestion 0 of chapter-1?" in out
    assert "Answer 0 of chapter-1." in out
    assert "Graded 4: next review 2026-11-27." in out
    assert "Graded 2: again later today; next review 2026-11-27." in out
    assert "Undid grade 2 of chapter-1-1." in out
    assert (
        "Unknown input 'what': space/Enter reveal · 0-5 grade · u undo · s suspend · q quit." in out
    )
    assert "Suspended chapter-1-2;" in out
    assert "Session over: 2 answered · 100% graded 3 or more · 0 re-drills · 1 suspended." in out
    assert "Next: 2 cards due tomorrow (2026-11-27)." in out
    assert table_rows(db, "SELECT card_id, grade, redrill FROM review_log ORDER BY id") == [
        ("chapter-1-0", 4, 0),
        ("chapter-1-1", 5, 0),
    ]
    assert table_rows(db, "SELECT suspended FROM card_state WHERE card_id = 'chapter-1-2'") == [
        (1,)
    ]


LAST_CARD = "That was the last card: u undoes it, any other line ends the session."


def test_piped_undo_after_the_last_card_keeps_only_the_second_answer(
    tmp_path: Path, db: Path
) -> None:
    k8sprep("import", decks_folder(tmp_path, 2))
    # As `printf '5\n4\nu\n\n5\n' | k8sprep review`: the last card mis-graded 4, undone,
    # shown again, revealed and graded 5; then the input ends.
    code, out, err = k8sprep("review", stdin="5\n4\nu\n\n5\n")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines.count(LAST_CARD) == 2
    undone = lines.index("Undid grade 4 of chapter-1-1.")
    assert lines[undone - 1] == LAST_CARD
    assert lines[undone + 2 : undone + 4] == [
        "── 01 Chapter 1 · 2/2 · flow ──",
        "Question 1 of chapter-1?",
    ]
    assert "Session over: 2 answered · 100% graded 3 or more · 0 re-drills." in out
    assert table_rows(db, "SELECT card_id, grade, redrill FROM review_log ORDER BY id") == [
        ("chapter-1-0", 5, 0),
        ("chapter-1-1", 5, 0),
    ]
    expected = review(SM2State(), 5)
    assert table_rows(
        db,
        "SELECT repetitions, interval_days, easiness, due, last_grade FROM card_state "
        "WHERE card_id = 'chapter-1-1'",
    ) == [(expected.repetitions, expected.interval, expected.easiness_hundredths, "2026-11-27", 5)]


def test_piped_line_after_the_last_card_ends_and_q_ends_without_the_offer(
    tmp_path: Path, db: Path
) -> None:
    k8sprep("import", decks_folder(tmp_path, 3))
    out = k8sprep("review", "--new", "1", stdin="4\nnext\nu\n")[1]
    assert out.count(LAST_CARD) == 1
    assert "Undid" not in out and "Unknown input" not in out  # "next" ended the session
    assert table_rows(db, "SELECT grade FROM review_log") == [(4,)]
    out = k8sprep("review", "--new", "3", stdin="5\nq\n")[1]  # q on the last card
    assert LAST_CARD not in out and "Session over: 1 answered" in out
    assert "1 card left in today's queue." in out


def test_interview_trap_flow_diagram_and_source_are_shown(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 5))
    out = k8sprep("review", stdin="5\n5\n5\n5\nq\n")[1]
    assert "Trap to avoid: Trap 3" in out
    assert "[a] -> [b1]" in out
    assert "Source: 01-chapter-1.txt § Section 0" in out
    assert "Grade: 0 blackout · 1 wrong, familiar" in out
    assert "1 card left in today's queue." in out


def test_redrills_follow_the_other_cards_until_graded_four(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 2))
    out = k8sprep("review", stdin="1\n5\n3\n4\n")[1]
    headers = [line for line in out.splitlines() if line.startswith("── ")]
    assert headers == [
        "── 01 Chapter 1 · 1/2 · concept ──",
        "── 01 Chapter 1 · 2/3 · flow ──",
        "── 01 Chapter 1 · 3/3 · concept · again ──",
        "── 01 Chapter 1 · 4/4 · concept · again ──",
    ]
    assert "Session over: 4 answered · 75% graded 3 or more · 2 re-drills." in out


def test_review_limits_flags_and_deck_choice(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 3, 3))
    out = k8sprep("review", "--deck", "2", "--new", "1", stdin="")[1]
    assert "── 02 Chapter 2 · 1/1 · concept ──" in out
    code, out, err = k8sprep("review", "--deck", "nine", stdin="")
    assert code == 1 and out == ""
    assert err.startswith("k8sprep: ") and "nine" in err and err.count("\n") == 1


def test_config_file_sets_the_daily_limit(tmp_path: Path, db: Path, isolated_home: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 5))
    (isolated_home / "config.toml").write_text("new_per_day = 2\n")
    assert "· 1/2 ·" in k8sprep("review", stdin="")[1]
    (isolated_home / "config.toml").write_text("new_per_day = 2\nnew_per_dya = 4\n")
    code, _, err = k8sprep("review", stdin="")
    assert code == 1
    assert err == (
        f"k8sprep: {isolated_home / 'config.toml'}:2: unknown setting 'new_per_dya' "
        "(known: backups_keep, desired_retention, grading, leech_action, leech_lapses, "
        "new_per_day, reviews_per_day, rollover_hour, scheduler)\n"
    )


# --- databases that are not ours


@pytest.mark.parametrize(
    ("content", "reason"),
    [(os.urandom(3000), "not an SQLite file"), (b"shopping list\n", "not an SQLite file")],
)
def test_db_that_is_not_k8sprep_is_refused_untouched(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    os.utime(path, (1_500_000_000, 1_500_000_000))
    for command in (["review"], ["due"], ["import"], ["history"]):
        code, out, err = k8sprep(*command, "--db", path, stdin="5\n")
        assert (code, out) == (1, "")
        assert err == f"k8sprep: {path.resolve()}: not a k8sprep database ({reason})\n"
    assert path.read_bytes() == content
    assert path.stat().st_mtime == 1_500_000_000


def test_db_of_another_application_via_env_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    content = path.read_bytes()
    monkeypatch.setenv("K8SPREP_DB", str(path))
    code, _, err = k8sprep("review", stdin="")
    assert code == 1
    assert err == (
        f"k8sprep: {path.resolve()}: not a k8sprep database (an SQLite database of another kind)\n"
    )
    assert path.read_bytes() == content


def test_bad_now_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "yesterday")
    code, _, err = k8sprep("due")
    assert code == 1
    assert err.startswith("k8sprep: K8SPREP_NOW='yesterday' is not an ISO 8601 time")


# --- due, stats, history, card


def test_due_json_and_text(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 4, 30))
    k8sprep("review", "--new", "3", stdin="5\n2\n")
    report = json.loads(k8sprep("due", "--json")[1])
    assert report["today"] == "2026-11-26"
    assert report["total"] == {"due": 0, "new": 18, "redo": 1}
    first, second = report["decks"]
    assert (first["deck"], first["due"], first["new"], first["redo"]) == ("01 Chapter 1", 0, 2, 1)
    assert (second["new"], second["unseen"]) == (16, 30)  # 20 a day, 2 already introduced
    assert first["next_due"] == report["next_due"] == "2026-11-27"
    text = k8sprep("due")[1]
    assert "01 Chapter 1" in text and "Next due after today: 2026-11-27" in text


def test_history_json_is_the_full_replayable_log(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 2))
    k8sprep("review", stdin="2\n5\n4\n")
    entries = json.loads(k8sprep("history", "--json")[1])
    assert [(e["card_id"], e["grade"], e["redrill"]) for e in entries] == [
        ("chapter-1-0", 2, False),
        ("chapter-1-1", 5, False),
        ("chapter-1-0", 4, True),
    ]
    first = entries[0]
    assert set(first) == {
        "id", "card_id", "time", "day", "grade", "redrill", "answer_ms", "before", "after", "card",
    }  # fmt: skip
    assert ["card" in e for e in entries] == [True, True, False]  # each card once, first time
    assert (first["time"], first["day"]) == ("2026-11-26T09:30:00", "2026-11-26")
    assert first["before"] == {
        "repetitions": 0, "interval": 0, "easiness": "2.50", "due": None, "lapses": 0,
    }  # fmt: skip
    assert first["after"] == {
        "repetitions": 0, "interval": 1, "easiness": "2.18", "due": "2026-11-27", "lapses": 0,
    }  # fmt: skip
    assert entries[2]["before"] == entries[2]["after"] == first["after"]
    one = json.loads(k8sprep("history", "--json", "--card", "chapter-1-1")[1])
    assert [e["grade"] for e in one] == [5]
    assert "chapter-1-0  grade 2" in k8sprep("history")[1]
    code, _, err = k8sprep("history", "--card", "nope")
    assert code == 1 and err.startswith("k8sprep: no card with id 'nope'")


def test_card_shows_text_state_history_and_suspends(tmp_path: Path, db: Path) -> None:
    k8sprep("import", decks_folder(tmp_path, 4))
    k8sprep("review", stdin="\n\n3\n")
    report = json.loads(k8sprep("card", "chapter-1-0", "--json")[1])
    assert report["front"] == "Question 0 of chapter-1?"
    assert report["state"]["due"] == "2026-11-27"
    assert [h["grade"] for h in report["history"]] == [3]
    text = k8sprep("card", "chapter-1-3")[1]
    assert "Trap to avoid: Trap 3" in text and "State: new" in text
    assert json.loads(k8sprep("card", "chapter-1-3", "--suspend", "--json")[1])["suspended"]
    assert not json.loads(k8sprep("card", "chapter-1-3", "--unsuspend", "--json")[1])["suspended"]
    code, _, err = k8sprep("card", "nope")
    assert (code, err) == (
        1,
        "k8sprep: no card with id 'nope' (`k8sprep cards` lists the cards and their ids)\n",
    )


def test_stats_json_and_chart(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    k8sprep("import", decks_folder(tmp_path, 5))
    k8sprep("review", stdin="5\n4\n2\n")
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-27T10:00:00")
    k8sprep("review", stdin="5\n5\n1\n")
    report = json.loads(k8sprep("stats", "--json")[1])
    assert report["today"] == "2026-11-27"
    assert report["reviews_per_day"][-2:] == [
        {"day": "2026-11-26", "count": 3},
        {"day": "2026-11-27", "count": 3},
    ]
    overall = report["retention"][0]
    assert (overall["kind"], overall["passed"], overall["answered"]) == ("all", 4, 6)
    assert report["streak"] == 2
    assert report["average_easiness"] is not None
    forecast = {day["day"]: day["count"] for day in report["forecast"] if day["count"]}
    assert forecast == {"2026-11-28": 1, "2026-12-03": 2}  # failed card tomorrow, 6-day passes
    text = k8sprep("stats")[1]
    assert "Streak: 2 days" in text and "Forecast (cards due, next 30 days: 3 in all" in text


def test_help_for_every_review_command() -> None:
    for command in ("import", "review", "due", "stats", "history", "card"):
        code, out, _ = k8sprep(command, "--help")
        assert code == 0 and "Usage: k8sprep " + command in out.replace("  ", " ")


def test_real_process_with_piped_input(tmp_path: Path, isolated_home: Path) -> None:
    env = k8sprep_env(isolated_home, NOW)
    result = run_k8sprep(["review"], env=env, stdin="4\nq\n")
    assert result.returncode == 0, result.stderr
    assert "Graded 4: next review 2026-11-27." in result.stdout
    assert table_rows(isolated_home / "k8sprep.db", "SELECT grade FROM review_log") == [(4,)]


HEAVY = (
    "genanki",
    "exporters",
    "sqlalchemy",
    "sqlmodel",
    "rich",
    "yaml",
    "flashcards.parse.chapter",
)


def review_with_import_times(env: dict[str, str], stdin: str) -> tuple[str, set[str]]:
    """Run ``k8sprep review`` under ``-X importtime``: its output and the modules it loaded."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flashcards", "review"],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert {
        "sqlite3",
        "flashcards.schedule.session",
        "flashcards.store",
    } <= loaded  # the list is read
    return result.stdout, loaded


def test_review_loads_nothing_heavy_before_the_first_card(isolated_home: Path) -> None:
    env = k8sprep_env(isolated_home, NOW)
    assert run_k8sprep(["import"], env=env).returncode == 0
    _, loaded = review_with_import_times(env, stdin="")
    assert loaded.isdisjoint(HEAVY)


def test_review_on_a_fresh_home_loads_nothing_heavy(isolated_home: Path) -> None:
    """The very first run creates the database with the stdlib driver alone."""
    stdout, loaded = review_with_import_times(k8sprep_env(isolated_home, NOW), stdin="q\n")
    assert "Imported " in stdout and " · 1/" in stdout  # the first card shown
    for heavy in ("genanki", "exporters", "sqlalchemy", "sqlmodel", "rich"):
        assert heavy not in loaded
    assert table_rows(
        isolated_home / "k8sprep.db", "SELECT value FROM meta WHERE key = 'application'"
    ) == [("k8sprep",)]


def test_history_of_an_empty_log_says_so(db: Path) -> None:
    assert k8sprep("import")[0] == 0
    assert k8sprep("history") == (0, "No reviews yet.\n", "")
    assert k8sprep("history", "--json") == (0, "[]\n", "")
    k8sprep("review", stdin="4\nq\n")
    code, out, _ = k8sprep("history")
    assert code == 0 and len(out.splitlines()) == 1 and "grade 4" in out
