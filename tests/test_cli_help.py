"""Every command explains itself: ``--help`` works and shows its purpose."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from flashcards import __version__
from flashcards.cli import app

runner = CliRunner()
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def test_every_command_is_listed_in_the_top_level_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f" {name} " in result.stdout
    assert {"build", "decks", "import", "review", "due", "stats", "history", "card"} <= set(
        COMMANDS
    )
    assert {"export", "backup", "restore", "verify"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_help_shows_its_purpose(name: str) -> None:
    command = COMMANDS[name]
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.stderr
    summary = (command.help or "").strip().splitlines()[0]
    assert summary, f"{name} has no help text"
    assert " ".join(summary.split()[:4]) in " ".join(result.stdout.split())


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"k8sprep {__version__}\n")


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage: k8sprep" in result.stdout + result.stderr
