"""Hostile backup files: every schema trick planted into a real backup made by `k8sprep backup`.

``restore`` rebuilds a backup from its checked rows in k8sprep's own tables. Extras
that lose nothing (a trigger, a view or table of another name, an extra column) are
left behind, and named; anything that would restore wrong data, or run the file's
code, is refused in one line with the live database byte for byte as it was. Commands
that could hang run in a real subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import StoreError
from flashcards.store import Store
from flashcards.store.backup import restore_database, take_backup
from flashcards.store.backup.check import guard
from flashcards.store.migrations import LATEST_VERSION
from flashcards.store.verify import verify_database
from tests.test_backup_restore import FIXTURE, WRITER, answer_cards, snapshot

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 20, 9, 0)
ENV = {"K8SPREP_NOW": "2026-11-26T09:30:00"}
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS id FROM n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "k8sprep.db"
    answer_cards(path, 8)
    return path


@pytest.fixture
def good(db: Path, isolated_home: Path) -> Path:
    """A real backup, made by the command, moved out of backups/ (which starts empty)."""
    made = CliRunner().invoke(app, ["backup", "--db", str(db)], env=ENV)
    assert made.exit_code == 0, made.output
    path = isolated_home / "backups" / "k8sprep-20261126-093000.db"
    moved = db.parent.parent / "good.db"
    shutil.move(path, moved)
    (isolated_home / "backups").rmdir()
    return moved


def plant(backup: Path, *statements: str) -> Path:
    """The backup with ``statements`` run on it, as a user of the sqlite3 shell would."""
    connection = sqlite3.connect(backup, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("PRAGMA writable_schema = OFF")
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()
    return backup


def files_of(db: Path) -> dict[str, bytes]:
    """The live database and its companions, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(db.parent.iterdir())}


