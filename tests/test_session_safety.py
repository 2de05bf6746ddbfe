"""Answers neither lost nor applied twice: undo at the edges of the session, on a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from flashcards.errors import StoreError
from flashcards.schedule.config import Config
from flashcards.schedule.queue import build_queue
from flashcards.schedule.session import ReviewSession
from flashcards.store import Store
from flashcards.store.backup.restore import restore_database
from flashcards.store.backup.take import take_backup
from flashcards.store.verify import verify_database
from tests.review_helpers import make_deck, table_rows

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{db_path}") as opened:
        opened.sync_decks([make_deck(5, "storage", 3)])
        yield opened


def start(store: Store, new: int) -> ReviewSession:
    return ReviewSession(
        store,
        build_queue(store, TODAY, Config(new_per_day=new)),
        clock=lambda: NOW,
        timer=lambda: 0.0,
    )


def shown_until_done(session: ReviewSession, grade: int = 5) -> list[str]:
    """Grade every card left with ``grade``; the ids shown, in order."""
    shown = []
    while session.current is not None:
        shown.append(session.current.card.id)
        session.grade(grade)
    return shown


def test_undo_while_its_redrill_shows_does_not_show_the_card_twice(
    store: Store, db_path: Path
) -> None:
    # The only card, graded 2: its re-drill is already on screen when the answer is undone.
    session = start(store, new=1)
    session.grade(2)
    assert session.current is not None and session.current.card.id == "storage-0"
    session.undo()
    assert session.progress == (1, 1)
    assert shown_until_done(session) == ["storage-0"]
    assert session.finished
    rows = table_rows(db_path, "SELECT card_id, grade, redrill FROM review_log ORDER BY id")
    assert rows == [("storage-0", 5, 0)]


def test_undo_of_a_redrill_answer_then_of_the_first_answer(store: Store, db_path: Path) -> None:
    session = start(store, new=2)
    session.grade(2)  # storage-0, first of the day: back later
    session.grade(5)  # storage-1
    session.grade(3)  # storage-0 re-drill: back again
    assert session.current is not None and session.current.card.id == "storage-0"
    session.undo()  # the re-drill answer
    session.undo()  # storage-1
    session.undo()  # storage-0's first answer: its re-drill must not stay queued
    assert table_rows(db_path, "SELECT COUNT(*) FROM review_log") == [(0,)]
    assert shown_until_done(session) == ["storage-0", "storage-1"]
    assert verify_database(store.db).ok


def test_undo_after_a_restore_never_deletes_another_answer(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session keeps its answer's log id; the restored database has another answer there.
    monkeypatch.setenv("K8SPREP_HOME", str(tmp_path / "home"))
    url = f"sqlite:///{db_path}"
    backup = tmp_path / "backup.db"
    take_backup(url, now=NOW, target=backup)
    with Store.open(f"sqlite:///{backup}") as other:
        other.record_review("storage-2", time=NOW, day=TODAY, grade=4)  # log id 1 there
    session = start(store, new=3)
    session.grade(5)  # storage-0, log id 1 here
    restore_database(url, backup, now=NOW)  # while the session holds the database
    with pytest.raises(StoreError, match="not this session's answer"):
        session.undo()
    assert table_rows(db_path, "SELECT card_id, grade FROM review_log") == [("storage-2", 4)]
    assert verify_database(store.db).ok
