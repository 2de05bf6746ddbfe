"""A history file rebuilds a PostgreSQL database as it does an SQLite file (bulk writes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.store import Store
from flashcards.store.history_export import history_json
from flashcards.store.verify import verify_database
from tests.test_history_rebuild import export, learner  # noqa: F401  (the learner fixture)
from tests.test_postgres import pg_rows, pg_server, pg_url, sqlite_rows  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_history_rebuilds_a_postgres_database(
    learner: Path,  # noqa: F811
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    history = export(learner, tmp_path / "history.json")
    runner = CliRunner()
    result = runner.invoke(app, ["history", "import", str(history), "--db", pg_url])
    assert result.exit_code == 0, result.output
    old, new = sqlite_rows(learner), pg_rows(pg_url)
    assert new["review_log"] == old["review_log"]
    own = {row[0] for row in old["card"]}
    assert [row for row in new["card_state"] if row[0] in own] == old["card_state"]
    assert [row for row in new["card"] if row[0] in own] == old["card"]
    with Store.open(pg_url) as store:
        assert verify_database(store.db).ok
        assert history_json(store.db) == history.read_text(encoding="utf-8").rstrip("\n")
    refused = runner.invoke(app, ["history", "import", str(history), "--db", pg_url])
    assert refused.exit_code == 1 and "already has 15 answers" in refused.output
