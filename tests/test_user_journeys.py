"""Mistakes a new user makes on day one, each answered by one clear line.

Every case here was found by using k8sprep as a newcomer would: a wrong flag, a
typo in a path, a deck named by its title. The answer is always one
``k8sprep: ...`` line on stderr and a non-zero exit, and nothing on disk changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "--new", "-3"], "Invalid value for '--new': -3 is not in the range x>=0"),
        (["review", "--bogus"], "No such option: --bogus"),
        (["--bogus"], "No such option: --bogus"),
        (["reveiw"], "No such command 'reveiw'"),
        (["card"], "Missing argument 'ID'"),
        (["export", "pdf"], "No such command 'pdf'"),
    ],
)
def test_usage_mistakes_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"k8sprep: {message}")
    assert lines[0].endswith("--help' for help.")


def test_option_without_its_value_is_one_line() -> None:
    result = runner.invoke(app, ["history", "--card"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "k8sprep: Option '--card' requires an argument.\n"


def test_bare_command_still_shows_help() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "Usage: k8sprep" in result.stdout + result.stderr
    assert "k8sprep: " not in result.stderr


def test_backup_to_a_folder_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backup", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"k8sprep: Invalid value for 'file': File '{tmp_path}' is a directory. "
        "Try 'k8sprep backup --help' for help.\n"
    )


@pytest.mark.parametrize("command", [["review"], ["due"], ["import"], ["backup"]])
def test_db_in_a_missing_folder_is_refused_and_nothing_is_created(
    tmp_path: Path, command: list[str]
) -> None:
    # A typo in the folder would otherwise start a fresh, empty history there.
    db = tmp_path / "typo" / "k8sprep.db"
    result = runner.invoke(app, [*command, "--db", str(db)], input="q\n")
    assert result.exit_code == 1
    assert result.stderr == f"k8sprep: {db}: folder {db.parent} does not exist\n"
    assert not db.parent.exists()


def test_k8sprep_db_in_a_missing_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "typo" / "k8sprep.db"
    monkeypatch.setenv("K8SPREP_DB", str(db))
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    assert result.stderr == f"k8sprep: {db}: folder {db.parent} does not exist\n"
    assert not db.parent.exists()


@pytest.mark.parametrize("command", ["review", "import"])
def test_the_default_data_directory_is_still_created(tmp_path: Path, command: str) -> None:
    home = tmp_path / "new" / "home"
    result = runner.invoke(app, [command], env={"K8SPREP_HOME": str(home)}, input="q\n")
    assert result.exit_code == 0, result.stderr
    assert (home / "k8sprep.db").is_file()


def test_a_new_db_file_in_an_existing_folder_is_created(tmp_path: Path) -> None:
    db = tmp_path / "second.db"
    result = runner.invoke(app, ["import", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(" added, 0 updated, 0 retired, 0 unchanged\n")
    assert db.is_file()


@pytest.mark.parametrize(
    "command", [["decks"], ["import"], ["export", "csv"], ["export", "markdown"]]
)
def test_an_empty_deck_folder_is_an_error(tmp_path: Path, command: list[str]) -> None:
    # `k8sprep import decks/` from the wrong folder used to report "0 added" and succeed.
    empty = tmp_path / "decks"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a deck\n", encoding="utf-8")
    result = runner.invoke(app, [*command, str(empty)])
    assert result.exit_code == 1
    assert result.stderr == f"k8sprep: {empty}: no deck files (.yaml, .yml) in this folder\n"


@pytest.mark.parametrize("key", ["Storage in Kubernetes", "storage in kubernetes", "05", "5"])
def test_a_deck_can_be_named_by_its_chapter_title(tmp_path: Path, key: str) -> None:
    db = tmp_path / "k8sprep.db"
    result = runner.invoke(app, ["review", "--deck", key, "--db", str(db)], input="q\n")
    assert result.exit_code == 0, result.stderr
    assert "── 05 Storage in Kubernetes · 1/" in result.stdout
    sheet = tmp_path / "sheet.md"
    exported = runner.invoke(app, ["export", "markdown", key, "-o", str(sheet)])
    assert exported.exit_code == 0, exported.stderr
    assert sheet.read_text(encoding="utf-8").startswith("# 05 Storage in Kubernetes")


def test_an_unknown_deck_lists_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", "--deck", "99", "--db", str(tmp_path / "k.db")])
    assert result.exit_code == 1
    assert result.stderr == "k8sprep: no deck '99' (decks: 05 Storage in Kubernetes)\n"


def test_streak_of_one_day_reads_singular(tmp_path: Path) -> None:
    db = str(tmp_path / "k8sprep.db")
    env = {"K8SPREP_NOW": "2026-11-26T09:30"}
    assert runner.invoke(app, ["review", "--db", db], input="4\nq\n", env=env).exit_code == 0
    result = runner.invoke(app, ["stats", "--db", db], env=env)
    assert result.exit_code == 0, result.stderr
    assert "Streak: 1 day\n" in result.stdout


def test_due_on_a_fresh_database_says_how_to_get_cards() -> None:
    # Before the first review nothing is imported; "new 0" alone reads as "nothing to learn".
    result = runner.invoke(app, ["due"], env={"K8SPREP_NOW": "2026-11-26T09:30"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "No cards yet: `k8sprep review` imports the bundled decks (or `k8sprep import DECK`)."
    )
    imported = runner.invoke(app, ["import"])
    assert imported.exit_code == 0
    again = runner.invoke(app, ["due"], env={"K8SPREP_NOW": "2026-11-26T09:30"})
    assert "No cards yet" not in again.stdout


@pytest.mark.parametrize("command", [["import"], ["export", "anki"], ["export", "csv"]])
def test_usage_shows_that_several_decks_may_be_given(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert f"Usage: k8sprep {' '.join(command)} [OPTIONS] [DECK...]" in result.stdout


def test_import_of_a_deck_named_twice_imports_it_once(tmp_path: Path) -> None:
    db = str(tmp_path / "k8sprep.db")
    result = runner.invoke(app, ["import", "5", "5", "--db", db])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(" added, 0 updated, 0 retired, 0 unchanged\n")
    again = runner.invoke(app, ["import", "5", "storage-in-kubernetes", "--db", db])
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("0 added, 0 updated, 0 retired, ")


def test_import_of_a_mistyped_deck_file_names_the_file(tmp_path: Path) -> None:
    db = tmp_path / "k8sprep.db"
    result = runner.invoke(app, ["import", "decks/05-storage.yaml", "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == "k8sprep: decks/05-storage.yaml: no such deck file or folder\n"
    assert not db.exists()


def test_two_deck_files_of_one_chapter_are_named(tmp_path: Path) -> None:
    # A copy left beside the original ("05-...-old.yaml") must be found by its file name.
    from tests.conftest import BUNDLED_DECK

    folder = tmp_path / "decks"
    folder.mkdir()
    original = folder / BUNDLED_DECK.name
    copy = folder / "05-storage-old.yaml"
    original.write_bytes(BUNDLED_DECK.read_bytes())
    copy.write_bytes(BUNDLED_DECK.read_bytes())
    db = tmp_path / "k8sprep.db"
    result = runner.invoke(app, ["import", str(folder), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"k8sprep: {copy}: chapter 'storage-in-kubernetes' is also the deck in "
        f"{original}; keep one of the two files\n"
    )


def test_a_folder_named_twice_lists_its_decks_once(tmp_path: Path) -> None:
    from tests.conftest import BUNDLED_DECK

    result = runner.invoke(app, ["decks", str(BUNDLED_DECK.parent), str(BUNDLED_DECK)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("05 Storage in Kubernetes") == 1


def test_session_summary_speaks_of_one_card_in_the_singular(tmp_path: Path) -> None:
    env = {"K8SPREP_NOW": "2026-11-26T09:30"}
    # One new card: graded 3, then its re-drill passed with 4.
    db = str(tmp_path / "one.db")
    result = runner.invoke(app, ["review", "--new", "1", "--db", db], input="3\n4\n", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Session over: 2 answered · 100% graded 3 or more · 1 re-drill.",
        "Next: 1 card due tomorrow (2026-11-27).",
    ]
    # Two new cards, both answered, the first one's re-drill left for later.
    db = str(tmp_path / "two.db")
    result = runner.invoke(app, ["review", "--new", "2", "--db", db], input="3\n4\nq\n", env=env)
    assert result.stdout.splitlines()[-3:] == [
        "Session over: 2 answered · 100% graded 3 or more · 0 re-drills.",
        "1 card left in today's queue.",
        "Next: 2 cards due tomorrow (2026-11-27).",
    ]


def test_config_cut_short_names_its_last_line(isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    config.write_text("new_per_day = 20\nreviews_per_day = [\n", encoding="utf-8")
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"k8sprep: {config}:2: invalid TOML: Invalid value (the file ends too early)\n"
    )


def test_build_out_at_a_file_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    from tests.conftest import SEED

    target = tmp_path / "notes.txt"
    target.write_text("my notes\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(SEED), "--out", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"k8sprep: {target}: --out must be a folder, not a file\n"
    assert target.read_text(encoding="utf-8") == "my notes\n"
