"""Small things a daily user meets: dates as "now", where files live, help, and messages
that name the file and line."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.files import settings
from flashcards.schedule.studyday import study_day
from tests.conftest import BUNDLED_DECK
from tests.review_helpers import k8sprep_env, run_k8sprep

runner = CliRunner()


def k8sprep(*args: object, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


# --- K8SPREP_NOW=<date>


@pytest.mark.parametrize("rollover", [0, 4, 23])
def test_a_date_alone_is_that_dates_study_day(
    rollover: int, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_home / "config.toml").write_text(f"rollover_hour = {rollover}\n", encoding="utf-8")
    for text in ("2026-12-13", "20261213"):
        monkeypatch.setenv("K8SPREP_NOW", text)
        moment = settings.now()
        assert (moment.date(), moment.hour) == (date(2026, 12, 13), rollover)
        assert study_day(moment, rollover) == date(2026, 12, 13)
    monkeypatch.setenv("K8SPREP_NOW", "2026-12-13T00:30")  # a time stays as given
    assert study_day(settings.now(), 4) == date(2026, 12, 12)


def test_due_on_a_date_alone_shows_that_study_day(tmp_path: Path) -> None:
    code, out, err = k8sprep("due", env={"K8SPREP_NOW": "2026-12-13"})
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Study day 2026-12-13"


# --- k8sprep paths


def test_paths_prints_where_everything_is(isolated_home: Path, tmp_path: Path) -> None:
    code, out, err = k8sprep("paths")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"data directory  {isolated_home}",
        f"database        {(isolated_home / 'k8sprep.db').resolve()}",
        f"config file     {isolated_home / 'config.toml'}",
        f"backups         {isolated_home / 'backups'}",
    ]
    db = tmp_path / "other.db"
    code, out, _ = k8sprep("paths", "--json", "--db", db)
    assert code == 0
    assert json.loads(out) == {
        "data_dir": str(isolated_home),
        "database": str(db.resolve()),
        "config": str(isolated_home / "config.toml"),
        "backups": str(isolated_home / "backups"),
    }
    assert not (isolated_home / "k8sprep.db").exists() and not db.exists()  # nothing made


def test_paths_hides_a_server_password() -> None:
    code, out, _ = k8sprep("paths", "--json", "--db", "postgresql://ada:s3cret@db/k8s")
    assert code == 0 and json.loads(out)["database"] == "postgresql://ada:***@db/k8s"


def test_paths_default_is_the_platform_app_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("K8SPREP_HOME")
    assert settings.data_dir() == Path(typer.get_app_dir("k8sprep"))


# --- -h


def _leaves(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        found.append((*path, name))
        found += _leaves(command, (*path, name))
    return found


@pytest.mark.parametrize("path", [(), *_leaves(typer.main.get_command(app))], ids=" ".join)
def test_dash_h_is_help(path: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*path, "-h"])
    long = runner.invoke(app, [*path, "--help"])
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout and short.stdout.startswith("Usage: k8sprep")
    assert "-h, --help" in long.stdout


# --- export: a format/extension mismatch warns and still writes


@pytest.mark.parametrize(
    ("command", "name"),
    [("csv", "x.apkg"), ("anki", "x.csv"), ("markdown", "x.apkg"), ("csv", "x.md")],
)
def test_an_export_to_another_formats_extension_warns(
    command: str, name: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    code, out, err = k8sprep("export", command, "-o", target)
    assert code == 0 and out.startswith("Wrote ")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"k8sprep: warning: {target}: writing ")
    assert target.is_file() and target.stat().st_size > 0


@pytest.mark.parametrize(
    ("command", "name"),
    [("csv", "x.csv"), ("csv", "x.txt"), ("anki", "x.apkg"), ("markdown", "x.md"), ("csv", "x")],
)
def test_a_matching_or_unknown_extension_does_not_warn(
    command: str, name: str, tmp_path: Path
) -> None:
    code, _out, err = k8sprep("export", command, "-o", tmp_path / name)
    assert (code, err) == (0, "")


# --- messages


def test_an_unclosed_quote_is_reported_at_its_own_line(tmp_path: Path) -> None:
    deck = tmp_path / "x.yaml"
    deck.write_text(
        "version: 2\n"
        "deck: X\n"
        "chapter: {number: 1, slug: x, title: X}\n"
        "cards:\n"
        "- id: x-1\n"
        '  front: "What is a pod?\n'  # line 6: the quote never closes
        "  back: A group of containers.\n"
        "  kind: concept\n",
        encoding="utf-8",
    )
    code, _out, err = k8sprep("decks", deck)
    assert code == 1
    assert (
        err
        == f"k8sprep: {deck}:6: not valid YAML: a quoted value starts here and is never closed\n"
    )


def test_other_yaml_errors_keep_the_line_pyyaml_names(tmp_path: Path) -> None:
    deck = tmp_path / "x.yaml"
    deck.write_text("version: 2\ndeck: X\n  bad: indent\ncards: []\n", encoding="utf-8")
    code, _out, err = k8sprep("decks", deck)
    assert code == 1 and err.startswith(f"k8sprep: {deck}:3: not valid YAML: ")


@pytest.mark.parametrize(
    "content", [b"hello, not a database\n", b"SQLite format 3\x00" + b"x" * 200]
)
def test_backup_of_a_file_that_is_no_database_names_it(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notadb.db"
    db.write_bytes(content)
    code, out, err = k8sprep("backup", "--db", db)
    assert (code, out) == (1, "")
    assert err.startswith(f"k8sprep: {db.resolve()}: ") and len(err.splitlines()) == 1
    assert db.read_bytes() == content


def test_one_answer_is_singular(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = k8sprep_env(home, "2026-11-26T09:30:00")
    assert run_k8sprep(["import", str(BUNDLED_DECK)], env=env).returncode == 0
    card = "storage-in-kubernetes-concept-ee5ed1158f"
    done = run_k8sprep(["review"], env=env, stdin="\n4\nq\n")
    assert done.returncode == 0, done.stderr
    shown = run_k8sprep(["card", card], env=env)
    assert "History: 1 answer\n" in shown.stdout
    assert "Deck file: " + str(BUNDLED_DECK.resolve()) in shown.stdout


# --- read-only commands on a database that is not there


@pytest.mark.parametrize(
    "command",
    [
        ["due"],
        ["due", "--json"],
        ["stats"],
        ["history"],
        ["readiness"],
        ["fsrs", "evaluate"],
        ["exam", "show"],
    ],
)
def test_a_named_database_that_is_not_there_is_refused(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "typo.db"
    code, out, err = k8sprep(*command, "--db", db)
    assert (code, out) == (1, "")
    assert err == (
        f"k8sprep: {db.resolve()}: no review database here yet "
        "(run k8sprep review or k8sprep import first)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "written"),
    [(["decks"], []), (["export", "csv", "-o", "out.csv"], ["out.csv"])],
)
def test_commands_that_need_no_database_warn_of_a_named_one_not_there(
    command: list[str], written: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "typo.db"
    code, out, err = k8sprep(*command, "--db", db)
    assert code == 0 and ("33 cards" in out or "from 1 deck" in out)
    assert err.startswith(f"k8sprep: warning: {db.resolve()}: no review database here yet")
    assert len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == written


def test_the_default_database_not_there_yet_is_nothing_yet(isolated_home: Path) -> None:
    shutil.rmtree(isolated_home)
    code, out, _ = k8sprep("due")
    assert code == 0 and "No cards yet" in out
    assert not isolated_home.exists()


def test_import_and_review_still_create_a_named_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, _out, err = k8sprep("import", "5", "--db", db)
    assert (code, err) == (0, "") and db.is_file()
    other = tmp_path / "other.db"
    result = runner.invoke(app, ["review", "--db", str(other)], input="q\n")
    assert result.exit_code == 0 and other.is_file()
