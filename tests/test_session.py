"""The review session state machine on a real store: grade, re-drill, undo, suspend, quit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from flashcards.schedule.config import Config
from flashcards.schedule.queue import build_queue
from flashcards.schedule.session import ReviewSession
from flashcards.schedule.sm2 import SM2State, review
from flashcards.store import Store
from tests.review_helpers import make_deck, table_rows

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)


class Ticker:
    """A monotonic clock that advances 1.5 s per reading: answer times are exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.5
        return self.now


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{db_path}") as opened:
        opened.sync_decks([make_deck(5, "storage", 4)])
        yield opened


def start(store: Store, new: int = 20) -> ReviewSession:
    queue = build_queue(store, TODAY, Config(new_per_day=new))
    return ReviewSession(store, queue, clock=lambda: NOW, timer=Ticker())


def snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        table_rows(db, "SELECT * FROM card_state ORDER BY card_id"),
        table_rows(db, "SELECT * FROM review_log ORDER BY id"),
    )


def test_show_reveal_grade_and_progress(store: Store) -> None:
    session = start(store)
    assert session.current is not None and session.current.card.id == "storage-0"
    assert session.progress == (1, 4)
    assert not session.revealed
    session.reveal()
    assert session.revealed
    answer = session.grade(5)
    assert (answer.card_id, answer.grade, answer.redrill) == ("storage-0", 5, False)
    assert answer.answer_ms == 1500  # one tick between showing and grading
    assert session.current.card.id == "storage-1"
    assert not session.revealed
    assert session.progress == (2, 4)
    assert store.state("storage-0").sm2 == review(SM2State(), 5)


def test_low_grade_comes_back_last_until_four_and_schedules_once(store: Store) -> None:
    session = start(store, new=2)
    session.grade(2)  # storage-0: reveals and grades in one step
    assert session.progress == (2, 3)
    session.grade(5)  # storage-1
    assert session.current.card.id == "storage-0"
    assert session.current.state.last_day == TODAY
    session.grade(3)  # still below 4: once more
    assert session.current.card.id == "storage-0"
    last = session.grade(4)
    assert last.redrill
    assert session.finished and session.current is None
    assert store.state("storage-0").sm2 == review(SM2State(), 2)  # only the first answer
    summary = session.summary()
    assert (summary.answered, summary.passed, summary.redrills, summary.remaining) == (4, 3, 2, 0)
    assert summary.pass_share == 0.75


def test_undo_restores_exactly_and_shows_the_card_again(store: Store, db_path: Path) -> None:
    session = start(store)
    session.grade(4)
    before = snapshot(db_path)
    session.grade(1)  # storage-1, queued again as a re-drill
    assert session.progress == (3, 5)
    action = session.undo()
    assert action is not None and action.answer is not None and action.answer.grade == 1
    assert snapshot(db_path) == before
    assert session.current.card.id == "storage-1"
    assert not session.revealed
    assert session.progress == (2, 4)  # the re-drill it queued is gone too
    session.undo()
    assert session.current.card.id == "storage-0"
    assert table_rows(db_path, "SELECT COUNT(*) FROM review_log") == [(0,)]
    assert session.undo() is None  # nothing left to undo


def test_suspend_hides_the_card_and_undo_brings_it_back(store: Store) -> None:
    session = start(store)
    assert session.suspend() == "storage-0"
    assert store.state("storage-0").suspended
    assert session.current.card.id == "storage-1"
    assert "storage-0" not in build_queue(store, TODAY, Config()).cards
    session.undo()
    assert not store.state("storage-0").suspended
    assert session.current.card.id == "storage-0"


def test_quit_keeps_what_was_answered(store: Store, db_path: Path) -> None:
    session = start(store)
    session.grade(5)
    session.grade(4)
    session.quit()
    assert session.finished
    assert session.summary().remaining == 2
    assert table_rows(db_path, "SELECT card_id, grade FROM review_log ORDER BY id") == [
        ("storage-0", 5),
        ("storage-1", 4),
    ]


def test_empty_queue_is_finished_at_once(store: Store) -> None:
    session = start(store, new=0)
    assert session.finished and session.current is None
    with pytest.raises(RuntimeError):
        session.grade(4)
    assert session.summary().answered == 0
    assert session.summary().pass_share is None


def test_the_last_answer_can_be_undone_after_the_queue_ran_dry(store: Store, db_path: Path) -> None:
    session = start(store, new=2)
    session.grade(5)
    assert not session.offers_last_undo  # a card is still on screen
    before = snapshot(db_path)
    session.grade(4)  # the last card
    assert session.finished and session.current is None
    assert session.offers_last_undo
    action = session.undo()
    assert action is not None and action.answer is not None and action.answer.grade == 4
    assert snapshot(db_path) == before  # log and state as before the answer
    assert not session.finished and not session.offers_last_undo
    assert session.current is not None and session.current.card.id == "storage-1"
    assert not session.revealed
    assert session.progress == (2, 2)
    session.grade(3)  # answered again, differently: below 4, so it comes back once
    assert session.current.card.id == "storage-1" and not session.offers_last_undo
    session.grade(4)
    assert session.finished and session.offers_last_undo  # offered again after each last card
    assert table_rows(db_path, "SELECT card_id, grade, redrill FROM review_log ORDER BY id") == [
        ("storage-0", 5, 0),
        ("storage-1", 3, 0),
        ("storage-1", 4, 1),
    ]
    assert store.state("storage-1").sm2 == review(SM2State(), 3)
    summary = session.summary()
    assert (summary.answered, summary.redrills, summary.remaining) == (3, 1, 0)


def test_a_last_suspension_is_offered_for_undo_too(store: Store) -> None:
    session = start(store, new=1)
    session.suspend()
    assert session.finished and session.offers_last_undo
    session.undo()
    assert not store.state("storage-0").suspended
    assert session.current is not None and session.current.card.id == "storage-0"


def test_no_last_undo_after_quit_or_without_an_action(store: Store) -> None:
    session = start(store, new=2)
    session.grade(5)
    session.quit()
    assert session.finished and not session.offers_last_undo
    assert not start(store, new=0).offers_last_undo  # nothing was due: nothing to take back


def test_reload_shows_the_edited_card_or_leaves_out_a_removed_one(store: Store) -> None:
    from dataclasses import replace

    session = start(store)
    deck = make_deck(5, "storage", 4)
    assert session.current is not None and session.current.card.id == "storage-0"
    session.reveal()
    edited = replace(deck.cards[0], front="Edited?")
    store.sync_decks([replace(deck, cards=(edited, *deck.cards[1:]))])
    assert session.reload() is False
    assert session.current.card.front == "Edited?" and not session.revealed
    store.sync_decks([replace(deck, cards=deck.cards[1:])])  # the card taken out of its deck
    assert session.reload() is True
    assert session.current is not None and session.current.card.id == "storage-1"
    assert session.progress == (1, 3)
