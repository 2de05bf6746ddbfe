"""Read-only queries behind ``history``, ``stats``, ``due`` and ``card``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from flashcards.schedule.sm2 import REDRILL_BELOW
from flashcards.schedule.stats import MATURE_DAYS
from flashcards.store.connection import Db
from flashcards.store.values import (
    ACTIVE,
    CARD_COLUMNS,
    LOG_COLUMNS,
    STATE_COLUMNS,
    Answer,
    DeckCount,
    DrillFact,
    NextDue,
    ReviewFact,
    ScheduledCard,
    StoredCard,
    iso,
    prefixed_columns,
    to_answer,
    to_stored_card,
)


def history(db: Db, card_id: str | None = None) -> Iterator[Answer]:
    """The review log, oldest first (all cards, or one)."""
    where = " WHERE card_id = :c" if card_id else ""
    for row in db.rows(f"SELECT {LOG_COLUMNS} FROM review_log{where} ORDER BY id", {"c": card_id}):
        yield to_answer(row)


def review_facts(db: Db) -> list[ReviewFact]:
    """Every answer with its card's chapter and kind, oldest first."""
    return [
        ReviewFact(card_id, date.fromisoformat(day), int(grade), int(chapter), kind, bool(redrill))
        for card_id, day, grade, chapter, kind, redrill in db.rows(
            "SELECT r.card_id, r.day, r.grade, c.chapter, c.kind, r.redrill "
            "FROM review_log r JOIN card c ON c.id = r.card_id ORDER BY r.id"
        )
    ]


def drill_facts(db: Db) -> list[DrillFact]:
    """Every drill answer (typed text graded), oldest first."""
    return [
        DrillFact(card_id, front, int(chapter), int(grade), str(verdict))
        for card_id, front, chapter, grade, verdict in db.rows(
            "SELECT r.card_id, c.front, c.chapter, r.grade, r.verdict "
            "FROM review_log r JOIN card c ON c.id = r.card_id "
            "WHERE r.typed_answer IS NOT NULL ORDER BY r.id"
        )
    ]


def scheduled(db: Db) -> list[ScheduledCard]:
    """Due day and easiness of every active card answered at least once."""
    return [
        ScheduledCard(date.fromisoformat(due), int(easiness))
        for due, easiness in db.rows(
            "SELECT s.due, s.easiness FROM card_state s JOIN card c ON c.id = s.card_id "
            f"WHERE s.due IS NOT NULL AND {ACTIVE}"
        )
    ]


def deck_counts(db: Db, today: date) -> list[DeckCount]:
    """Per active deck: due now, never answered, re-drills pending, next due date.

    Each figure is a range of ``ix_card_state_deck (deck, suspended, due, ...)`` read
    for each deck, so only the due and the never-answered cards are counted, never every
    card; re-drills come from today's answers (``ix_card_state_last_day``), the next due
    day from one seek. ``card_state.deck`` is the card's deck while the card is not
    retired (NULL after), so no card row is read. 100k cards: 5 ms, where one pass over
    the whole index took 50 ms and the join with ``card`` 150-180 ms.
    """
    mine = "FROM card_state s WHERE s.deck = d.slug AND s.suspended = :no"
    rows = db.rows(
        "SELECT d.slug, d.name, d.chapter, "
        f"(SELECT COUNT(*) {mine} AND s.due <= :today), "
        f"(SELECT COUNT(*) {mine} AND s.due IS NULL), "
        f"(SELECT COUNT(*) {mine} AND s.last_day = :today AND s.last_grade < {REDRILL_BELOW}), "
        f"(SELECT MIN(s.due) {mine} AND s.due > :today) "
        f"FROM deck d WHERE EXISTS (SELECT 1 {mine}) ORDER BY d.chapter, d.slug",
        {"today": iso(today), "no": False},
    )
    return [
        DeckCount(
            slug=slug,
            deck=name,
            chapter=int(chapter),
            due=int(due or 0),
            unseen=int(unseen or 0),
            redo=int(redo or 0),
            next_due=next_due,
        )
        for slug, name, chapter, due, unseen, redo, next_due in rows
    ]


