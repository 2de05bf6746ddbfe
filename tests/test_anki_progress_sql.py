"""The two ways progress gets into a package write the same rows.

From an SQLite review database the package's collection attaches the file and copies
the log in SQL; from rows read into Python (a PostgreSQL server's) the exporter
inserts them itself. Same data, same package: every table, row for row, including
the revlog ids of answers that share a second, that came from Anki with their own
millisecond, or that crowd a second past its thousand milliseconds (both then take
the general walk), and of a log whose other decks stay at home.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from exporters.anki import export
from exporters.anki_progress import Progress, SqliteProgress, progress_from_rows
from exporters.base import ExportOptions
from flashcards.cli.anki_export import read_progress
from flashcards.model import Deck
from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.anki_sync import progress_rows
from tests.export_samples import NOW, storage_deck
from tests.test_anki_progress import ANSWERS, CONCEPT, FLOW, PLAIN, PRACTICE, RECALL, at
from tests.test_export_anki_writer import tables
from tests.test_postgres import pg_server, pg_url  # noqa: F401  (the server fixtures)

LOG_COLUMNS = (
    "card_id, answered_at, day, grade, redrill, answer_ms, before_repetitions, "
    "before_interval, before_easiness, before_due, before_lapses, after_repetitions, "
    "after_interval, after_easiness, after_due, after_lapses"
)


def fill(target: Path | str) -> None:
    """The storage deck, :data:`ANSWERS` and three answers in one second; PRACTICE
    (answered) and PLAIN (never answered) suspended."""
    with Store.open(target) as store:
        store.sync_decks([storage_deck()])
        for index, (card_id, days_ago, grade) in enumerate(ANSWERS):
            moment = at(days_ago, minute=index)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=grade)
        again = at(0, minute=30)
        for card_id in (CONCEPT, FLOW, RECALL):  # three answers in one second
            store.record_review(card_id, time=again, day=study_day(again), grade=4)
        store.set_suspended(PRACTICE, True)
        store.set_suspended(PLAIN, True)  # never answered: new, suspended


def both_ways(tmp_path: Path, db: Path | str, decks: list[Deck]) -> tuple[Path, Path]:
    """The package written the SQL way (SQLite only) or from rows, and from rows."""
    with Store.open(db) as store:
        fast = read_progress(store.db, 4)
        rows = progress_from_rows(*progress_rows(store.db), 4)
    return write(tmp_path / "fast.apkg", decks, fast), write(tmp_path / "rows.apkg", decks, rows)


def write(out: Path, decks: list[Deck], progress: Progress | SqliteProgress) -> Path:
    """The package of ``decks`` carrying ``progress``."""
    export(decks, out, ExportOptions(now=NOW, progress=progress))
    return out


def assert_same_tables(first: Path, second: Path, folder: Path) -> list[tuple[object, ...]]:
    one, other = tables(first, folder), tables(second, folder)
    assert one.keys() == other.keys()
    for name in one:
        assert one[name] == other[name], name
    return one["revlog"]


def sqlite_execute(db: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(db)
    try:
        with connection:
            connection.execute(sql, params)
    finally:
        connection.close()


def test_sqlite_is_copied_in_sql_and_gives_the_rows_python_gives(
    tmp_path: Path, db_path: Path
) -> None:
    fill(db_path)
    with Store.open(db_path) as store:
        assert isinstance(read_progress(store.db, 4), SqliteProgress)
    fast, rows = both_ways(tmp_path, db_path, [storage_deck()])
    revlog = assert_same_tables(fast, rows, tmp_path)
    assert len(revlog) == len(ANSWERS) + 3
    crowded = sorted(row[0] for row in revlog)[-3:]  # the second shared by three answers
    assert crowded[1] - crowded[0] == crowded[2] - crowded[1] == 1
    assert crowded[0] % 1000 == 0


def test_a_deck_left_out_keeps_the_ids_of_the_others(tmp_path: Path, db_path: Path) -> None:
    fill(db_path)
    deck = storage_deck()
    kept = [card for card in deck.cards if card.id != CONCEPT]
    fast, rows = both_ways(tmp_path, db_path, [Deck(deck.name, deck.chapter, tuple(kept))])
    revlog = assert_same_tables(fast, rows, tmp_path)
    folder = tmp_path / "whole"
    folder.mkdir()
    whole, _ = both_ways(folder, db_path, [deck])
    assert {row[0] for row in revlog} < {row[0] for row in tables(whole, folder)["revlog"]}


def test_an_answer_from_anki_with_its_millisecond_takes_the_general_walk(
    tmp_path: Path, db_path: Path
) -> None:
    fill(db_path)
    sqlite_execute(
        db_path,
        "UPDATE review_log SET answered_at = answered_at || '.123' WHERE id = "
        "(SELECT MIN(id) FROM review_log WHERE card_id = ?)",
        FLOW,
    )
    fast, rows = both_ways(tmp_path, db_path, [storage_deck()])
    revlog = assert_same_tables(fast, rows, tmp_path)
    assert any(row[0] % 1000 == 123 for row in revlog)


def test_more_answers_in_a_second_than_milliseconds_take_the_general_walk(
    tmp_path: Path, db_path: Path
) -> None:
    fill(db_path)
    # 1,001 answers in the last second, then one in the next: the thousand-and-first
    # of the crowded second may not take the next second's id.
    sqlite_execute(
        db_path,
        f"INSERT INTO review_log ({LOG_COLUMNS}) SELECT {LOG_COLUMNS} FROM review_log, "
        "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
        "SELECT i FROM n) WHERE review_log.id = (SELECT MAX(id) FROM review_log)",
    )
    later = (at(0, minute=30) + timedelta(seconds=1)).isoformat()
    sqlite_execute(
        db_path,
        f"INSERT INTO review_log ({LOG_COLUMNS}) SELECT {LOG_COLUMNS.replace('answered_at', '?')} "
        "FROM review_log WHERE id = (SELECT MAX(id) FROM review_log)",
        later,
    )
    fast, rows = both_ways(tmp_path, db_path, [storage_deck()])
    revlog = assert_same_tables(fast, rows, tmp_path)
    ids = [row[0] for row in revlog]
    assert len(ids) == len(set(ids)) == len(ANSWERS) + 3 + 1001


def test_a_second_the_log_comes_back_to_keeps_counting_its_milliseconds(
    tmp_path: Path, db_path: Path
) -> None:
    """Answers at S, T, S, T in log order (a clock set back): each second's answers
    take its milliseconds one after another, the same in SQL as from rows."""
    with Store.open(db_path) as store:
        store.sync_decks([storage_deck()])
        first, second = at(0, minute=30), at(0, minute=30) + timedelta(seconds=1)
        for card_id, moment in ((CONCEPT, first), (FLOW, second), (RECALL, first)):
            store.record_review(card_id, time=moment, day=study_day(moment), grade=4)
        store.record_review(CONCEPT, time=second, day=study_day(second), grade=4)
    fast, rows = both_ways(tmp_path, db_path, [storage_deck()])
    ids = sorted(row[0] for row in assert_same_tables(fast, rows, tmp_path))
    start = ids[0]
    assert start % 1000 == 0
    assert ids == [start, start + 1, start + 1000, start + 1001]


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_and_sqlite_give_the_same_package(
    tmp_path: Path,
    db_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    fill(db_path)
    fill(pg_url)
    with Store.open(db_path) as store:
        from_sqlite = read_progress(store.db, 4)
    with Store.open(pg_url) as store:
        from_server = read_progress(store.db, 4)
    assert isinstance(from_sqlite, SqliteProgress)
    assert isinstance(from_server, Progress)
    decks = [storage_deck()]
    sqlite_package = write(tmp_path / "sqlite.apkg", decks, from_sqlite)
    server_package = write(tmp_path / "server.apkg", decks, from_server)
    revlog = assert_same_tables(sqlite_package, server_package, tmp_path)
    assert len(revlog) == len(ANSWERS) + 3


@pytest.mark.parametrize(
    "first", [None, 5, "2026-11-02T09:00", "2026-11-02T09:00:0x", "2026-13-02T09:00:00"]
)
def test_a_moment_of_another_form_sends_the_log_to_the_general_walk(first: object) -> None:
    """Whatever comes first, a NULL or a number or a damaged stamp is never given an id."""
    from exporters.anki_progress import _NextIds

    ids = _NextIds()
    next_id = ids.function()
    next_id(first)
    assert ids.irregular
    regular = _NextIds()
    next_id = regular.function()
    moments = [next_id(stamp) for stamp in ["2026-11-02T09:00:00"] * 2 + ["2026-11-02T09:00:01"]]
    assert not regular.irregular and not regular.crowded()
    assert moments == [moments[0], moments[0] + 1, moments[0] + 1000]
