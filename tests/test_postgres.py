"""Backups, restores, upgrades and verify on a real PostgreSQL server.

The fixture starts a throwaway server (``initdb`` + ``postgres``) on a free loopback
port in a temporary folder, as the ``postgres`` user when the tests run as root
(PostgreSQL refuses to run as root). CI installs the server with
``apt-get install postgresql``; where the binaries are missing the tests are skipped
and say why.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.cli.opening import open_url
from flashcards.files.decks import load_decks
from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.backup import inspect_database, restore_database, take_backup
from flashcards.store.migrations import FIRST_SCHEMA, LATEST_VERSION
from flashcards.store.verify import verify_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install psycopg)")

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v1.db"
TABLES = ("deck", "card", "card_state", "review_log")
START = datetime(2026, 11, 20, 9, 0)
IDS = [card.id for card in load_decks()[0].cards]


def _server_bin() -> Path | None:
    chosen = os.environ.get("K8SPREP_PG_BIN")
    if chosen:
        return Path(chosen)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return Path(found[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A running PostgreSQL server; yields its base URL (no database name)."""
    bin_dir = _server_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="k8sprep-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [*run_as, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
         "-h", "127.0.0.1", "-k", str(folder), "-F"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
                break
            except psycopg.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start: {server.stderr}") from None
                time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
        shutil.rmtree(folder, ignore_errors=True)