def next_due(db: Db, today: date, deck: str | None = None) -> NextDue | None:
    """The first study day after ``today`` with cards due, and how many; None if none.

    ``card_state.deck`` says whether a card is active (and in which deck), so both
    statements read states alone: the day from one seek in ``ix_card_state_queue``, the
    count as a range of ``ix_card_state_deck`` per deck (every active deck is one seek
    of its distinct values), with no state row read (100k cards: 0.2 ms, where counting
    the day's states through the queue index took 2-7 ms).
    """
    active = (
        "s.deck = :deck"
        if deck
        else "s.deck IN (SELECT DISTINCT deck FROM card_state WHERE deck IS NOT NULL)"
    )
    base = f"FROM card_state s WHERE {{}} AND {active} AND s.suspended = :no"
    params = {"today": iso(today), "deck": deck, "no": False}
    first = db.rows(
        "SELECT s.due " + base.format("s.due > :today") + " ORDER BY s.due LIMIT 1", params
    )
    if not first:
        return None
    count = db.rows(
        "SELECT COUNT(*) " + base.format("s.due = :day"), {**params, "day": first[0][0]}
    )
    return NextDue(date.fromisoformat(first[0][0]), int(count[0][0]))


def listed_cards(
    db: Db,
    *,
    deck: str | None = None,
    kind: str | None = None,
    suspended: bool = False,
    min_lapses: int | None = None,
    due_by: date | None = None,
    keep: Callable[[str, str], bool] | None = None,
) -> list[StoredCard]:
    """The cards ``k8sprep cards`` lists, in deck order: every card that is not retired,
    or only those of ``deck`` (slug), of ``kind``, ``suspended`` ones, those with at
    least ``min_lapses`` lapses (leeches), or those due to be shown by ``due_by``.

    ``keep(front, back)``, the caller's text search, runs on the raw rows, so that only
    the cards it keeps are built (100,000 of them take seconds)."""
    where = ["NOT c.retired"]
    if deck is not None:
        where.append("c.deck = :deck")
    if kind is not None:
        where.append("c.kind = :kind")
    if suspended:
        where.append("s.suspended")
    if min_lapses is not None:
        where.append("s.lapses >= :lapses")
    if due_by is not None:
        where.append(f"s.due <= :due AND {ACTIVE}")
    rows = db.rows(
        f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
        "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id "
        f"WHERE {' AND '.join(where)} ORDER BY c.chapter, c.deck, c.position, c.id",
        {"deck": deck, "kind": kind, "lapses": min_lapses, "due": iso(due_by)},
    )
    return [to_stored_card(row) for row in rows if keep is None or keep(row[2], row[3])]


def card_ids(db: Db) -> list[str]:
    """Every stored card's id, retired ones too: what short ids must tell apart."""
    return [str(row[0]) for row in db.rows("SELECT id FROM card")]


MATURITY = ("new", "learning", "young", "mature", "suspended")
"""The groups every card that is not retired falls into, exactly one each."""


def maturity_counts(db: Db, leech_lapses: int) -> dict[str, int]:
    """Cards (not retired) per :data:`MATURITY` group, and ``leeches`` among them.

    ``suspended`` takes the suspended cards whatever their state; of the others,
    ``new`` were never answered, ``learning`` were but their last scheduling answer
    failed (SM-2 repetitions 0: being learned, or relearned after a lapse), ``young``
    passed with an interval under :data:`MATURE_DAYS` days, ``mature`` with one that
    long or longer. ``leeches`` (``lapses >= leech_lapses``) counts suspended ones too.
    """
    shown = "NOT s.suspended AND s.due IS NOT NULL AND "
    groups = {
        "new": "NOT s.suspended AND s.due IS NULL",
        "learning": shown + "s.repetitions = 0",
        "young": shown + "s.repetitions > 0 AND s.interval_days < :mature",
        "mature": shown + "s.repetitions > 0 AND s.interval_days >= :mature",
        "suspended": "s.suspended",
        "leeches": "s.lapses >= :lapses",
    }
    sums = ", ".join(f"SUM(CASE WHEN {where} THEN 1 ELSE 0 END)" for where in groups.values())
    row = db.rows(
        f"SELECT {sums} FROM card c JOIN card_state s ON s.card_id = c.id WHERE NOT c.retired",
        {"mature": MATURE_DAYS, "lapses": leech_lapses},
    )[0]
    return {name: int(value or 0) for name, value in zip(groups, row, strict=True)}
