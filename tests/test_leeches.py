"""Leeches: through real review sessions (piped input) and the store, on real SQLite files."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import ConfigError
from flashcards.schedule.config import Config, parse_config
from flashcards.schedule.leech import LeechRule
from flashcards.store import Store
from tests.review_helpers import k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck

runner = CliRunner()
DAY_ONE = date(2026, 11, 26)
CARD = "chapter-1-0"


def at(day: int) -> str:
    """``K8SPREP_NOW`` on study day ``day`` (1 = 2026-11-26)."""
    return f"{DAY_ONE + timedelta(days=day - 1)}T09:30:00"


@pytest.fixture
def db(isolated_home: Path, tmp_path: Path) -> Path:
    """A database holding one one-card deck."""
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 1)).parent
    assert runner.invoke(app, ["import", str(folder)]).exit_code == 0
    return isolated_home / "k8sprep.db"


def k8sprep(*args: str, day: int = 1, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, env={"K8SPREP_NOW": at(day)})
    return result.exit_code, result.stdout, result.stderr


def config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text, encoding="utf-8")


def lapse_twice(home: Path) -> str:
    """Learn the card and forget it, twice over four days; the last review's output.

    Day 1 passes it (5), day 2 fails it (0: lapse 1) and re-drills it (4), day 3 passes
    it again, day 4 fails it: the second lapse.
    """
    for day, stdin in ((1, "5\n"), (2, "0\n4\n"), (3, "5\n")):
        code, _, err = k8sprep("review", day=day, stdin=stdin)
        assert (code, err) == (0, ""), day
    code, out, err = k8sprep("review", day=4, stdin="0\n4\n")
    assert (code, err) == (0, "")
    return out


def state(db: Path) -> tuple[object, ...]:
    return table_rows(db, f"SELECT lapses, suspended FROM card_state WHERE card_id = '{CARD}'")[0]


def test_the_review_suspends_a_card_at_leech_lapses_and_says_so(
    db: Path, isolated_home: Path
) -> None:
    config(isolated_home, "leech_lapses = 2\n")
    out = lapse_twice(isolated_home)
    assert (
        "Graded 0: a leech now, forgotten 2 times; suspended "
        f"(`k8sprep card {CARD} --unsuspend` brings it back)." in out
    )
    assert "again later today" not in out  # a suspended leech is not re-drilled
    assert "Session over: 1 answered" in out
    assert state(db) == (2, 1)
    assert table_rows(db, "SELECT COUNT(*) FROM review_log WHERE day = '2026-11-29'") == [(1,)]
    leeches = json.loads(k8sprep("cards", "--leeches", "--json", day=4)[1])
    assert [(c["id"], c["leech"], c["suspended"]) for c in leeches] == [(CARD, True, True)]
    assert "2 leech" in k8sprep("cards", "--leeches", day=4)[1]
    assert json.loads(k8sprep("card", CARD, "--json", day=4)[1])["leech"]
    assert "[suspended] [leech]" in k8sprep("card", CARD, day=4)[1].splitlines()[0]
    report = json.loads(k8sprep("stats", "--json", day=4)[1])
    assert report["leeches"] == 1 and report["maturity"]["suspended"] == 1
    assert k8sprep("review", day=5, stdin="")[1].startswith("Nothing to review")


def test_the_tag_action_keeps_the_leech_in_the_reviews(db: Path, isolated_home: Path) -> None:
    config(isolated_home, 'leech_lapses = 2\nleech_action = "tag"\n')
    out = lapse_twice(isolated_home)
    assert (
        "Graded 0: a leech now, forgotten 2 times; again later today; next review 2026-11-30 "
        "(`k8sprep cards --leeches`)." in out
    )
    assert "Graded 4 (re-drill): done for today." in out  # shown again the same day
    assert state(db) == (2, 0)
    assert [c["id"] for c in json.loads(k8sprep("cards", "--leeches", "--json", day=4)[1])] == [
        CARD
    ]
    report = json.loads(k8sprep("stats", "--json", day=4)[1])
    assert report["leeches"] == 1 and report["maturity"]["suspended"] == 0
    assert "· 1 leech" in k8sprep("stats", day=4)[1]


def test_undoing_the_leeching_answer_unsuspends_the_card(db: Path, isolated_home: Path) -> None:
    config(isolated_home, "leech_lapses = 2\n")
    for day, stdin in ((1, "5\n"), (2, "0\n4\n"), (3, "5\n")):
        assert k8sprep("review", day=day, stdin=stdin)[0] == 0
    out = k8sprep("review", day=4, stdin="0\nu\nq\n")[1]
    assert "a leech now" in out and f"Undid grade 0 of {CARD}." in out
    assert state(db) == (1, 0)


def test_a_leech_stays_a_leech_and_is_not_announced_again(db: Path, isolated_home: Path) -> None:
    config(isolated_home, 'leech_lapses = 1\nleech_action = "tag"\n')
    outputs = [
        k8sprep("review", day=day, stdin=stdin)[1]
        for day, stdin in ((1, "5\n"), (2, "0\n4\n"), (3, "5\n"), (4, "0\n4\n"))
    ]
    assert ["a leech now" in out for out in outputs] == [False, True, False, False]
    assert state(db) == (2, 0)
    config(isolated_home, "leech_lapses = 3\n")  # the threshold is read, not stored
    assert json.loads(k8sprep("cards", "--leeches", "--json", day=4)[1]) == []


def test_the_drill_says_so_too(db: Path, isolated_home: Path) -> None:
    config(isolated_home, "leech_lapses = 1\n")
    assert k8sprep("review", day=1, stdin="5\n")[0] == 0
    code, out, err = k8sprep("drill", "--kinds", "concept", day=2, stdin="\n0\n")
    assert (code, err) == (0, ""), out
    assert "a leech now, forgotten 1 time; suspended" in out
    assert state(db) == (1, 1)


def test_the_default_is_eight_lapses_then_suspend(tmp_path: Path) -> None:
    """Through the store alone: 16 study days of pass, fail."""
    with Store.open(tmp_path / "k.db") as store:
        store.sync_decks([make_deck(1, "chapter-1", 1)])
        leeched = []
        for offset in range(16):
            day = DAY_ONE + timedelta(days=offset)
            grade = 5 if offset % 2 == 0 else 0
            moment = datetime.combine(day, datetime.min.time()).replace(hour=9)
            answer = store.record_review(CARD, time=moment, day=day, grade=grade)
            leeched.append(answer.leech)
        assert leeched == [None] * 15 + ["suspend"]
        stored = store.get(CARD)
        assert (stored.state.lapses, stored.state.suspended) == (8, True)
        assert store.maturity_counts(8)["leeches"] == 1
        assert store.maturity_counts(9)["leeches"] == 0


def test_a_re_drill_never_makes_a_leech(tmp_path: Path) -> None:
    with Store.open(tmp_path / "k.db") as store:
        store.sync_decks([make_deck(1, "chapter-1", 1)])
        store.leech_rule = LeechRule(1, "suspend")
        noon = datetime(2026, 11, 26, 12)
        store.record_review(CARD, time=noon, day=DAY_ONE, grade=5)
        again = [store.record_review(CARD, time=noon, day=DAY_ONE, grade=0) for _ in range(3)]
        assert [a.leech for a in again] == [None] * 3 and not store.get(CARD).state.suspended


def test_a_real_process_with_piped_input(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 1)).parent
    assert run_k8sprep(["import", str(folder)], env=k8sprep_env(home, at(1))).returncode == 0
    config(home, "leech_lapses = 1\n")
    run_k8sprep(["review"], env=k8sprep_env(home, at(1)), stdin="5\n")
    result = run_k8sprep(["review"], env=k8sprep_env(home, at(2)), stdin="1\n")
    assert result.returncode == 0, result.stderr
    assert "Graded 1: a leech now, forgotten 1 time; suspended" in result.stdout
    assert state(home / "k8sprep.db") == (1, 1)


# --- the settings


def test_leech_settings_parse() -> None:
    assert Config().leech_rule == LeechRule(8, "suspend")
    parsed = parse_config('leech_lapses = 4\nleech_action = "tag"\n')
    assert parsed.leech_rule == LeechRule(4, "tag")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'leech_action = "delete"\n',
            'cfg.toml:1: leech_action must be "suspend" or "tag", got \'delete\'',
        ),
        ("\nleech_lapses = 0\n", "cfg.toml:2: leech_lapses must be a whole number from 1 to 1000"),
        ('leech_lapses = "8"\n', "cfg.toml:1: leech_lapses must be a whole number from 1 to 1000"),
        ("leech_action = 1\n", 'cfg.toml:1: leech_action must be "suspend" or "tag", got 1'),
    ],
)
def test_bad_leech_settings_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "cfg.toml")
    assert str(error.value).startswith(message)


def test_a_bad_leech_setting_is_one_line_naming_the_file(db: Path, isolated_home: Path) -> None:
    config(isolated_home, 'leech_action = "bury"\n')
    for command in (("review",), ("cards",), ("stats",)):
        code, out, err = k8sprep(*command, stdin="")
        assert (code, out) == (1, ""), command
        assert err == (
            f'k8sprep: {isolated_home / "config.toml"}:1: leech_action must be "suspend" or '
            "\"tag\", got 'bury'\n"
        )
