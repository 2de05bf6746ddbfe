"""The one error funnel: every registered command, and any added later, ends a library
error in one ``k8sprep: ...`` line, Ctrl-C in exit 130, a closed pipe quietly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.testing
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import K8sprepError

runner = CliRunner()


def _leaf_commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a sub-group such as `export`
            yield from _leaf_commands(command, (*path, name))
        else:
            yield (*path, name)


ROOT = typer.main.get_command(app)
LEAVES = sorted(_leaf_commands(ROOT))


@pytest.fixture(autouse=True)
def _one_command_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer's runner builds the command tree anew on each call, which would drop the
    patched callbacks: make it run the one tree these tests patch."""
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: ROOT)


def _command(path: tuple[str, ...]) -> Any:
    command: Any = ROOT
    for name in path:
        command = command.commands[name]
    return command


def _raise(error: BaseException) -> object:
    def callback(**_kwargs: object) -> None:
        raise error

    return callback


def test_the_walk_finds_every_command() -> None:
    assert {("review",), ("export", "anki"), ("history", "import"), ("restore",)} <= set(LEAVES)


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_ends_a_library_error_in_one_line(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _command(path)
    monkeypatch.setattr(command, "params", [])
    monkeypatch.setattr(command, "callback", _raise(K8sprepError("decks/x.yaml:3: broken")))
    result = runner.invoke(app, list(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "k8sprep: decks/x.yaml:3: broken\n"


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_ends_ctrl_c_with_130(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _command(path)
    monkeypatch.setattr(command, "params", [])
    monkeypatch.setattr(command, "callback", _raise(KeyboardInterrupt()))
    result = runner.invoke(app, list(path))
    assert (result.exit_code, result.stderr) == (130, "k8sprep: interrupted\n")


def test_a_multi_line_error_prints_each_line_with_the_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command = _command(("decks",))
    monkeypatch.setattr(command, "params", [])
    monkeypatch.setattr(command, "callback", _raise(K8sprepError("a.yaml:1: one\na.yaml:2: two")))
    result = runner.invoke(app, ["decks"])
    assert result.stderr == "k8sprep: a.yaml:1: one\nk8sprep: a.yaml:2: two\n"