def k8sprep(*args: str, home: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang fails the test instead of the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
    env.update(ENV, K8SPREP_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "flashcards", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


# --- extras that lose nothing are left behind; the live database never carries them


def test_a_trigger_on_review_log_stays_behind_and_every_answer_survives(
    db: Path, good: Path, isolated_home: Path
) -> None:
    plant(
        good,
        "CREATE TRIGGER evil AFTER INSERT ON review_log "
        "BEGIN DELETE FROM review_log WHERE id < NEW.id; END",
    )
    answer_cards(db, 3, day_offset=2)
    runner = CliRunner()
    restored = runner.invoke(app, ["restore", str(good), "--db", str(db)], env=ENV)
    assert restored.exit_code == 0, restored.output
    assert "left behind what k8sprep does not make: trigger evil" in restored.output
    with sqlite3.connect(db) as connection:
        kinds = {r[0] for r in connection.execute("SELECT type FROM sqlite_master")}
    connection.close()
    assert kinds == {"table", "index"}
    review = runner.invoke(
        app, ["review", "--db", str(db)], input="4\nq\n", env={"K8SPREP_NOW": "2026-11-27T09:00"}
    )
    assert review.exit_code == 0, review.output
    history = runner.invoke(app, ["history", "--json", "--db", str(db)])
    assert history.exit_code == 0
    assert len(json.loads(history.output)) == 9  # the backup's 8 and today's answer
    backup_again = runner.invoke(app, ["backup", "--db", str(db)], env=ENV)
    assert backup_again.exit_code == 0
    with sqlite3.connect(isolated_home / "backups" / "k8sprep-20261126-093000.db") as later:
        assert (
            later.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []
        )
    later.close()


def test_other_tables_views_and_columns_are_left_behind(db: Path, good: Path) -> None:
    plant(
        good,
        "CREATE TABLE notes (body TEXT)",
        "INSERT INTO notes VALUES ('mine')",
        "CREATE VIEW recent AS SELECT * FROM review_log",
        "ALTER TABLE card ADD COLUMN colour TEXT DEFAULT 'red'",
        "CREATE INDEX ix_mine ON card (front)",
        'CREATE TRIGGER "\x1b]0;owned\x07" AFTER INSERT ON deck BEGIN SELECT 1; END',
        "CREATE TRIGGER review_log AFTER INSERT ON deck BEGIN SELECT 1; END",
    )
    result = restore_database(f"sqlite:///{db}", good, now=START)
    assert result.ignored == (
        "index ix_mine",
        "table notes",
        "trigger ?]0;owned?",
        "trigger review_log",
        "view recent",
        "column card.colour",
    )
    assert snapshot(db) == snapshot(good) | {"card": snapshot(db)["card"]}
    with sqlite3.connect(db) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        columns = [r[1] for r in connection.execute("PRAGMA table_info(card)")]
    connection.close()
    assert not names & {"notes", "recent", "ix_mine"} and "colour" not in columns


def test_a_v1_backup_with_a_trigger_on_meta_restores_every_answer(
    db: Path, tmp_path: Path, isolated_home: Path
) -> None:
    """The upgrade writes meta; the file's trigger emptied the log, then restore failed."""
    old = plant(
        Path(shutil.copyfile(FIXTURE, tmp_path / "v1.db")),
        "CREATE TRIGGER wipe AFTER UPDATE ON meta BEGIN DELETE FROM review_log; END",
    )
    result = k8sprep("restore", str(old), "--db", str(db), home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"restored {old} (schema version 1,")
    assert "trigger wipe" in result.stdout
    with Store.open(f"sqlite:///{db}") as store:
        assert len(list(store.history())) == 33
        assert verify_database(store.db).ok
        assert store.db.rows("SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(LATEST_VERSION),)
        ]
    first_release = snapshot(FIXTURE)["review_log"]
    width = len(first_release[0])  # later releases add columns (empty for old answers)
    assert [row[:width] for row in snapshot(db)["review_log"]] == first_release
    assert {row[width:] for row in snapshot(db)["review_log"]} == {(None, None)}


# --- what would restore wrong data, or run the file's code, is refused


REFUSED = {
    "view-for-log": (
        [
            "ALTER TABLE review_log RENAME TO review_log_old",
            "CREATE VIEW review_log AS SELECT * FROM review_log_old",
        ],
        "review_log is a view, not a table",
    ),
    "endless-view": (
        ["DROP TABLE review_log", f"CREATE VIEW review_log AS {ENDLESS}"],
        "review_log is a view, not a table",
    ),
    "virtual-table": (
        [
            "DROP TABLE review_log",
            "CREATE VIRTUAL TABLE review_log USING fts5(card_id, answered_at)",
        ],
        "review_log is a virtual table, not a table",
    ),
    "dropped-column": (
        ["ALTER TABLE review_log DROP COLUMN answer_ms"],
        "review_log has no answer_ms column",
    ),
    "easiness-zzz": (
        ["UPDATE card_state SET easiness = 'zzz' WHERE rowid = 1"],
        "card_state.easiness holds 'zzz'",
    ),
    "due-notadate": (
        ["UPDATE card_state SET due = 'notadate' WHERE due IS NOT NULL"],
        "card_state.due holds 'notadate'",
    ),
    "impossible-date": (
        ["UPDATE review_log SET day = '2026-02-30' WHERE id = 1"],
        "answer 1 is unreadable (day is out of range for month)",
    ),
    "grade-9": (["UPDATE review_log SET grade = 9 WHERE id = 2"], "review_log.grade holds 9"),
    "grade-as-text": (
        ["UPDATE review_log SET grade = 'four' WHERE id = 2"],
        "review_log.grade holds 'four'",
    ),
    "time-now": (
        ["UPDATE review_log SET answered_at = 'now' WHERE id = 3"],
        "review_log.answered_at holds 'now'",
    ),
    "easiness-fraction": (
        ["UPDATE card_state SET easiness = 2.5 WHERE rowid = 1"],
        "card_state.easiness holds 2.5",
    ),
    "negative-interval": (
        ["UPDATE card_state SET interval_days = -4 WHERE rowid = 1"],
        "card_state.interval_days holds -4",
    ),
    "unknown-kind": (["UPDATE card SET kind = 'evil' WHERE rowid = 1"], "card.kind holds 'evil'"),
    "tags-not-json": (
        ["UPDATE card SET tags = '[oops' WHERE rowid = 1"],
        "card.tags holds '[oops'",
    ),
    "flag-2": (["UPDATE card SET retired = 2 WHERE rowid = 1"], "card.retired holds 2"),
    "deck-file-bytes": (
        ["UPDATE deck SET source_path = X'2f746d70' WHERE rowid = 1"],
        "deck.source_path holds b'/tmp'",
    ),
    "deck-file-empty": (["UPDATE deck SET source_path = ''"], "deck.source_path holds ''"),
    "answers-of-no-card": (
        ["UPDATE review_log SET card_id = 'no-such-card' WHERE id = 1"],
        "review_log belongs to a card that the file does not hold",
    ),
    "card-without-state": (
        ["DELETE FROM card_state WHERE card_id = (SELECT card_id FROM review_log LIMIT 1)"],
        "has no review state",
    ),
    "state-not-from-log": (
        ["UPDATE card_state SET repetitions = 7 WHERE due IS NOT NULL"],
        "stored state is (reps 7",
    ),
    "log-row-removed": (["DELETE FROM review_log WHERE id = 8"], "stored state"),
    "two-rows-one-key": (
        [
            "CREATE TABLE deck2 (slug, name, chapter, title, source_path)",
            "INSERT INTO deck2 SELECT * FROM deck",
            "INSERT INTO deck2 SELECT * FROM deck",
            "DROP TABLE deck",
            "ALTER TABLE deck2 RENAME TO deck",
        ],
        "deck holds two rows for one key",
    ),
    "version-abc": (
        ["UPDATE meta SET value = 'abc' WHERE key = 'schema_version'"],
        "not a k8sprep database (schema version 'abc')",
    ),
    "version-1e3": (
        ["UPDATE meta SET value = '1e3' WHERE key = 'schema_version'"],
        "not a k8sprep database (schema version '1e3')",
    ),
}


@pytest.mark.parametrize("trick", sorted(REFUSED))
def test_a_planted_trick_is_refused_in_one_line_and_nothing_changes(
    db: Path, good: Path, isolated_home: Path, trick: str
) -> None:
    statements, message = REFUSED[trick]
    plant(good, *statements)
    before = files_of(db)
    result = k8sprep("restore", str(good), "--db", str(db), home=isolated_home)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"k8sprep: {good}: "), result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert files_of(db) == before  # byte for byte, -wal and -shm included
    assert not (isolated_home / "backups").exists()  # refused before any safety copy


def test_a_live_database_whose_log_is_an_endless_view_cannot_hang_commands(
    db: Path, isolated_home: Path
) -> None:
    plant(db, "DROP TABLE review_log", f"CREATE VIEW review_log AS {ENDLESS}")
    out = isolated_home / "copy.db"
    backup = k8sprep("backup", str(out), "--db", str(db), home=isolated_home)
    assert backup.returncode == 1
    assert backup.stderr == (
        f"k8sprep: {db}: not a k8sprep database (review_log is a view, not a table)\n"
    )
    assert not out.exists()
    default = k8sprep("backup", "--db", str(db), home=isolated_home)
    assert default.returncode == 1 and default.stderr.count("\n") == 1
    assert list((isolated_home / "backups").iterdir()) == []


def test_whatever_runs_in_an_untrusted_file_is_interrupted() -> None:
    connection = sqlite3.connect(":memory:")
    guard(connection, seconds=0.2)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        connection.execute(f"SELECT COUNT(*) FROM ({ENDLESS})").fetchone()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("CREATE TABLE t (x)")
    connection.close()


# --- a -wal beside the copy


def test_a_wal_file_beside_a_copy_is_restored_with_it(db: Path, tmp_path: Path) -> None:
    holder = sqlite3.connect(db, isolation_level=None)  # keeps the WAL from being checkpointed
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("SELECT 1 FROM card").fetchone()
    try:
        answer_cards(db, 5, day_offset=3)
        copies = tmp_path / "copied"
        copies.mkdir()
        shutil.copyfile(db, copies / "k8sprep.db")
        shutil.copyfile(f"{db}-wal", copies / "k8sprep.db-wal")
    finally:
        holder.close()
    assert Path(copies / "k8sprep.db-wal").stat().st_size > 0
    target = tmp_path / "elsewhere" / "k8sprep.db"
    result = restore_database(f"sqlite:///{target}", copies / "k8sprep.db", now=START)
    assert result.facts.answers == 13
    assert snapshot(target) == snapshot(db)
    assert sorted(p.name for p in copies.iterdir()) == ["k8sprep.db", "k8sprep.db-wal"]


# --- verify reads one snapshot while a review writes


@pytest.mark.slow
def test_verify_finds_nothing_wrong_while_a_real_review_writes(db: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "4"], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    runs, problems = 0, []
    with Store.open(f"sqlite:///{db}") as store:
        while writer.poll() is None:
            report = verify_database(store.db)
            runs += 1
            problems.extend(report.problems)
    writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert runs >= 20 and problems == []


# --- rotation, lock-outs, stale temporary files


def test_rotation_keeps_the_backup_just_written_after_the_clock_moved_back(
    db: Path, isolated_home: Path
) -> None:
    for hour in range(3):
        take_backup(f"sqlite:///{db}", now=START + timedelta(hours=hour), keep=2)
    answer_cards(db, 4, day_offset=1)
    result = take_backup(f"sqlite:///{db}", now=START - timedelta(days=30), keep=2)
    assert result.facts.path.exists() and result.facts.answers == 12
    names = sorted(p.name for p in (isolated_home / "backups").iterdir())
    assert names == ["k8sprep-20261021-090000.db", "k8sprep-20261120-110000.db"]


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm", ""])
def test_backup_refuses_the_database_and_its_companions(
    db: Path, isolated_home: Path, suffix: str
) -> None:
    target = Path(f"{db}{suffix}")
    before = files_of(db)
    result = CliRunner().invoke(app, ["backup", str(target), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith(f"k8sprep: {target}: ") and result.output.count("\n") == 1
    assert files_of(db) == before
    after = CliRunner().invoke(app, ["verify", "--db", str(db)])
    assert after.exit_code == 0, after.output


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("kind", ["csv", "markdown", "anki"])
def test_export_refuses_the_database_and_its_companions(
    db: Path, tmp_path: Path, kind: str, suffix: str
) -> None:
    target = Path(f"{db}{suffix}")
    before = files_of(db)
    result = CliRunner().invoke(
        app, ["export", kind, "-o", str(target)], env={"K8SPREP_DB": str(db)}
    )
    assert result.exit_code == 1
    assert result.output == (
        f"k8sprep: {target}: is the review database or one of its files; choose another\n"
    )
    assert files_of(db) == before


def test_export_never_overwrites_another_sqlite_database(good: Path) -> None:
    before = good.read_bytes()
    result = CliRunner().invoke(app, ["export", "csv", "-o", str(good)])
    assert result.exit_code == 1
    assert "is an SQLite database; exports never overwrite one" in result.output
    assert good.read_bytes() == before


KILLED = """
import os, signal, sys, time
from pathlib import Path
from flashcards.store.backup import files
name, how = Path(sys.argv[1]), sys.argv[2]
with files.temporary_beside(name) as temporary:
    temporary.write_bytes(b"half a database" * 1000)
    Path(f"{temporary}-journal").write_bytes(b"journal")
    if how == "hold":
        print("ready", flush=True)
        time.sleep(60)
    os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGTERM)
"""


def _leave(name: Path, how: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", KILLED, str(name), how], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def test_files_a_killed_backup_or_restore_left_are_cleaned_on_the_next_run(
    db: Path, good: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flashcards.store.backup import files

    monkeypatch.setattr(files, "STALE_AFTER_S", 0.0)
    backups = isolated_home / "backups"
    for name, how in (
        (db.parent / ".restore-good.db", "kill"),
        (db.parent / ".restore-good.db", "term"),
        (backups / "k8sprep-20261126-093000.db", "kill"),
        (backups / "pre-restore-20261126-093000.db", "term"),
    ):
        killed = _leave(name, how)
        killed.communicate(timeout=60)
        assert killed.returncode in (-signal.SIGKILL, -signal.SIGTERM)
    running = _leave(backups / "k8sprep-20261126-100000.db", "hold")
    try:
        assert running.stdout is not None and running.stdout.readline().strip() == "ready"
        left = sorted(p.name for p in [*db.parent.iterdir(), *backups.iterdir()])
        assert sum(n.endswith(".tmp") for n in left) == 5
        (backups / "my-notes.tmp").write_text("mine")  # not of k8sprep's naming: kept
        restore_database(f"sqlite:///{db}", good, now=START)
        take_backup(f"sqlite:///{db}", now=START)
        in_data = [p.name for p in db.parent.iterdir() if p.name.startswith(".")]
        assert in_data == []
        hidden = sorted(p.name for p in backups.iterdir() if p.name.startswith("."))
        assert len(hidden) == 2 and all(
            n.startswith(".k8sprep-20261126-100000.db.") for n in hidden
        )
        assert (backups / "my-notes.tmp").exists()
    finally:
        running.kill()
        running.communicate(timeout=60)


# --- schema_version that is no number, in the live database


@pytest.mark.parametrize("value", ["abc", "1e3", " 2", "٢"])
@pytest.mark.parametrize("command", [["stats"], ["verify"], ["due"], ["backup"]])
def test_a_schema_version_that_is_no_number_is_one_line(
    db: Path, value: str, command: list[str]
) -> None:
    plant(db, f"UPDATE meta SET value = '{value}' WHERE key = 'schema_version'")
    result = CliRunner().invoke(app, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"k8sprep: {db}: not a k8sprep database (schema version {value!r})\n"
    ), result.output


def test_a_restore_that_is_refused_leaves_no_temporary_files(
    db: Path, good: Path, isolated_home: Path
) -> None:
    plant(good, "UPDATE card_state SET easiness = 'zzz'")
    with pytest.raises(StoreError):
        restore_database(f"sqlite:///{db}", good, now=START)
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []


def test_every_column_k8sprep_reads_has_a_rule() -> None:
    """A column added to the schema without a rule would be copied from a backup unchecked."""
    from flashcards.store.backup.rebuild import RULES, _columns

    columns = _columns(LATEST_VERSION)
    assert {t: sorted(c) for t, c in columns.items() if t != "meta"} == {
        t: sorted(rules) for t, rules in RULES.items()
    }


HALF_WRITTEN = """
import os, signal, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size = 1")  # spill changed pages to the file mid-transaction
connection.execute("BEGIN")
connection.execute("DELETE FROM review_log")
connection.execute("UPDATE card SET back = hex(randomblob(3000))")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_write_that_never_finished_beside_a_copy_is_rolled_back(
    good: Path, tmp_path: Path
) -> None:
    killed = subprocess.run([sys.executable, "-c", HALF_WRITTEN, str(good)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert Path(f"{good}-journal").stat().st_size > 0  # a hot journal: the file alone is wrong
    target = tmp_path / "elsewhere" / "k8sprep.db"
    result = restore_database(f"sqlite:///{target}", good, now=START)
    assert result.facts.answers == 8
    with Store.open(f"sqlite:///{target}") as store:
        assert verify_database(store.db).ok
    assert Path(f"{good}-journal").exists()  # the user's files are left as they were
