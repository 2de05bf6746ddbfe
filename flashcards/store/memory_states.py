"""FSRS memory states of every card, rebuilt from the review log ("shadow FSRS").

The log is replayed through :class:`flashcards.schedule.memory.ShadowFSRS`. The result
is cached in one ``meta`` row (packed arrays, base64) with the log position it reached,
so the next call replays only newer answers: ``readiness`` on a million logged answers
stays well under a second once the cache exists. An undone answer (a row gone below
that position, or replaced at it) is noticed and the whole log replayed again. The
cache is only ever derived from the log: deleting it loses nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flashcards.errors import StoreError
from flashcards.schedule.memory import Memory, ShadowFSRS
from flashcards.store.connection import Db

CACHE_KEY = "fsrs_shadow"
_CACHE_VERSION = 3


@dataclass
class MemoryTable:
    """Memory states by card, in columns: cheap to load and to scan for 100,000 cards."""

    ids: list[str] = field(default_factory=list)
    stability: array[float] = field(default_factory=lambda: array("d"))
    difficulty: array[float] = field(default_factory=lambda: array("d"))
    last_day: array[int] = field(default_factory=lambda: array("q"))  # date ordinals
    deck: list[str] = field(default_factory=list)  # the card's deck slug, for readiness

    def index(self) -> dict[str, int]:
        return {card_id: i for i, card_id in enumerate(self.ids)}

    def get(self, card_id: str) -> Memory | None:
        """One card's state (a linear search: for tests and single cards)."""
        try:
            i = self.ids.index(card_id)
        except ValueError:
            return None
        return self.at(i)

    def at(self, i: int) -> Memory:
        return Memory(self.stability[i], self.difficulty[i], date.fromordinal(self.last_day[i]))

    def __len__(self) -> int:
        return len(self.ids)


def memory_states(db: Db, shadow: ShadowFSRS) -> MemoryTable:
    """Every answered card's memory state, from the log (incrementally, via the cache)."""
    top = int(db.rows("SELECT MAX(id) FROM review_log")[0][0] or 0)
    cached = _load(db, shadow, top)
    table, position = cached if cached is not None else (MemoryTable(), 0)
    if cached is not None and top == position:
        return table
    where = table.index()
    # Replayed on plain values (stability, difficulty, last day as an ordinal) per card:
    # a million answers make no objects but the rows themselves.
    ordinals: dict[str, int] = {}
    states: dict[str, list[float]] = {}
    first, advance = shadow.first, shadow.advance
    for card_id, day_text, grade in db.rows(
        "SELECT card_id, day, grade FROM review_log WHERE id > :after ORDER BY id",
        {"after": position},
    ):
        day = ordinals.get(day_text)
        if day is None:
            day = ordinals[day_text] = date.fromisoformat(day_text).toordinal()
        state = states.get(card_id)
        if state is None:
            i = where.get(card_id)
            if i is None:
                states[card_id] = [*first(int(grade)), day]
                continue
            state = states[card_id] = [table.stability[i], table.difficulty[i], table.last_day[i]]
        state[0], state[1] = advance(state[0], state[1], day - int(state[2]), int(grade))
        state[2] = day
    decks = _decks_of(db, [card_id for card_id in states if card_id not in where])
    for card_id, (stability, difficulty, last) in states.items():
        i = where.get(card_id)
        if i is None:
            table.ids.append(card_id)
            table.deck.append(decks.get(card_id, ""))
            table.stability.append(stability)
            table.difficulty.append(difficulty)
            table.last_day.append(int(last))
        else:
            table.stability[i] = stability
            table.difficulty[i] = difficulty
            table.last_day[i] = int(last)
    _save(db, shadow, table, top)
    return table


def _decks_of(db: Db, card_ids: list[str]) -> dict[str, str]:
    """The deck slug of each of ``card_ids`` (all cards at once when there are many)."""
    if len(card_ids) > 1000:
        return {str(c): str(d) for c, d in db.rows("SELECT id, deck FROM card")}
    found: dict[str, str] = {}
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start : start + 500]
        params = {f"c{i}": card_id for i, card_id in enumerate(chunk)}
        names = ", ".join(f":{name}" for name in params)
        found.update(
            (str(c), str(d))
            for c, d in db.rows(f"SELECT id, deck FROM card WHERE id IN ({names})", params)
        )
    return found


