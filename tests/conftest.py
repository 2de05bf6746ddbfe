"""Shared fixtures: every test runs with its own data directory and a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "05-storage-in-kubernetes.txt"
SEED_MARKDOWN = ROOT / "tests" / "fixtures" / "05-storage-in-kubernetes.md"
BUNDLED_DECK = ROOT / "decks" / "05-storage-in-kubernetes.yaml"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point ``K8SPREP_HOME`` at a fresh folder so no test touches a real user's data."""
    home = tmp_path_factory.mktemp("k8sprep-home")
    monkeypatch.setenv("K8SPREP_HOME", str(home))
    monkeypatch.delenv("K8SPREP_DB", raising=False)
    monkeypatch.delenv("K8SPREP_NOW", raising=False)
    return home


@pytest.fixture
def seed_text() -> str:
    """The seed chapter as copied from the published site."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def seed_markdown() -> str:
    """The same chapter as Markdown source."""
    return SEED_MARKDOWN.read_text(encoding="utf-8")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A review database file that does not exist yet (test files may override it)."""
    return tmp_path / "k8sprep.db"


DRILL_NOW = "2026-11-26T09:30:00"
"""The moment the drill and mock tests run at (``K8SPREP_NOW``)."""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data directory whose database holds the bundled deck, imported at ``DRILL_NOW``."""
    from tests.review_helpers import k8sprep_env, run_k8sprep

    home = tmp_path / "home"
    result = run_k8sprep(["import", str(BUNDLED_DECK)], env=k8sprep_env(home, DRILL_NOW))
    assert result.returncode == 0, result.stderr
    return home
