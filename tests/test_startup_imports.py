"""What every command pays before it does anything: modules loaded only when needed.

Reading a config file needs ``tomllib`` (its import compiles patterns); finding the
bundled decks needs ``importlib.resources`` (which imports ``tempfile``); parsing
chapters and decks needs the parse modules and PyYAML. ``--help`` and ``due`` need
none of them until there is a config file or decks to read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.review_helpers import k8sprep_env

ONLY_WHEN_NEEDED = (
    "tomllib",
    "importlib.resources",
    "yaml",
    "flashcards.parse.chapter",
    "flashcards.parse.cards",
    "flashcards.parse.deckfile",
)


def loaded_by(args: list[str], home: Path) -> set[str]:
    """The modules ``k8sprep ARGS`` imported (from ``-X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flashcards", *args],
        capture_output=True,
        text=True,
        env=k8sprep_env(home, "2026-11-26T09:30:00"),
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}


@pytest.mark.parametrize("args", [["--help"], ["due"]], ids=" ".join)
def test_command_without_config_loads_only_what_it_needs(args: list[str], tmp_path: Path) -> None:
    loaded = loaded_by(args, tmp_path)
    assert "typer" in loaded
    assert loaded.isdisjoint(ONLY_WHEN_NEEDED), sorted(loaded & set(ONLY_WHEN_NEEDED))


def test_a_config_file_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("new_per_day = 3\n", encoding="utf-8")
    assert "tomllib" in loaded_by(["due"], tmp_path)
