"""Schema upgrades on a real first-release database (``tests/fixtures/schema-v1.db``)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest

from flashcards.cli.opening import open_url
from flashcards.errors import SchemaUpgradeNeededError, StoreError
from flashcards.store import SCHEMA_VERSION, Store
from flashcards.store.connection import Db, connect
from flashcards.store.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    applied_migrations,
    pending,
    read_version,
    sqlite_layout,
    upgrade,
)
from flashcards.store.verify import verify_database

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v1.db"
DATA_TABLES = ("deck", "card", "card_state", "review_log")
NOW = datetime(2026, 11, 26, 9, 30)


def rows(path: Path, table: str, columns: str = "*") -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
    connection.close()
    return found


def v1_columns(path: Path, table: str) -> str:
    with sqlite3.connect(FIXTURE.as_uri() + "?mode=ro", uri=True) as connection:
        names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    connection.close()
    return ", ".join(names)


def layout(path: Path) -> dict[str, object]:
    """Tables with their columns (name, type, not null, default, key) and indexes."""
    connection = sqlite3.connect(path)
    found: dict[str, object] = {}
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in sorted(tables):
        columns = sorted(tuple(r[1:]) for r in connection.execute(f"PRAGMA table_info({table})"))
        indexes = sorted(
            (r[1], r[2], tuple(c[2] for c in connection.execute(f"PRAGMA index_info({r[1]})")))
            for r in connection.execute(f"PRAGMA index_list({table})")
        )
        found[table] = (columns, indexes)
    connection.close()
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    """A private copy of the first-release database."""
    copy = tmp_path / "k8sprep.db"
    shutil.copyfile(FIXTURE, copy)
    return copy


def test_the_fixture_is_a_first_release_database() -> None:
    assert dict(rows(FIXTURE, "meta")) == {"application": "k8sprep", "schema_version": "1"}
    assert "origin" not in v1_columns(FIXTURE, "review_log")
    assert len(rows(FIXTURE, "review_log")) == 33


def test_migrations_are_numbered_in_order_up_to_the_store_version() -> None:
    assert [m.number for m in MIGRATIONS] == list(range(2, LATEST_VERSION + 1))
    assert LATEST_VERSION == SCHEMA_VERSION
    assert pending(1) == list(MIGRATIONS)
    assert pending(LATEST_VERSION) == []


def test_first_schema_is_the_layout_the_first_release_wrote(tmp_path: Path) -> None:
    rebuilt = tmp_path / "v1.db"
    with sqlite3.connect(rebuilt) as connection:
        for statement in sqlite_layout(1):
            connection.execute(statement)
    connection.close()
    assert layout(rebuilt) == layout(FIXTURE)


def test_layout_built_from_migrations_equals_a_fresh_database(tmp_path: Path) -> None:
    rebuilt = tmp_path / "latest.db"
    with sqlite3.connect(rebuilt) as connection:
        for statement in sqlite_layout(LATEST_VERSION):
            connection.execute(statement)
    connection.close()
    fresh = tmp_path / "fresh.db"
    Store.open(f"sqlite:///{fresh}").close()
    assert layout(rebuilt) == layout(fresh)


def test_newer_database_is_refused_untouched(v1: Path) -> None:
    with sqlite3.connect(v1) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    before = digest(v1)
    with pytest.raises(StoreError, match=r"schema version 99 is newer than this k8sprep"):
        Store.open(f"sqlite:///{v1}")
    with pytest.raises(StoreError, match=r"schema version 99 is newer than this k8sprep"):
        pending(99)
    assert digest(v1) == before


def test_opening_a_first_release_database_upgrades_it_keeping_everything(
    v1: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {table: rows(v1, table, v1_columns(v1, table)) for table in DATA_TABLES}
    with open_url(f"sqlite:///{v1}") as store:
        assert read_version(store.db) == LATEST_VERSION
        assert verify_database(store.db).ok
        history = list(store.history())
    assert len(history) == 33
    for table in DATA_TABLES:  # every deck, card, state and log row, value for value
        assert rows(v1, table, v1_columns(v1, table)) == before[table]
    orders = rows(
        v1, "card_state s JOIN card c ON c.id = s.card_id", "s.queue_order, c.chapter, c.position"
    )
    assert orders and all(order == chapter * 1_000_000 + pos for order, chapter, pos in orders)
    with _open_db(v1) as db:
        recorded = applied_migrations(db)
    assert [number for number, _ in recorded] == [2, 3, 4, 5]
    assert recorded[0][1].startswith("card_state.queue_order")
    backups = list((isolated_home / "backups").glob("pre-migration-v1-*.db"))
    assert len(backups) == 1
    for table in DATA_TABLES:
        assert rows(backups[0], table) == rows(FIXTURE, table)
    assert dict(rows(backups[0], "meta"))["schema_version"] == "1"
    err = capsys.readouterr().err
    assert f"k8sprep: upgraded the database from schema version 1 to {SCHEMA_VERSION}" in err
    assert f"k8sprep: the database as it was is kept in {backups[0]}" in err


def test_upgraded_database_has_the_layout_of_a_fresh_one(v1: Path, tmp_path: Path) -> None:
    open_url(f"sqlite:///{v1}").close()
    fresh = tmp_path / "fresh.db"
    Store.open(f"sqlite:///{fresh}").close()
    assert layout(v1) == layout(fresh)


def test_second_open_does_nothing_more(v1: Path, isolated_home: Path) -> None:
    open_url(f"sqlite:///{v1}").close()
    open_url(f"sqlite:///{v1}").close()
    assert len(list((isolated_home / "backups").iterdir())) == 1
    assert (
        len([k for k, _ in rows(v1, "meta") if str(k).startswith("migration.")])
        == LATEST_VERSION - 1
    )


def test_answers_after_the_upgrade_carry_on_from_the_old_states(v1: Path) -> None:
    with open_url(f"sqlite:///{v1}") as store:
        card = "storage-in-kubernetes-concept-ee5ed1158f"
        old = store.state(card)
        answer = store.record_review(card, time=NOW, day=NOW.date(), grade=4)
        assert answer.before == old.sm2 and answer.after.repetitions == old.sm2.repetitions + 1
        assert verify_database(store.db).ok


def test_failed_backup_means_no_upgrade(
    v1: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("K8SPREP_HOME", str(blocker / "home"))  # backups/ cannot be made
    before = {table: rows(v1, table) for table in (*DATA_TABLES, "meta")}
    with pytest.raises(StoreError, match=r"not upgraded, because the backup before upgrading"):
        open_url(f"sqlite:///{v1}")
    assert {table: rows(v1, table) for table in (*DATA_TABLES, "meta")} == before


def test_failed_migration_rolls_back_and_names_the_backup(v1: Path, isolated_home: Path) -> None:
    with sqlite3.connect(v1) as connection:  # a hand-edited file in the migration's way
        connection.execute("CREATE TABLE card_state_v2 (x INTEGER)")
    connection.close()
    before = {table: rows(v1, table) for table in (*DATA_TABLES, "meta")}
    with pytest.raises(StoreError) as caught:
        open_url(f"sqlite:///{v1}")
    message = str(caught.value)
    assert (
        "upgrade to schema version 2 failed and was rolled back (table card_state_v2 already"
        in message
    )
    assert str(isolated_home / "backups" / "pre-migration-v1-") in message
    assert {table: rows(v1, table) for table in (*DATA_TABLES, "meta")} == before


def test_upgrade_one_step_at_a_time_is_recorded(v1: Path) -> None:
    with _open_db(v1) as db:
        assert upgrade(db, "v1", now=NOW, to_version=1).applied == ()
        report = upgrade(db, "v1", now=NOW)
        assert (report.from_version, report.to_version) == (1, LATEST_VERSION)
        assert report.backup is None  # no backup hook given
        assert applied_migrations(db)[0][1].endswith("(applied 2026-11-26T09:30:00)")


def test_two_processes_opening_an_old_database_at_once(v1: Path, isolated_home: Path) -> None:
    script = (
        "import sys; from flashcards.cli.opening import open_url; "
        "open_url('sqlite:///' + sys.argv[1]).close()"
    )
    env = {"K8SPREP_HOME": str(isolated_home), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(v1)], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert sum("upgraded the database" in e for e in errors) == 1
    with _open_db(v1) as db:
        assert read_version(db) == LATEST_VERSION
        assert [n for n, _ in applied_migrations(db)] == list(range(2, LATEST_VERSION + 1))
        assert verify_database(db).ok


@contextmanager
def _open_db(path: Path) -> Iterator[Db]:
    """A bare connection (no schema checks or upgrade), closed on exit."""
    db = connect(f"sqlite:///{path}", older_ok=True)
    try:
        yield db
    finally:
        db.close()


def test_the_library_never_upgrades_on_open(
    v1: Path, isolated_home: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    before = digest(v1)
    with pytest.raises(SchemaUpgradeNeededError) as caught:
        Store.open(v1)
    assert str(caught.value) == (
        f"{v1}: database schema version 1 is older than this k8sprep's ({LATEST_VERSION}); "
        "upgrade it first with any k8sprep command, or from Python with "
        f"flashcards.upgrade({str(v1)!r}, backup_dir=...)"
    )
    assert digest(v1) == before
    assert not (isolated_home / "backups").exists()
    assert capfd.readouterr() == ("", "")


def test_upgrade_from_python_keeps_a_copy_where_told_and_prints_nothing(
    v1: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import flashcards

    report = flashcards.upgrade(str(v1), backup_dir=tmp_path / "copies", now=NOW)
    assert (report.from_version, report.to_version) == (1, LATEST_VERSION)
    assert report.backup is not None and report.backup.parent == tmp_path / "copies"
    assert dict(rows(report.backup, "meta"))["schema_version"] == "1"
    assert capfd.readouterr() == ("", "")
    with Store.open(v1) as store:
        assert verify_database(store.db).ok
    again = flashcards.upgrade(v1, backup_dir=None, now=NOW)
    assert again.applied == () and again.backup is None


def test_the_drill_columns_arrive_empty_on_old_answers(v1: Path, isolated_home: Path) -> None:
    with open_url(f"sqlite:///{v1}") as store:
        history = list(store.history())
        assert {(a.typed_answer, a.verdict) for a in history} == {(None, None)}
    with _open_db(v1) as db:
        assert applied_migrations(db)[1][1].startswith("review_log.typed_answer and verdict")


def test_a_version_3_database_upgrades_to_4_and_learns_deck_files(
    tmp_path: Path, isolated_home: Path
) -> None:
    v3 = tmp_path / "v3.db"
    with sqlite3.connect(v3) as connection:
        for statement in sqlite_layout(3):
            connection.execute(statement)
        connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("application", "k8sprep"), ("schema_version", "3")],
        )
        connection.execute("INSERT INTO deck VALUES ('pods', '03 Pods', 3, 'Pods')")
    connection.close()
    assert "source_path" not in [c[0] for c in layout(v3)["deck"][0]]
    with open_url(f"sqlite:///{v3}") as store:
        assert read_version(store.db) == LATEST_VERSION == 5
        assert store.db.rows("SELECT slug, name, source_path FROM deck") == [
            ("pods", "03 Pods", None)
        ]
        assert store.deck_source("pods") is None
    assert [n for n, _ in applied_migrations_of(v3)] == [4, 5]
    assert list((isolated_home / "backups").glob("pre-migration-v3-*.db"))
    fresh = tmp_path / "fresh.db"
    Store.open(f"sqlite:///{fresh}").close()
    assert layout(v3) == layout(fresh)


def test_a_version_4_database_upgrades_to_5_and_counts_decks_from_card_state(
    tmp_path: Path, isolated_home: Path
) -> None:
    v4 = tmp_path / "v4.db"
    with sqlite3.connect(v4) as connection:
        for statement in sqlite_layout(4):
            connection.execute(statement)
        connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("application", "k8sprep"), ("schema_version", "4")],
        )
        connection.execute("INSERT INTO deck VALUES ('pods', '03 Pods', 3, 'Pods', NULL)")
        for number, retired in ((1, 0), (2, 0), (3, 1)):
            connection.execute(
                "INSERT INTO card VALUES (?, 'pods', 3, ?, 'concept', 'Q?', 'A.', '', '', "
                "'[]', 'f.txt', 'S', ?)",
                (f"pods-{number}", number, retired),
            )
            connection.execute(
                "INSERT INTO card_state VALUES (?, 0, 0, 250, NULL, ?, 0, NULL, NULL, NULL, 0)",
                (f"pods-{number}", 3000000 + number),
            )
    connection.close()
    with open_url(f"sqlite:///{v4}") as store:
        assert read_version(store.db) == LATEST_VERSION
        assert store.db.rows("SELECT card_id, deck FROM card_state ORDER BY card_id") == [
            ("pods-1", "pods"),
            ("pods-2", "pods"),
            ("pods-3", None),  # retired: in no deck's counts
        ]
        [counts] = store.deck_counts(date(2026, 12, 1))
        assert (counts.slug, counts.unseen, counts.due) == ("pods", 2, 0)
        assert verify_database(store.db).ok
    assert [n for n, _ in applied_migrations_of(v4)] == [5]
    fresh = tmp_path / "fresh.db"
    Store.open(f"sqlite:///{fresh}").close()
    assert layout(v4) == layout(fresh)


def applied_migrations_of(path: Path) -> list[tuple[int, str]]:
    with _open_db(path) as db:
        return applied_migrations(db)