_numbers = count(1)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the server."""
    name = f"k8sprep_{os.getpid()}_{next(_numbers)}"
    port = pg_server.rsplit(":", 1)[1]
    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


def pg_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: [
                    tuple(int(v) if isinstance(v, bool) else v for v in row)
                    for row in conn.execute(text(f"SELECT {_columns(t)} FROM {t} ORDER BY 1"))
                ]
                for t in TABLES
            }
    finally:
        engine.dispose()


def sqlite_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {
            t: connection.execute(f"SELECT {_columns(t)} FROM {t} ORDER BY 1").fetchall()
            for t in TABLES
        }
    finally:
        connection.close()


def _columns(table: str) -> str:
    """The columns of ``table`` in the current layout, in one fixed order."""
    connection = sqlite3.connect(":memory:")
    try:
        from flashcards.store import schema_ddl

        for statement in schema_ddl("sqlite"):
            connection.execute(statement)
        return ", ".join(r[1] for r in connection.execute(f"PRAGMA table_info({table})"))
    finally:
        connection.close()


def answer(url: str, count_: int, *, day_offset: int, grade: int = 4) -> None:
    with Store.open(url) as store:
        if not store.has_cards():
            store.sync_decks(load_decks())
        for step, card_id in enumerate(IDS[:count_]):
            moment = START + timedelta(days=day_offset, minutes=step)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=grade)


def test_backup_and_restore_drill_on_postgres(pg_url: str, tmp_path: Path) -> None:
    answer(pg_url, 8, day_offset=0)
    backup = tmp_path / "pg-backup.db"
    facts = take_backup(pg_url, now=START, target=backup).facts
    assert (facts.schema_version, facts.answers) == (LATEST_VERSION, 8)
    assert inspect_database(backup).cards == len(IDS)
    at_backup = pg_rows(pg_url)
    assert sqlite_rows(backup) == at_backup
    answer(pg_url, 12, day_offset=1, grade=1)
    assert pg_rows(pg_url) != at_backup
    result = restore_database(pg_url, backup, now=START + timedelta(days=1))
    assert pg_rows(pg_url) == at_backup
    assert (
        result.safety_copy is not None and len(sqlite_rows(result.safety_copy)["review_log"]) == 20
    )
    with Store.open(pg_url) as store:
        assert verify_database(store.db).ok
        later = START + timedelta(days=2)
        after = store.record_review(IDS[0], time=later, day=study_day(later), grade=5)
        assert after.log_id == 9  # the id sequence follows the restored log


def test_a_postgres_backup_restores_into_sqlite(pg_url: str, tmp_path: Path) -> None:
    answer(pg_url, 6, day_offset=0, grade=2)
    backup = tmp_path / "pg.db"
    take_backup(pg_url, now=START, target=backup)
    live = tmp_path / "laptop" / "k8sprep.db"
    restore_database(f"sqlite:///{live}", backup, now=START)
    assert sqlite_rows(live) == pg_rows(pg_url)
    with Store.open(f"sqlite:///{live}") as store:
        assert verify_database(store.db).ok


def test_a_first_release_postgres_database_is_upgraded_after_a_backup(
    pg_url: str, isolated_home: Path
) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    source = sqlite3.connect(FIXTURE)
    try:
        with engine.begin() as conn:
            for statement in FIRST_SCHEMA:
                if statement.startswith("CREATE TABLE review_log"):
                    statement = statement.replace("id INTEGER NOT NULL,", "id SERIAL NOT NULL,", 1)
                conn.execute(text(statement))
            for table in ("meta", *TABLES):
                cursor = source.execute(f"SELECT * FROM {table}")
                names = [d[0] for d in cursor.description]
                flags = {"retired", "suspended", "redrill"}
                for row in cursor:
                    values = {
                        n: bool(v) if n in flags else v for n, v in zip(names, row, strict=True)
                    }
                    conn.execute(
                        text(
                            f"INSERT INTO {table} ({', '.join(names)}) "
                            f"VALUES ({', '.join(':' + n for n in names)})"
                        ),
                        values,
                    )
            conn.execute(text("SELECT setval('review_log_id_seq', 1000)"))
    finally:
        source.close()
        engine.dispose()
    with open_url(pg_url) as store:  # as every command opens it
        report = verify_database(store.db)
        assert report.ok and report.answers == 33
        assert store.db.rows("SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(LATEST_VERSION),)
        ]
        orders = store.db.rows(
            "SELECT s.queue_order, c.chapter * 1000000 + c.position FROM card_state s "
            "JOIN card c ON c.id = s.card_id"
        )
        assert orders and all(a == b for a, b in orders)
        assert store.db.rows("SELECT DISTINCT source_path FROM deck") == [(None,)]
        (bundled,) = load_decks()
        store.sync_decks([bundled])  # the column version 4 added takes the deck's file
        assert store.deck_source(bundled.chapter.slug) == Path(str(bundled.path))
    copies = list((isolated_home / "backups").glob("pre-migration-v1-*.db"))
    assert len(copies) == 1
    assert inspect_database(copies[0]).schema_version == 1
    with sqlite3.connect(copies[0]) as copy:
        assert copy.execute("SELECT COUNT(*) FROM review_log").fetchone() == (33,)
    copy.close()
    restore_database(pg_url, copies[0], now=START)  # the old copy upgrades on the way in
    with Store.open(pg_url) as store:
        assert verify_database(store.db).ok


def test_commands_on_postgres(pg_url: str, isolated_home: Path) -> None:
    answer(pg_url, 4, day_offset=0)
    runner = CliRunner()
    env = {"K8SPREP_NOW": "2026-11-26T09:30:00"}
    made = runner.invoke(app, ["backup", "--db", pg_url], env=env)
    assert made.exit_code == 0, made.output
    path = isolated_home / "backups" / "k8sprep-20261126-093000.db"
    assert made.output.startswith(f"backed up to {path} (schema version {LATEST_VERSION}")
    checked = runner.invoke(app, ["verify", "--db", pg_url])
    assert checked.exit_code == 0
    assert checked.output == (
        f"{len(IDS)} cards and 4 answers: every state matches its replayed log\n"
    )
    restored = runner.invoke(app, ["restore", str(path), "--db", pg_url], env=env)
    assert restored.exit_code == 0, restored.output
    assert pg_rows(pg_url) == sqlite_rows(path)


def test_unreachable_server_is_one_clean_line(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/nothing"
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "b.db"), "--db", url])
    assert result.exit_code == 1
    assert result.output.startswith("k8sprep: ") and result.output.count("\n") == 1
    assert not (tmp_path / "b.db").exists()


def test_restore_into_a_fresh_empty_server_database(pg_url: str, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.db"
    with Store.open(f"sqlite:///{laptop}") as store:
        store.sync_decks(load_decks())
        for step, card_id in enumerate(IDS[:6]):
            moment = START + timedelta(minutes=step)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=2 + step % 4)
    backup = tmp_path / "b.db"
    take_backup(f"sqlite:///{laptop}", now=START, target=backup)
    result = restore_database(pg_url, backup, now=START)
    assert result.safety_copy is None  # nothing there to keep
    assert pg_rows(pg_url) == sqlite_rows(backup)
    with Store.open(pg_url) as store:
        assert verify_database(store.db).ok


def test_a_server_database_of_another_application_is_named_so(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    runner = CliRunner()
    for command in (["stats"], ["backup", str(tmp_path / "b.db")], ["verify"]):
        result = runner.invoke(app, [*command, "--db", pg_url])
        assert result.exit_code == 1, result.output
        assert result.output.count("\n") == 1
        assert "not a k8sprep database (a server database of another kind)" in result.output
        assert "SQLite" not in result.output


@pytest.mark.parametrize("command", [["stats"], ["verify"], ["due"], ["review"], ["restore"]])
def test_unreachable_server_is_one_line_for_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{_free_port()}/nothing"
    if command == ["restore"]:
        backup = tmp_path / "b.db"
        answer(f"sqlite:///{tmp_path / 'k.db'}", 2, day_offset=0)
        take_backup(f"sqlite:///{tmp_path / 'k.db'}", now=START, target=backup)
        command = ["restore", str(backup)]
    result = CliRunner().invoke(app, [*command, "--db", url])
    assert result.exit_code == 1
    assert result.output.startswith("k8sprep: ") and result.output.count("\n") == 1, result.output
    assert "secret" not in result.output and "sqlalche.me" not in result.output


def test_verify_on_postgres_reads_one_snapshot_while_a_review_writes(pg_url: str) -> None:
    answer(pg_url, 4, day_offset=0)
    script = WRITER_PG
    writer = subprocess.Popen(
        [sys.executable, "-c", script, pg_url, "4"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    problems = []
    runs = 0
    with Store.open(pg_url) as store:
        while writer.poll() is None:
            problems.extend(verify_database(store.db).problems)
            runs += 1
    writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert runs >= 5 and problems == []


WRITER_PG = """
import sys, time
from datetime import datetime, timedelta
from flashcards.files.decks import load_decks
from flashcards.store import Store
from flashcards.schedule.studyday import study_day
ids = [c.id for c in load_decks()[0].cards]
start = datetime(2026, 12, 1, 9, 0)
deadline = time.monotonic() + float(sys.argv[2])
n = 0
with Store.open(sys.argv[1]) as store:
    print("ready", flush=True)
    while time.monotonic() < deadline:
        moment = start + timedelta(days=n // len(ids), seconds=n)
        store.record_review(ids[n % len(ids)], time=moment, day=study_day(moment), grade=n % 6)
        n += 1
"""
