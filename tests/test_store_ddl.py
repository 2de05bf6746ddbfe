"""The SQLite schema kept as SQL text: exactly what the SQLModel tables compile to.

A fresh SQLite database is created from :data:`flashcards.store.ddl.SQLITE_SCHEMA`
with the stdlib driver alone, so that the first ``k8sprep review`` never loads
SQLAlchemy. These tests keep that text and the SQLModel declarations from drifting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flashcards.store import SCHEMA_VERSION
from flashcards.store.ddl import SQLITE_SCHEMA
from flashcards.store.schema import TABLE_NAMES, tables
from tests.review_helpers import ROOT, table_rows


def _normal(statement: str) -> str:
    return " ".join(statement.split())


def _compiled_from_sqlmodel() -> list[str]:
    """CREATE TABLE / INDEX for every k8sprep table of the SQLModel metadata, for SQLite."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    tables()  # declares the classes on the shared metadata
    dialect = sqlite.dialect()
    statements = []
    for name in TABLE_NAMES:
        table = SQLModel.metadata.tables[name]
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)))
    return statements


def test_sql_text_is_exactly_what_the_sqlmodel_tables_compile_to() -> None:
    assert [_normal(s) for s in SQLITE_SCHEMA] == [_normal(s) for s in _compiled_from_sqlmodel()]


def test_sql_text_covers_every_k8sprep_table_of_the_metadata() -> None:
    from sqlmodel import SQLModel

    tables()
    declared = {name for name in SQLModel.metadata.tables if name in TABLE_NAMES}
    created = {s.split()[2] for s in SQLITE_SCHEMA if s.startswith("CREATE TABLE")}
    assert created == declared == set(TABLE_NAMES)


def test_creating_a_fresh_database_imports_no_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "data" / "k8sprep.db"
    code = (
        "import sys; from flashcards.store import Store; "
        f"Store.open('sqlite:///{path}').close(); "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
    assert dict(table_rows(path, "SELECT key, value FROM meta")) == {
        "application": "k8sprep",
        "schema_version": str(SCHEMA_VERSION),
    }
    names = {r[0] for r in table_rows(path, "SELECT name FROM sqlite_master")}
    assert set(TABLE_NAMES) | {"ix_card_state_queue", "ix_review_log_card"} <= names
