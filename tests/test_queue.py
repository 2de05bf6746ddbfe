"""Today's queue: due first (most overdue first), then new in chapter order, then re-drills."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.schedule.config import Config
from flashcards.schedule.queue import allowance, build_queue
from flashcards.store import Store
from tests.review_helpers import make_deck

TODAY = date(2026, 11, 26)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'k8sprep.db'}") as opened:
        # Chapter 7 is imported first: the order must come from chapter numbers.
        opened.sync_decks([make_deck(7, "later", 5), make_deck(2, "early", 5)])
        yield opened


def answer(store: Store, card_id: str, day: date, grade: int) -> None:
    store.record_review(
        card_id, time=datetime.combine(day, datetime.min.time()), day=day, grade=grade
    )


def test_allowance_subtracts_todays_first_answers() -> None:
    config = Config(new_per_day=20, reviews_per_day=200)
    left = allowance(config, introduced_today=5, reviewed_today=190)
    assert (left.new, left.reviews) == (15, 10)
    spent = allowance(config, introduced_today=25, reviewed_today=250)
    assert (spent.new, spent.reviews) == (0, 0)


def test_fresh_store_queues_new_cards_in_chapter_then_deck_order(store: Store) -> None:
    queue = build_queue(store, TODAY, Config(new_per_day=7))
    assert queue.due == ()
    assert queue.new == (
        "early-0", "early-1", "early-2", "early-3", "early-4", "later-0", "later-1",
    )  # fmt: skip
    assert queue.cards == queue.new
    assert len(queue) == 7


def test_due_first_most_overdue_first_then_new_then_redrills(store: Store) -> None:
    answer(store, "later-3", TODAY - timedelta(days=9), 4)  # due 8 days ago
    answer(store, "early-1", TODAY - timedelta(days=3), 4)  # due 2 days ago
    answer(store, "later-0", TODAY - timedelta(days=1), 4)  # due today
    answer(store, "early-0", TODAY, 2)  # failed today: a re-drill
    queue = build_queue(store, TODAY, Config(new_per_day=3))
    assert queue.due == ("later-3", "early-1", "later-0")
    # early-0 was introduced today, so only 2 more new cards fit in the 3 per day.
    assert queue.new == ("early-2", "early-3")
    assert queue.redo == ("early-0",)
    assert queue.cards == queue.due + queue.new + queue.redo


def test_reviews_limit_counts_todays_reviews(store: Store) -> None:
    for card in ("early-0", "early-1", "early-2", "early-3"):
        answer(store, card, TODAY - timedelta(days=2), 4)
    answer(store, "early-0", TODAY, 5)  # one review done today already
    queue = build_queue(store, TODAY, Config(new_per_day=0, reviews_per_day=2))
    assert queue.due == ("early-1",)
    assert queue.new == ()


def test_redrill_leaves_the_queue_once_graded_four(store: Store) -> None:
    answer(store, "later-1", TODAY, 1)
    answer(store, "later-1", TODAY, 3)
    assert build_queue(store, TODAY, Config(new_per_day=0)).redo == ("later-1",)
    answer(store, "later-1", TODAY, 4)
    assert build_queue(store, TODAY, Config(new_per_day=0)).redo == ()


def test_rollover_a_failed_card_is_due_the_next_study_day(store: Store) -> None:
    answer(store, "early-0", TODAY, 1)
    tomorrow = TODAY + timedelta(days=1)
    queue = build_queue(store, tomorrow, Config(new_per_day=0))
    assert (queue.due, queue.redo) == (("early-0",), ())


def test_deck_filter_suspended_and_retired_cards(store: Store) -> None:
    store.set_suspended("later-0", True)
    store.sync_decks([replace(make_deck(7, "later", 5), cards=make_deck(7, "later", 5).cards[2:])])
    queue = build_queue(store, TODAY, Config(new_per_day=20), deck="later")
    assert queue.new == ("later-2", "later-3", "later-4")


@pytest.mark.parametrize("method", ["due", "new"])
def test_queue_queries_read_the_index_without_sorting(
    store: Store, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 100,000-card speed comes from this plan: an index range scan, no sort."""
    seen: list[tuple[str, object]] = []
    real_rows = store.db.rows

    def recording(sql: str, params: object = None) -> object:
        seen.append((sql, params))
        return real_rows(sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(store.db, "rows", recording)
    if method == "due":
        store.due_ids(TODAY, 200)
    else:
        store.new_ids(20)
    monkeypatch.undo()
    sql, params = seen[-1]
    plan = " | ".join(str(row[-1]) for row in store.db.rows("EXPLAIN QUERY PLAN " + sql, params))
    assert "ix_card_state_queue" in plan
    assert "TEMP B-TREE" not in plan