def _fingerprint(db: Db, position: int, top: int) -> list[Any]:
    """What must not change at or below ``position``: the row count and the row at it."""
    where = "" if position >= top else " WHERE id <= :p"  # counting all rows is cheaper
    count = db.rows(f"SELECT COUNT(*) FROM review_log{where}", {"p": position})[0][0]
    row = db.rows(
        "SELECT card_id, answered_at, grade, answer_ms FROM review_log WHERE id = :p",
        {"p": position},
    )
    return [int(count), [str(v) for v in row[0]] if row else None]


def _load(db: Db, shadow: ShadowFSRS, top: int) -> tuple[MemoryTable, int] | None:
    rows = db.rows("SELECT value FROM meta WHERE key = :key", {"key": CACHE_KEY})
    if not rows:
        return None
    try:
        data = json.loads(rows[0][0])
        if data["version"] != _CACHE_VERSION or data["parameters"] != list(shadow.w):
            return None
        position = int(data["position"])
        if position > top or data["fingerprint"] != _fingerprint(db, position, top):
            return None  # an answer was undone (or the log replaced) since
        table = MemoryTable(
            ids=data["ids"].split("\n") if data["ids"] else [],
            stability=_unpack("d", data["stability"]),
            difficulty=_unpack("d", data["difficulty"]),
            last_day=_unpack("q", data["last_day"]),
            deck=data["deck"].split("\n") if data["ids"] else [],
        )
        lengths = {len(table.stability), len(table.difficulty), len(table.last_day)}
        if lengths | {len(table.deck)} != {len(table.ids)}:
            return None
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return None  # a damaged cache is rebuilt from the log
    return table, position


def _unpack(code: str, text: str) -> array[Any]:
    values = array(code)
    values.frombytes(base64.b64decode(text))
    return values


def _save(db: Db, shadow: ShadowFSRS, table: MemoryTable, position: int) -> None:
    """Cache ``table``; a database that refuses the write (read-only) just goes uncached."""
    if any("\n" in text for text in (*table.ids, *table.deck)):
        return  # ids and slugs are stored one a line
    value = json.dumps(
        {
            "version": _CACHE_VERSION,
            "parameters": list(shadow.w),
            "position": position,
            "fingerprint": _fingerprint(db, position, position),
            "ids": "\n".join(table.ids),
            "stability": base64.b64encode(table.stability.tobytes()).decode(),
            "difficulty": base64.b64encode(table.difficulty.tobytes()).decode(),
            "last_day": base64.b64encode(table.last_day.tobytes()).decode(),
            "deck": "\n".join(table.deck),
        },
        separators=(",", ":"),
    )
    try:
        with db.transaction():
            db.run("DELETE FROM meta WHERE key = :key", {"key": CACHE_KEY})
            db.run(
                "INSERT INTO meta (key, value) VALUES (:key, :value)",
                {"key": CACHE_KEY, "value": value},
            )
    except StoreError:
        pass


def active_counts(db: Db, decks: tuple[str, ...] = ()) -> tuple[dict[str, int], set[str]]:
    """Active cards per deck slug (of ``decks`` only, when given), and the inactive ids.

    Two cheap reads instead of every card's id: counts of the cards kept, minus the
    suspended ones; and the (few) retired or suspended card ids.
    """
    params: dict[str, Any] = {f"x{i}": slug for i, slug in enumerate(decks)}
    only = f" AND c.deck IN ({', '.join(':' + k for k in params)})" if decks else ""
    counts = {
        str(deck): int(n)
        for deck, n in db.rows(
            f"SELECT c.deck, COUNT(*) FROM card c WHERE NOT c.retired{only} GROUP BY c.deck",
            params,
        )
    }
    for deck, n in db.rows(
        "SELECT c.deck, COUNT(*) FROM card_state s JOIN card c ON c.id = s.card_id "
        f"WHERE s.suspended AND NOT c.retired{only} GROUP BY c.deck",
        params,
    ):
        counts[str(deck)] -= int(n)
    inactive = {str(r[0]) for r in db.rows("SELECT id FROM card WHERE retired")}
    inactive |= {str(r[0]) for r in db.rows("SELECT card_id FROM card_state WHERE suspended")}
    return counts, inactive


def evaluation_rows(db: Db) -> Iterator[tuple[str, date, int, bool, int]]:
    """``(card_id, study day, grade, re-drill, SM-2 interval before)`` per answer, in log order."""
    days: dict[str, date] = {}
    for card_id, day_text, grade, redrill, interval in db.rows(
        "SELECT card_id, day, grade, redrill, before_interval FROM review_log ORDER BY id"
    ):
        day = days.get(day_text)
        if day is None:
            day = days[day_text] = date.fromisoformat(day_text)
        yield str(card_id), day, int(grade), bool(redrill), int(interval)
