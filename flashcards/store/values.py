"""What the store hands out: plain frozen values, and their mapping from table rows.

Dates travel as ISO strings in the database (they sort and index the same in every
backend) and as ``date``/``datetime`` outside; easiness as integer hundredths inside
and an exact ``Decimal`` (via :class:`~flashcards.schedule.sm2.SM2State`) outside.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from flashcards.model import Card, Kind, Source
from flashcards.schedule.records import Answer as Answer
from flashcards.schedule.records import CardState as CardState
from flashcards.schedule.records import StoredCard as StoredCard
from flashcards.schedule.sm2 import SM2State


@dataclass(frozen=True)
class SyncReport:
    """What importing decks changed."""

    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0


class DeckRow(NamedTuple):
    """A deck the database holds."""

    slug: str
    name: str
    chapter: int


class ReviewFact(NamedTuple):
    """One logged answer with its card's chapter and kind, for statistics."""

    card_id: str
    day: date
    grade: int
    chapter: int
    kind: str
    redrill: bool


class DrillFact(NamedTuple):
    """One drill answer: the card, its front and chapter, the grade and the verdict."""

    card_id: str
    front: str
    chapter: int
    grade: int
    verdict: str


class ScheduledCard(NamedTuple):
    """An answered, active card's due day and easiness (in hundredths), for forecasts."""

    due: date
    easiness_hundredths: int


class NextDue(NamedTuple):
    """The first study day after today with cards due, and how many are due then."""

    day: date
    cards: int


class AnsweredToday(NamedTuple):
    """First answers given today: of new cards (introduced) and of due ones (reviewed)."""

    introduced: int
    reviewed: int


class DeckCount(NamedTuple):
    """One active deck's counts on a study day."""

    slug: str
    deck: str
    chapter: int
    due: int
    unseen: int
    redo: int
    next_due: str | None


# Row mapping: each to_* function reads the columns of the matching *_COLUMNS, in order.

STATE_COLUMNS = (
    "repetitions, interval_days, easiness, due, lapses, last_review, last_day, last_grade, "
    "suspended"
)
CARD_COLUMNS = (
    "c.id, c.kind, c.front, c.back, c.tags, c.source_file, c.source_section, c.wrong_answer, "
    "c.diagram, c.deck, d.name, c.chapter, c.retired"
)
LOG_COLUMNS = (
    "id, card_id, answered_at, day, grade, redrill, answer_ms, before_repetitions, "
    "before_interval, before_easiness, before_due, before_lapses, after_repetitions, "
    "after_interval, "
    "after_easiness, after_due, after_lapses, typed_answer, verdict"
)
ACTIVE = "NOT c.retired AND NOT s.suspended"

DERIVE_STATE_DECKS = (
    "UPDATE card_state SET deck = (SELECT c.deck FROM card c "
    "WHERE c.id = card_state.card_id AND NOT c.retired)"
)
"""``card_state.deck`` made anew from ``card``: for rows written in bulk (a restore)."""
"""SQL condition (aliases ``c`` card, ``s`` card_state) for cards that may be shown."""


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@functools.lru_cache(maxsize=4096)
def to_date(value: Any) -> date | None:
    """An ISO date column as a date; cached, as a log holds a few hundred distinct days."""
    return None if value is None else date.fromisoformat(value)


@functools.lru_cache(maxsize=8192)
def to_sm2(repetitions: int, interval: int, hundredths: int) -> SM2State:
    """The SM-2 state of three stored numbers; cached, as the same few states recur."""
    return SM2State(int(repetitions), int(interval), Decimal(int(hundredths)).scaleb(-2))


def to_state(row: Sequence[Any]) -> CardState:
    reps, interval, easiness, due, lapses, last_review, last_day, last_grade, suspended = row
    return CardState(
        sm2=to_sm2(reps, interval, easiness),
        due=to_date(due),
        lapses=int(lapses),
        last_review=None if last_review is None else datetime.fromisoformat(last_review),
        last_day=to_date(last_day),
        last_grade=None if last_grade is None else int(last_grade),
        suspended=bool(suspended),
    )


def prefixed_columns(alias: str, columns: str) -> str:
    """``a, b`` as ``s.a, s.b``."""
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def queue_order(chapter: int, position: int) -> int:
    """The order new cards are introduced in: deck chapter number, then place in the deck.

    Kept on the state row (a copy of the card's chapter and position) so that the
    queue reads one index instead of sorting a join.
    """
    return chapter * 1_000_000 + position


def card_params(card: Card, slug: str, chapter: int, position: int) -> dict[str, Any]:
    return {
        "id": card.id,
        "deck": slug,
        "kind": str(card.kind),
        "front": card.front,
        "back": card.back,
        "wrong_answer": card.wrong_answer,
        "diagram": card.diagram,
        "tags": json.dumps(list(card.tags)),
        "source_file": card.source.file,
        "source_section": card.source.section,
        "chapter": chapter,
        "position": position,
        "queue_order": queue_order(chapter, position),
        "no": False,
    }


def to_stored_card(row: Sequence[Any]) -> StoredCard:
    (
        card_id,
        kind,
        front,
        back,
        tags,
        source_file,
        section,
        wrong,
        diagram,
        deck,
        deck_name,
        chapter,
        retired,
    ) = row[:13]
    card = Card(
        id=card_id,
        kind=Kind(kind),
        front=front,
        back=back,
        tags=tuple(json.loads(tags)),
        source=Source(source_file, section),
        wrong_answer=wrong,
        diagram=diagram,
    )
    return StoredCard(card, deck, deck_name, int(chapter), bool(retired), to_state(row[13:]))


def _day(value: Any) -> date:
    day = to_date(value)
    if day is None:
        raise ValueError("no day")
    return day


def to_answer(row: Sequence[Any]) -> Answer:
    (
        log_id,
        card_id,
        time,
        day,
        grade,
        redrill,
        answer_ms,
        br,
        bi,
        be,
        bd,
        bl,
        ar,
        ai,
        ae,
        ad,
        al,
        typed,
        verdict,
    ) = row
    return Answer(
        int(log_id),
        card_id,
        datetime.fromisoformat(time),
        _day(day),
        int(grade),
        bool(redrill),
        int(answer_ms),
        to_sm2(br, bi, be),
        to_date(bd),
        int(bl),
        to_sm2(ar, ai, ae),
        to_date(ad),
        int(al),
        None if typed is None else str(typed),
        None if verdict is None else str(verdict),
    )
