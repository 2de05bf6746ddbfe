"""Commands on a review database that does not exist yet: none of them invents an empty one.

``verify``, ``backup`` and ``card`` refuse with one line and exit 1; ``due``, ``stats``
and ``history`` report that there is nothing yet. Either way no file and no folder is
created: only ``import``, ``review``, ``restore`` and ``history import`` create a database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from tests.review_helpers import k8sprep_env, run_k8sprep, table_rows

runner = CliRunner()
NOW = "2026-11-26T09:30:00"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory that does not exist yet, as on a new install."""
    folder = tmp_path / "home"
    monkeypatch.setenv("K8SPREP_HOME", str(folder))
    monkeypatch.setenv("K8SPREP_NOW", NOW)
    return folder


def k8sprep(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def missing(path: Path) -> str:
    return (
        f"k8sprep: {path}: no review database here yet "
        "(run k8sprep review or k8sprep import first)\n"
    )


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- refused: verify, backup, card


@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["backup"],
        ["backup", "--keep", "3"],
        ["card", "storage-in-kubernetes-concept-0"],
        ["card", "storage-in-kubernetes-concept-0", "--suspend"],
        ["card", "storage-in-kubernetes-concept-0", "--json"],
    ],
)
def test_refused_in_a_new_data_directory_and_nothing_created(home: Path, args: list[str]) -> None:
    assert k8sprep(*args) == (1, "", missing(home.resolve() / "k8sprep.db"))
    assert not home.exists()


def test_backup_to_a_file_is_refused_without_creating_the_file_or_its_folder(
    home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "copy.db"
    assert k8sprep("backup", target) == (1, "", missing(home.resolve() / "k8sprep.db"))
    assert not target.parent.exists() and not home.exists()


@pytest.mark.parametrize("command", ["verify", "backup"])
def test_refused_for_a_db_file_that_is_not_there(home: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    db = folder / "typo.db"
    assert k8sprep(command, "--db", db) == (1, "", missing(db.resolve()))
    assert everything_under(folder) == [] and not home.exists()


@pytest.mark.parametrize("command", ["verify", "backup"])
def test_an_empty_file_is_no_database_either_and_stays_untouched(
    home: Path, tmp_path: Path, command: str
) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    assert k8sprep(command, "--db", db) == (1, "", missing(db.resolve()))
    assert db.read_bytes() == b""
    assert everything_under(tmp_path) == ["empty.db"]


def test_verify_as_a_real_process_names_the_file_in_one_line(home: Path) -> None:
    result = run_k8sprep(["verify"], env=k8sprep_env(home, NOW))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == missing(home.resolve() / "k8sprep.db")
    assert not home.exists()


# --- nothing yet: due, stats, history


def test_due_says_there_are_no_cards_yet(home: Path) -> None:
    code, out, err = k8sprep("due")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Study day 2026-11-26"
    assert out.splitlines()[-1].startswith("No cards yet: `k8sprep review` imports")
    report = json.loads(k8sprep("due", "--json")[1])
    assert (report["total"], report["decks"]) == ({"due": 0, "new": 0, "redo": 0}, [])
    assert not home.exists()


def test_stats_reports_no_reviews(home: Path) -> None:
    code, out, err = k8sprep("stats")
    assert (code, err) == (0, "")
    assert "  no reviews yet" in out.splitlines() and "Streak: 0 days" in out
    report = json.loads(k8sprep("stats", "--json")[1])
    assert (report["retention"], report["streak"]) == ([], 0)
    assert not home.exists()


def test_history_says_no_reviews_yet(home: Path) -> None:
    assert k8sprep("history") == (0, "No reviews yet.\n", "")
    assert k8sprep("history", "--json") == (0, "[]\n", "")
    assert not home.exists()


def test_history_of_a_card_is_an_unknown_card(home: Path) -> None:
    code, out, err = k8sprep("history", "--card", "nope")
    assert (code, out) == (1, "")
    assert err.startswith("k8sprep: no card with id 'nope'")
    assert not home.exists()


# --- these may create it


def test_import_creates_the_database_and_then_verify_and_backup_work(home: Path) -> None:
    code, out, _ = k8sprep("import")
    assert code == 0 and " added" in out
    db = home / "k8sprep.db"
    assert table_rows(db, "SELECT COUNT(*) FROM card")[0][0] > 0
    code, out, _ = k8sprep("verify")
    assert code == 0 and out.endswith("every state matches its replayed log\n")
    code, out, _ = k8sprep("backup")
    assert code == 0 and out.startswith("backed up to ")


def test_review_creates_the_database(home: Path) -> None:
    result = run_k8sprep(["review"], env=k8sprep_env(home, NOW), stdin="q\n")
    assert result.returncode == 0, result.stderr
    assert (home / "k8sprep.db").is_file()
