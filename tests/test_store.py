"""The review store on real SQLite files: schema, sync, answers, undo, refusal of foreign files."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from flashcards.errors import StoreError, UnknownCardError
from flashcards.model import Deck
from flashcards.schedule.sm2 import SM2State, review
from flashcards.store import SCHEMA_VERSION, Store, schema_ddl
from tests.review_helpers import make_deck, table_rows

DAY = date(2026, 11, 26)
NOON = datetime(2026, 11, 26, 12, 0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "k8sprep.db"


@pytest.fixture
def store(db_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{db_path}")
    opened.sync_decks([make_deck(5, "storage", 6), make_deck(3, "pods", 4)])
    yield opened
    opened.close()


def _snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        table_rows(db, "SELECT * FROM card_state ORDER BY card_id"),
        table_rows(db, "SELECT * FROM review_log ORDER BY id"),
    )


# --- opening and the schema


def test_first_open_creates_file_tables_wal_and_version(db_path: Path) -> None:
    Store.open(f"sqlite:///{db_path}").close()
    assert db_path.exists()
    assert dict(table_rows(db_path, "SELECT key, value FROM meta")) == {
        "application": "k8sprep",
        "schema_version": str(SCHEMA_VERSION),
    }
    assert table_rows(db_path, "PRAGMA journal_mode") == [("wal",)]
    names = {r[0] for r in table_rows(db_path, "SELECT name FROM sqlite_master")}
    assert {"deck", "card", "card_state", "review_log", "ix_card_state_queue"} <= names


def test_ddl_comes_from_the_sqlmodel_tables() -> None:
    ddl = "\n".join(schema_ddl("sqlite"))
    assert "CREATE TABLE review_log" in ddl
    assert "CREATE INDEX ix_card_state_queue ON card_state (due, queue_order)" in ddl
    assert "CREATE TABLE card_state" in "\n".join(schema_ddl("postgresql"))


def test_reopening_an_existing_database_does_not_import_sqlalchemy(db_path: Path) -> None:
    Store.open(f"sqlite:///{db_path}").close()
    code = (
        "import sys; from flashcards.store import Store; "
        f"Store.open('sqlite:///{db_path}').close(); "
        "heavy = ('sqlalchemy', 'sqlmodel', 'yaml', 'genanki'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (os.urandom(4096), "not an SQLite file"),
        (b"just some notes\nnot a database\n", "not an SQLite file"),
    ],
)
def test_foreign_files_are_refused_untouched(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    assert str(caught.value) == f"{path}: not a k8sprep database ({reason})"
    assert path.read_bytes() == content
    assert path.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_sqlite_database_of_another_application_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE bookmarks (url TEXT)")
    connection.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    connection.commit()
    connection.close()
    content = path.read_bytes()
    os.utime(path, (1_000_000_000, 1_000_000_000))
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    assert str(caught.value) == (
        f"{path}: not a k8sprep database (an SQLite database of another kind)"
    )
    assert path.read_bytes() == content
    assert path.stat().st_mtime == 1_000_000_000


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    Store.open(f"sqlite:///{db_path}").close()
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        Store.open(f"sqlite:///{db_path}")


def test_an_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    Store.open(f"sqlite:///{path}").close()
    assert table_rows(path, "SELECT value FROM meta WHERE key = 'application'") == [("k8sprep",)]


def test_in_memory_database_works() -> None:
    with Store.open("sqlite://") as memory:
        memory.sync_decks([make_deck(1, "intro", 2)])
        assert memory.card_count() == 2


# --- importing decks


def test_sync_adds_then_is_idempotent(db_path: Path) -> None:
    with Store.open(f"sqlite:///{db_path}") as store:
        first = store.sync_decks([make_deck(5, "storage", 6)])
        again = store.sync_decks([make_deck(5, "storage", 6)])
    assert (first.added, first.updated, first.retired, first.unchanged) == (6, 0, 0, 0)
    assert (again.added, again.updated, again.retired, again.unchanged) == (0, 0, 0, 6)


def test_sync_updates_text_keeping_state_retires_and_restores(store: Store, db_path: Path) -> None:
    store.record_review("storage-1", time=NOON, day=DAY, grade=5)
    deck = make_deck(5, "storage", 6)
    edited = replace(deck.cards[1], back="A better answer.")
    shorter = replace(deck, cards=(deck.cards[0], edited, *deck.cards[2:5]))
    report = store.sync_decks([shorter])
    assert (report.added, report.updated, report.retired, report.unchanged) == (0, 1, 1, 4)
    kept = store.get("storage-1")
    assert kept.card.back == "A better answer."
    assert kept.state.sm2 == SM2State(1, 1, Decimal("2.6"))
    assert store.get("storage-5").retired
    assert "storage-5" not in store.new_ids(100)
    assert len(list(store.history("storage-1"))) == 1
    state_decks = "SELECT card_id, deck FROM card_state WHERE card_id LIKE 'storage-%'"
    assert ("storage-5", None) in store.db.rows(state_decks)  # counted in no deck
    assert [c.unseen for c in store.deck_counts(DAY) if c.slug == "storage"] == [4]
    back = store.sync_decks([deck])
    assert (back.added, back.updated, back.retired, back.unchanged) == (1, 1, 0, 4)
    assert not store.get("storage-5").retired
    assert {deck for _, deck in store.db.rows(state_decks)} == {"storage"}
    assert [c.unseen for c in store.deck_counts(DAY) if c.slug == "storage"] == [5]
    # Other decks are never retired by importing one deck.
    assert store.get("pods-0").retired is False


def test_sync_refuses_a_card_id_twice(db_path: Path) -> None:
    deck = make_deck(5, "storage", 2)
    twin = replace(make_deck(6, "twin", 1), cards=(deck.cards[0],))
    with Store.open(f"sqlite:///{db_path}") as store, pytest.raises(StoreError, match="twice"):
        store.sync_decks([deck, twin])


# --- the queue queries


def test_new_cards_come_in_chapter_order_then_deck_position(store: Store) -> None:
    assert store.new_ids(5) == ["pods-0", "pods-1", "pods-2", "pods-3", "storage-0"]
    assert store.new_ids(2, deck="storage") == ["storage-0", "storage-1"]
    assert store.new_ids(0) == []


def test_due_cards_most_overdue_first(store: Store) -> None:
    store.record_review("storage-2", time=NOON, day=date(2026, 11, 20), grade=4)
    store.record_review("pods-1", time=NOON, day=date(2026, 11, 22), grade=4)
    store.record_review("storage-0", time=NOON, day=date(2026, 11, 25), grade=4)
    assert store.due_ids(DAY, 10) == ["storage-2", "pods-1", "storage-0"]
    assert store.due_ids(DAY, 2) == ["storage-2", "pods-1"]
    assert store.due_ids(date(2026, 11, 22), 10) == ["storage-2"]
    store.set_suspended("pods-1", True)
    assert store.due_ids(DAY, 10) == ["storage-2", "storage-0"]


# --- answers


def test_first_answer_of_the_day_schedules_and_redrills_do_not(store: Store) -> None:
    first = store.record_review("storage-0", time=NOON, day=DAY, grade=2, answer_ms=4200)
    assert not first.redrill
    assert first.after == review(SM2State(), 2)
    assert first.after_due == date(2026, 11, 27)
    assert store.redrill_ids(DAY) == ["storage-0"]
    again = store.record_review("storage-0", time=NOON, day=DAY, grade=5)
    assert again.redrill
    assert again.before == again.after == first.after
    assert store.state("storage-0").sm2 == first.after
    assert store.redrill_ids(DAY) == []
    assert store.answered_today(DAY) == (1, 0)
    next_day = store.record_review("storage-0", time=NOON, day=date(2026, 11, 27), grade=4)
    assert not next_day.redrill
    assert next_day.after == review(first.after, 4)
    assert store.answered_today(date(2026, 11, 27)) == (0, 1)


def test_lapses_count_forgotten_learned_cards(store: Store) -> None:
    store.record_review("pods-0", time=NOON, day=date(2026, 11, 1), grade=5)
    store.record_review("pods-0", time=NOON, day=date(2026, 11, 2), grade=1)
    store.record_review("pods-0", time=NOON, day=date(2026, 11, 3), grade=1)
    assert store.state("pods-0").lapses == 1


def test_undo_restores_state_and_log_exactly(store: Store, db_path: Path) -> None:
    store.record_review("storage-0", time=NOON, day=date(2026, 11, 25), grade=3)
    before = _snapshot(db_path)
    answer = store.record_review("storage-0", time=NOON, day=DAY, grade=1, answer_ms=900)
    assert _snapshot(db_path) != before
    assert store.undo_review(answer.log_id) == "storage-0"
    assert _snapshot(db_path) == before
    with pytest.raises(StoreError, match="not in the review log"):
        store.undo_review(answer.log_id)


def test_undo_refuses_when_the_card_was_answered_since(store: Store) -> None:
    first = store.record_review("storage-0", time=NOON, day=DAY, grade=2)
    store.record_review("storage-0", time=NOON, day=DAY, grade=4)
    with pytest.raises(StoreError, match="answered again since"):
        store.undo_review(first.log_id)


def test_an_interrupted_answer_writes_nothing(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(db_path)

    def interrupted(sql: str, params: object = None) -> int:
        assert sql.startswith("INSERT INTO review_log")
        raise KeyboardInterrupt  # after the state UPDATE ran in the same transaction

    monkeypatch.setattr(store.db, "insert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.record_review("storage-0", time=NOON, day=DAY, grade=5)
    monkeypatch.undo()
    assert _snapshot(db_path) == before
    assert store.record_review("storage-0", time=NOON, day=DAY, grade=5).after.repetitions == 1


def test_unknown_card_and_bad_grade(store: Store) -> None:
    with pytest.raises(UnknownCardError):
        store.record_review("nope", time=NOON, day=DAY, grade=4)
    with pytest.raises(UnknownCardError):
        store.get("nope")
    with pytest.raises(ValueError):
        store.record_review("storage-0", time=NOON, day=DAY, grade=6)


def test_history_and_reports(store: Store) -> None:
    store.record_review("storage-0", time=NOON, day=date(2026, 11, 24), grade=5)
    store.record_review("pods-2", time=NOON, day=DAY, grade=2)
    store.record_review("pods-2", time=NOON, day=DAY, grade=4)
    entries = list(store.history())
    assert [(a.card_id, a.grade, a.redrill) for a in entries] == [
        ("storage-0", 5, False),
        ("pods-2", 2, False),
        ("pods-2", 4, True),
    ]
    assert [a.card_id for a in store.history("pods-2")] == ["pods-2", "pods-2"]
    facts = store.review_facts()
    assert facts[0] == ("storage-0", date(2026, 11, 24), 5, 5, "concept", False)
    assert sorted(store.scheduled()) == [(date(2026, 11, 25), 260), (date(2026, 11, 27), 218)]
    assert store.next_due(DAY) == (date(2026, 11, 27), 1)
    counts = {row.slug: row for row in store.deck_counts(DAY)}
    assert (counts["storage"].due, counts["storage"].unseen) == (1, 5)
    assert (counts["pods"].redo, counts["pods"].unseen) == (0, 3)


def test_next_due_counts_every_active_deck_and_no_suspended_or_retired_card(
    store: Store,
) -> None:
    for card in ("storage-0", "storage-1", "storage-2", "pods-0", "pods-1"):
        store.record_review(card, time=NOON, day=DAY, grade=4)  # all due on the same day
    day = store.next_due(DAY)
    assert day is not None and day.cards == 5
    store.set_suspended("pods-1", True)
    store.sync_decks([_without(make_deck(5, "storage", 6), "storage-2"), make_deck(3, "pods", 4)])
    assert store.next_due(DAY) == (day.day, 3)  # storage-2 retired, pods-1 suspended
    assert store.next_due(DAY, "pods") == (day.day, 1)
    assert store.next_due(DAY, "storage") == (day.day, 2)
    assert store.next_due(day.day) is None


def _without(deck: Deck, card_id: str) -> Deck:
    return replace(deck, cards=tuple(card for card in deck.cards if card.id != card_id))


def test_a_server_password_never_reaches_a_message() -> None:
    url = "postgresql+psycopg://learner:s3cret@127.0.0.1:1/k8sprep?connect_timeout=1"
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    assert "s3cret" not in str(raised.value)
    assert str(raised.value).startswith("postgresql+psycopg://learner:***@127.0.0.1:1/k8sprep")


def test_answers_are_durable_through_a_power_cut(tmp_path: Path) -> None:
    """WAL with synchronous = FULL (2), as Anki: a commit is on disk before it returns."""
    with Store.open(tmp_path / "k8sprep.db") as store:
        assert store.db.rows("PRAGMA synchronous") == [(2,)]
        assert store.db.rows("PRAGMA journal_mode") == [("wal",)]


def test_deck_counts_agree_with_counting_every_active_card(db_path: Path) -> None:
    """The per-deck index ranges give what joining every card to its state gives."""
    rng = random.Random(7)
    with Store.open(f"sqlite:///{db_path}") as store:
        decks = [make_deck(n, f"deck-{n}", 30) for n in (1, 2, 3)]
        store.sync_decks(decks)
        ids = [card.id for deck in decks for card in deck.cards]
        for offset in range(12):
            day = DAY - timedelta(days=12 - offset)
            for card_id in rng.sample(ids, 25):
                moment = datetime.combine(day, NOON.time())
                store.record_review(card_id, time=moment, day=day, grade=rng.randint(0, 5))
        for card_id in rng.sample(ids, 6):
            store.record_review(card_id, time=NOON, day=DAY, grade=rng.randint(0, 2))
        for card_id in rng.sample(ids, 8):
            store.set_suspended(card_id, True)
        store.sync_decks([decks[0], replace(decks[1], cards=decks[1].cards[5:])])  # 5 retired
        expected = store.db.rows(
            "SELECT c.deck, SUM(CASE WHEN s.due <= :t THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.due IS NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.last_day = :t AND s.last_grade < 4 THEN 1 ELSE 0 END), "
            "MIN(CASE WHEN s.due > :t THEN s.due END) FROM card c JOIN card_state s "
            "ON s.card_id = c.id WHERE NOT c.retired AND NOT s.suspended "
            "GROUP BY c.deck ORDER BY c.chapter",
            {"t": DAY.isoformat()},
        )
        found = [(c.slug, c.due, c.unseen, c.redo, c.next_due) for c in store.deck_counts(DAY)]
        assert found == [tuple(row) for row in expected]
        assert sum(row[3] for row in expected) > 0 and sum(row[1] for row in expected) > 0
