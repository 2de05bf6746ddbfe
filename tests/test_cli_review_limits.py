"""``review --new/--limit`` beyond what a database can count: a usage error, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review_helpers import k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck


@pytest.mark.parametrize("flag", ["--new", "--limit"])
def test_a_limit_too_large_is_one_usage_line(tmp_path: Path, flag: str) -> None:
    env = k8sprep_env(tmp_path / "home", now="2026-11-26T09:30:00")
    result = run_k8sprep(["review", flag, "99999999999999999999"], env=env, stdin="q\n")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert flag in result.stderr and "99999999999999999999" in result.stderr
    assert not (tmp_path / "home").exists()  # refused before anything was made


@pytest.mark.parametrize(("flag", "largest"), [("--new", 100_000), ("--limit", 1_000_000)])
def test_the_largest_limit_the_config_allows_is_accepted(
    tmp_path: Path, flag: str, largest: int
) -> None:
    env = k8sprep_env(tmp_path / "home", now="2026-11-26T09:30:00")
    result = run_k8sprep(["review", flag, str(largest)], env=env, stdin="5\nq\n")
    assert result.returncode == 0, result.stderr
    assert "Graded 5" in result.stdout


def test_a_deck_with_a_huge_chapter_number_is_refused_in_one_line(tmp_path: Path) -> None:
    deck = make_deck(10**14, "huge", 2)
    path = write_deck(tmp_path / "decks", deck)
    env = k8sprep_env(tmp_path / "home", now="2026-11-26T09:30:00")
    db = tmp_path / "k8sprep.db"
    assert run_k8sprep(["import", "--db", str(db), "5"], env=env).returncode == 0
    before = table_rows(db, "SELECT id FROM card ORDER BY id")
    result = run_k8sprep(["import", "--db", str(db), str(path)], env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"k8sprep: {path}:")  # the deck file names its line
    assert "chapter 'number' must be from 0 to 999,999" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert table_rows(db, "SELECT id FROM card ORDER BY id") == before
