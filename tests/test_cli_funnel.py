"""The one error funnel: every registered command, and any added later, ends a library
error in one ``k8sprep: ...`` line, Ctrl-C in exit 130, a closed pipe quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
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
@pytest.mark.parametrize(
    ("error", "said"),
    [
        (K8sprepError("decks/x.yaml:3: broken"), "decks/x.yaml:3: broken"),
        # one no command expected: the output's disk full
        (OSError(28, "No space left on device", "/mnt/x"), "/mnt/x: No space left on device"),
    ],
    ids=["library", "system"],
)
def test_every_command_ends_a_library_or_system_error_in_one_line(
    path: tuple[str, ...], error: Exception, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _command(path)
    monkeypatch.setattr(command, "params", [])
    monkeypatch.setattr(command, "callback", _raise(error))
    result = runner.invoke(app, list(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"k8sprep: {said}\n"


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


@pytest.mark.parametrize(
    "args",
    [
        ["history", "--json"],  # ASCII JSON: written as bytes
        ["cards", "--json"],  # JSON with other characters: written as text
        ["decks"],  # text lines
    ],
    ids=" ".join,
)
def test_a_closed_pipe_ends_the_real_process_quietly_with_0(
    args: list[str], tmp_path: Path
) -> None:
    """``k8sprep ... | head -0``: the reader is gone before anything is written. The
    command ends quietly (its standard error closed), and the process's last flush
    passes over that closed stream rather than counting it a failed write: exit 0."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = _run_on_bundled_decks(args, tmp_path, stdout=writer)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, b"")


def _run_on_bundled_decks(
    args: list[str], tmp_path: Path, *, stdout: Any
) -> subprocess.CompletedProcess[bytes]:
    """``python -m flashcards ARGS --db`` a database holding the bundled decks, as a real
    process writing to ``stdout``."""
    from flashcards.files.decks import load_decks
    from flashcards.store import Store
    from tests.review_helpers import k8sprep_env

    db = tmp_path / "learner.db"
    with Store.open(db) as store:
        store.sync_decks(load_decks())
    return subprocess.run(
        [sys.executable, "-m", "flashcards", *args, "--db", str(db)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=k8sprep_env(tmp_path / "home"),
        timeout=120,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["history", "--json"], ["cards", "--json"], ["decks"]])
def test_output_to_a_full_disk_is_one_line_and_exit_1(args: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _run_on_bundled_decks(args, tmp_path, stdout=full)
    assert done.returncode == 1
    assert done.stderr == b"k8sprep: No space left on device\n"


def test_a_closed_standard_output_is_said_and_exit_1(tmp_path: Path) -> None:
    """``k8sprep decks >&-``: nothing could be printed, so it is not a success."""
    from tests.review_helpers import k8sprep_env

    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "decks"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=k8sprep_env(tmp_path / "home"),
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert done.stderr == b"k8sprep: standard output is closed: nothing was printed\n"
