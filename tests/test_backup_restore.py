"""Backup and restore drills on real SQLite files, real processes and a real terminal."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import NoDatabaseError, StoreError
from flashcards.files.decks import load_decks
from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.backup import (
    DatabaseFacts,
    backup_filename,
    backups_to_remove,
    inspect_database,
    restore_database,
    take_backup,
)
from flashcards.store.migrations import LATEST_VERSION
from flashcards.store.verify import verify_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "schema-v1.db"
TABLES = ("deck", "card", "card_state", "review_log")
START = datetime(2026, 11, 20, 9, 0)


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the k8sprep tables (meta aside), in a stable order."""
    connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        connection.close()


def answer_cards(db: Path, count: int, *, day_offset: int = 0, grade: int = 4) -> None:
    """Answer the first ``count`` cards of the bundled deck on study day START + offset."""
    with Store.open(f"sqlite:///{db}") as store:
        if not store.has_cards():
            store.sync_decks(load_decks())
        ids = [card.id for card in load_decks()[0].cards][:count]
        for step, card_id in enumerate(ids):
            moment = START + timedelta(days=day_offset, minutes=step)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=grade)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "k8sprep.db"
    answer_cards(path, 8)
    return path


def url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- the drill


def test_restore_drill_brings_back_exactly_the_backup(db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "drill.db"
    take_backup(url(db), now=START, target=backup)
    at_backup = snapshot(db)
    assert snapshot(backup) == at_backup
    answer_cards(db, 12, day_offset=1, grade=2)  # a bad day: lapses, re-drills
    answer_cards(db, 5, day_offset=1, grade=5)
    assert snapshot(db) != at_backup
    result = restore_database(url(db), backup, now=START + timedelta(days=1, hours=2))
    assert snapshot(db) == at_backup  # cards, states and log, row for row
    assert result.facts.answers == 8 and result.facts.schema_version == LATEST_VERSION
    assert result.safety_copy is not None and result.safety_copy.name.startswith("pre-restore-")
    assert len(snapshot(result.safety_copy)["review_log"]) == 8 + 12 + 5
    with Store.open(url(db)) as store:
        assert verify_database(store.db).ok
        store.record_review(  # life goes on after a restore
            load_decks()[0].cards[0].id, time=START + timedelta(days=3), day=START.date(), grade=4
        )
    restored_again = restore_database(url(db), result.safety_copy, now=START + timedelta(days=4))
    assert len(snapshot(db)["review_log"]) == 25
    assert restored_again.safety_copy != result.safety_copy


def test_restored_database_stays_in_wal_mode_for_concurrent_sessions(
    db: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "b.db"
    take_backup(url(db), now=START, target=backup)
    with sqlite3.connect(backup) as connection:  # backups are single self-contained files
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    restore_database(url(db), backup, now=START)
    with Store.open(url(db)) as store:
        assert store.db.rows("PRAGMA journal_mode")[0][0] == "wal"


def test_backup_while_a_review_session_runs_in_another_terminal(db: Path, tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")},
        "K8SPREP_HOME": str(tmp_path / "home"),
        "K8SPREP_NOW": "2026-11-21T10:00",
        "TERM": "dumb",
    }
    session = pexpect.spawn(
        sys.executable,
        ["-m", "flashcards", "review", "--db", str(db)],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        session.expect_exact("(space or Enter: show answer)")
        session.send(" ")
        session.expect_exact("5 perfect")
        session.send("4")
        session.expect(r"Graded 4")
        session.expect_exact("(space or Enter: show answer)")  # waiting on the next card
        backup = tmp_path / "during.db"
        done = subprocess.run(
            [sys.executable, "-m", "flashcards", "backup", str(backup), "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"backed up to {backup} (schema version {LATEST_VERSION}")
        session.send(" ")
        session.expect_exact("5 perfect")
        session.send("1")
        session.expect(r"Graded 1")
        session.send("q")
        session.expect(pexpect.EOF)
    finally:
        session.close(force=True)
    assert len(snapshot(backup)["review_log"]) == 9  # the fixture's 8 and the first answer
    assert len(snapshot(db)["review_log"]) == 10
    restore_database(url(db), backup, now=START + timedelta(days=2))
    assert snapshot(db) == snapshot(backup)
    with Store.open(url(db)) as store:
        assert verify_database(store.db).ok


WRITER = """
import sys, time
from datetime import datetime, timedelta
from flashcards.files.decks import load_decks
from flashcards.store import Store
from flashcards.schedule.studyday import study_day
ids = [c.id for c in load_decks()[0].cards]
start = datetime(2026, 12, 1, 9, 0)
deadline = time.monotonic() + float(sys.argv[2])
n = 0
with Store.open("sqlite:///" + sys.argv[1]) as store:
    print("ready", flush=True)
    while time.monotonic() < deadline:
        moment = start + timedelta(days=n // len(ids), seconds=n)
        store.record_review(ids[n % len(ids)], time=moment, day=study_day(moment), grade=n % 6)
        n += 1
print(n)
"""


@pytest.mark.slow
def test_backups_taken_during_a_busy_session_restore_to_valid_databases(
    db: Path, tmp_path: Path
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "3"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    counts: list[int] = []
    folder = tmp_path / "backups"
    while writer.poll() is None:
        result = take_backup(url(db), now=datetime.now(), folder=folder, keep=1000)
        counts.append(result.facts.answers)
        time.sleep(0.05)
    written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert writer.returncode == 0
    assert len(counts) >= 3 and counts == sorted(counts) and len(set(counts)) >= 2
    backups = sorted(folder.iterdir())
    assert len(backups) == len(counts)
    for backup in (backups[0], backups[len(backups) // 2], backups[-1]):
        live = tmp_path / "restored" / backup.name
        restore_database(url(live), backup, now=START)
        with Store.open(url(live)) as store:
            report = verify_database(store.db)
        assert report.ok, report.problems
        assert report.answers == inspect_database(backup).answers
    assert 8 < counts[-1] <= 8 + written


# --- backup files and rotation


def test_backup_names_and_rotation_are_pure() -> None:
    moment = datetime(2026, 11, 26, 9, 30, 5)
    assert backup_filename("k8sprep", moment) == "k8sprep-20261126-093005.db"
    assert backup_filename("k8sprep", moment, 3) == "k8sprep-20261126-093005-3.db"
    names = [
        "k8sprep-20261126-093005-2.db",
        "k8sprep-20261126-093005.db",
        "k8sprep-20250101-000000.db",
        "pre-restore-20200101-000000.db",
        "k8sprep-notes.db",
        "k8sprep-20261126-093005-10.db",
    ]
    assert backups_to_remove(names, "k8sprep", 2) == [
        "k8sprep-20250101-000000.db",
        "k8sprep-20261126-093005.db",
    ]
    with pytest.raises(ValueError):
        backups_to_remove(names, "k8sprep", 0)


def test_default_backups_are_timestamped_and_rotated(db: Path, isolated_home: Path) -> None:
    made = []
    for second in range(5):
        result = take_backup(url(db), now=START + timedelta(seconds=second), keep=3)
        made.append(result.facts.path)
    folder = isolated_home / "backups"
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in made[2:]]
    assert made[0].name == "k8sprep-20261120-090000.db"
    again = take_backup(url(db), now=START + timedelta(seconds=4), keep=3)
    assert again.facts.path.name == "k8sprep-20261120-090004-2.db"
    assert [p.name for p in again.removed] == ["k8sprep-20261120-090002.db"]
    (folder / "notes.txt").write_text("mine")  # other files are never rotated away
    take_backup(url(db), now=START + timedelta(seconds=9), keep=1)
    assert sorted(p.name for p in folder.iterdir()) == ["k8sprep-20261120-090009.db", "notes.txt"]


@pytest.mark.parametrize("which", ["existing", "itself"])
def test_backup_never_overwrites(db: Path, tmp_path: Path, which: str) -> None:
    target = db if which == "itself" else tmp_path / "precious.db"
    if which == "existing":
        target.write_text("precious")
    before = target.read_bytes()
    with pytest.raises(StoreError, match="never overwrite"):
        take_backup(url(db), now=START, target=target)
    assert target.read_bytes() == before


def test_backup_of_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NoDatabaseError) as caught:
        take_backup(url(tmp_path / "missing.db"), now=START, target=tmp_path / "out" / "b.db")
    assert str(caught.value) == (
        f"{tmp_path / 'missing.db'}: no review database here yet "
        "(run k8sprep review or k8sprep import first)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_backup_onto_a_full_disk_leaves_nothing(db: Path, tmp_path: Path) -> None:
    """The kernel stops writes past 64 KiB (RLIMIT_FSIZE) in a real subprocess."""
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "from flashcards.cli import app\n"
        "app(['backup', sys.argv[1], '--db', sys.argv[2]], prog_name='k8sprep')\n"
    )
    answer_cards(db, 20, day_offset=1)
    with sqlite3.connect(db) as connection:  # make the database bigger than the limit
        connection.execute("UPDATE card SET back = back || printf('%.2000c', 'x')")
    connection.close()
    folder = tmp_path / "out"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder / "b.db"), str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("k8sprep: backup not written:"), done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert list(folder.iterdir()) == []


# --- restore refuses bad files, and then nothing changes


def _bad_files(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: 4096 * 3])
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(good.read_bytes())
    # scribble on the b-tree header of every page from the third: free space inside a
    # page (where a scribble could land unnoticed) depends on what the decks hold
    for offset in range(4096 * 2, len(data), 4096):
        data[offset : offset + 64] = b"\xff" * 64
    corrupt.write_bytes(bytes(data))
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    newer = tmp_path / "newer.db"
    shutil.copyfile(good, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    partial = tmp_path / "partial.db"
    shutil.copyfile(good, partial)
    with sqlite3.connect(partial) as connection:
        connection.execute("DROP TABLE review_log")
    connection.close()
    return {
        "missing": (tmp_path / "nope.db", "no such file"),
        "text": (text, "not a k8sprep database (not an SQLite file)"),
        "truncated": (truncated, "damaged"),
        "corrupt": (corrupt, "damaged"),
        "other": (other, "not a k8sprep database"),
        "newer": (newer, "schema version 99 is newer than this k8sprep"),
        "partial": (partial, "not a complete k8sprep database (no review_log table)"),
    }


@pytest.mark.parametrize(
    "kind", ["missing", "text", "truncated", "corrupt", "other", "newer", "partial"]
)
def test_restore_refuses_bad_files_and_changes_nothing(
    db: Path, tmp_path: Path, isolated_home: Path, kind: str
) -> None:
    good = tmp_path / "good.db"
    take_backup(url(db), now=START, target=good)
    path, message = _bad_files(tmp_path, good)[kind]
    before = snapshot(db)
    with pytest.raises(StoreError) as caught:
        restore_database(url(db), path, now=START)
    assert str(caught.value).startswith(f"{path}: "), str(caught.value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert snapshot(db) == before
    assert not (isolated_home / "backups").exists()  # refused before any safety copy
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []


def test_restore_of_a_first_release_backup_upgrades_it(db: Path, isolated_home: Path) -> None:
    result = restore_database(url(db), FIXTURE, now=START)
    assert result.facts.schema_version == 1
    assert inspect_database(db).schema_version == LATEST_VERSION
    with Store.open(url(db)) as store:
        assert verify_database(store.db).ok
        assert len(list(store.history())) == 33
    # the same answers, each with the drill columns a first-release database lacks, empty
    upgraded = [row[:-2] for row in snapshot(db)["review_log"]]
    assert snapshot(FIXTURE)["review_log"] == upgraded
    assert {row[-2:] for row in snapshot(db)["review_log"]} == {(None, None)}


def test_restore_into_a_new_place_and_over_a_damaged_file(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    take_backup(url(db), now=START, target=good)
    fresh = tmp_path / "elsewhere" / "k8sprep.db"
    assert restore_database(url(fresh), good, now=START).safety_copy is None
    assert snapshot(fresh) == snapshot(good)
    broken = tmp_path / "broken" / "k8sprep.db"
    broken.parent.mkdir()
    broken.write_bytes(b"garbage that was once a database")
    Path(f"{broken}-wal").write_bytes(b"stale")
    result = restore_database(url(broken), good, now=START)
    assert result.safety_copy is not None
    assert result.safety_copy.read_bytes() == b"garbage that was once a database"
    assert snapshot(broken) == snapshot(good)
    assert not Path(f"{broken}-wal").exists() or Path(f"{broken}-wal").read_bytes() != b"stale"


def test_restore_never_touches_the_backup_file(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    take_backup(url(db), now=START, target=good)
    os.chmod(good, 0o444)
    before = (good.read_bytes(), good.stat().st_mtime_ns)
    restore_database(url(db), good, now=START)
    assert (good.read_bytes(), good.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "good.db"]


# --- the commands


def test_cli_backup_verify_restore(db: Path, tmp_path: Path, isolated_home: Path) -> None:
    runner = CliRunner()
    env = {"K8SPREP_NOW": "2026-11-26T09:30:00"}
    made = runner.invoke(app, ["backup", "--db", str(db)], env=env)
    assert made.exit_code == 0, made.output
    path = isolated_home / "backups" / "k8sprep-20261126-093000.db"
    assert made.output == (
        f"backed up to {path} (schema version {LATEST_VERSION}, 1 deck, "
        f"{len(load_decks()[0].cards)} cards, 8 answers)\n"
    )
    checked = runner.invoke(app, ["verify", "--db", str(db)])
    assert checked.exit_code == 0
    assert checked.output.endswith("8 answers: every state matches its replayed log\n")
    answer_cards(db, 3, day_offset=2)
    restored = runner.invoke(app, ["restore", str(path), "--db", str(db)], env=env)
    assert restored.exit_code == 0, restored.output
    safety = isolated_home / "backups" / "pre-restore-20261126-093000.db"
    assert restored.output.splitlines() == [
        f"kept the replaced database as {safety}",
        f"restored {path} (schema version {LATEST_VERSION}, 1 deck, "
        f"{len(load_decks()[0].cards)} cards, 8 answers)",
    ]
    assert snapshot(db) == snapshot(path)
    bad = runner.invoke(app, ["restore", str(tmp_path / "nope.db"), "--db", str(db)])
    assert bad.exit_code == 1
    assert bad.output == f"k8sprep: {tmp_path / 'nope.db'}: no such file\n"


def test_cli_backup_keep_option(db: Path, isolated_home: Path) -> None:
    runner = CliRunner()
    for minute in range(3):
        env = {"K8SPREP_NOW": f"2026-11-26T09:3{minute}:00"}
        result = runner.invoke(app, ["backup", "--keep", "2", "--db", str(db)], env=env)
        assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"removed old backup {isolated_home / 'backups' / 'k8sprep-20261126-093000.db'}"
    )
    assert len(list((isolated_home / "backups").iterdir())) == 2
    refused = runner.invoke(app, ["backup", "--keep", "0", "--db", str(db)])
    assert refused.exit_code == 2  # Typer's own usage error for a value out of range


def test_cli_backup_keeps_what_the_config_says(db: Path, isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text("backups_keep = 1\n")
    runner = CliRunner()
    for minute in range(3):
        env = {"K8SPREP_NOW": f"2026-11-26T09:3{minute}:00"}
        assert runner.invoke(app, ["backup", "--db", str(db)], env=env).exit_code == 0
    assert [p.name for p in (isolated_home / "backups").iterdir()] == ["k8sprep-20261126-093200.db"]
    (isolated_home / "config.toml").write_text("backups_keep = 0\n")
    bad = runner.invoke(app, ["backup", "--db", str(db)])
    assert bad.exit_code == 1
    assert bad.output == (
        f"k8sprep: {isolated_home / 'config.toml'}:1: backups_keep must be a whole number "
        "from 1 to 10000, got 0\n"
    )


@pytest.mark.parametrize(
    ("counts", "summary"),
    [
        ((1, 1, 1), "schema version 2, 1 deck, 1 card, 1 answer"),
        ((0, 0, 0), "schema version 2, 0 decks, 0 cards, 0 answers"),
        ((2, 12, 33), "schema version 2, 2 decks, 12 cards, 33 answers"),
    ],
)
def test_backup_summary_counts_read_right(counts: tuple[int, int, int], summary: str) -> None:
    assert DatabaseFacts(Path("x.db"), 2, *counts).summary() == summary
