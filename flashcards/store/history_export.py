"""``k8sprep history --json``: the review log as a file ``history import`` rebuilds from.

One answer per line, each with its card, time and study day, grade, whether it was a
same-day re-drill, the answer time and the full SM-2 state before and after (easiness
as an exact decimal string); a drill answer adds what was typed and its verdict, an
FSRS-scheduled one its desired retention, and the first answer of each card the card
itself (:mod:`flashcards.store.history_cards`). Each line is made straight from a row
of the log: the few distinct states and days are encoded once each, and strings go
through the C JSON string encoder, so the file costs about what dumping the rows does.
The file is ASCII (other characters as ``\\u`` escapes, as :func:`json.dumps` writes
them by default): printing it then needs no pass over it for raw control characters.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from flashcards.errors import StoreError
from flashcards.files.gcpause import gc_paused
from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.history_cards import CARD_QUERY, card_record
from flashcards.store.values import LOG_COLUMNS


def history_json(db: Db, card_id: str | None = None) -> str:
    """The history file of the whole log (or one card's answers), oldest first.

    Raises:
        StoreError: a value of the log or of its cards is of a type or shape k8sprep
            never writes (a damaged or hand-made database).
    """
    with gc_paused():  # a million small objects, no cycles: collecting is wasted time
        try:
            return _history_json(db, card_id)
        except (TypeError, ValueError) as error:
            raise StoreError(
                f"cannot write the history: the database holds a value k8sprep never "
                f"writes ({str(error)[:80]})"
            ) from None


def _history_json(db: Db, card_id: str | None, *, in_sql: bool = True) -> str:
    where = " WHERE card_id = :c" if card_id else ""
    params = {"c": card_id}
    found = scheduler_rule.periods(db)
    cards = {
        row[0]: row for row in db.rows(CARD_QUERY + (" WHERE c.id = :c" if card_id else ""), params)
    }
    if found or db.sqlite is None or not in_sql or not _plain_names(db):
        rows = db.rows(f"SELECT {LOG_COLUMNS} FROM review_log{where} ORDER BY id", params)
        return _document(_lines(rows, found, cards))
    # Most lines are made by SQLite itself; the rest as above, put in their places.
    made = db.rows(
        f"SELECT id, CASE WHEN ({_PLAIN}) IS 1 THEN {_PLAIN_LINE} END "
        f"FROM review_log{where} ORDER BY id",
        params,
    )
    # Each card's first answer carries the card (when there is one): made in Python too.
    firsts = {
        log_id
        for card, log_id in db.rows(
            f"SELECT card_id, MIN(id) FROM review_log{where} GROUP BY card_id", params
        )
        if card in cards
    }
    lines: list[str] = [line for _, line in made]
    places = [
        place
        for place, (log_id, line) in enumerate(made)
        if line is None or log_id in firsts  # made below
    ]
    if places:
        rest = db.rows(
            f"SELECT {LOG_COLUMNS} FROM review_log "
            "WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY id",
            {"ids": json.dumps([made[place][0] for place in places])},
        )
        for place, line in zip(places, _lines(rest, found, cards), strict=True):
            lines[place] = line
    return _document(lines)


def _document(lines: list[str]) -> str:
    """The lines as one JSON array, joined in one copy (the file may be 100 MB)."""
    if not lines:
        return "[]"
    lines[0] = "[\n" + lines[0]
    lines[-1] += "\n]"
    return ",\n".join(lines)


def _plain_names(db: Db) -> bool:
    """Whether every card id and day of the log is written the same by SQL as by JSON.

    Read from their indexes (a few thousand distinct values), so that the SQL that
    writes the lines need not test each answer's strings.
    """
    return all(
        isinstance(card_id, str) and _PLAIN_CARD_ID.fullmatch(card_id)
        for (card_id,) in db.rows("SELECT DISTINCT card_id FROM review_log")
    ) and all(
        isinstance(day, str) and _ISO_DATE.fullmatch(day)
        for (day,) in db.rows("SELECT DISTINCT day FROM review_log")
    )


_PLAIN_CARD_ID = re.compile(r"[a-zA-Z0-9_.:-]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _lines(
    rows: list[tuple[Any, ...]],
    found: list[tuple[int, scheduler_rule.Rule]],
    cards: dict[str, tuple[Any, ...]],
) -> list[str]:
    """The lines of ``rows`` (log rows in id order, each card's first answer among them)."""
    states: dict[tuple[Any, ...], str] = {}
    quoted: dict[str, str] = {}
    seen: set[str] = set()
    lines = []
    for row in rows:
        log_id, card, time, day, grade, redrill, answer_ms = row[:7]
        if row[17] is not None or found or (card not in seen and card in cards):
            lines.append(_full_record(row, found, cards, seen))
            continue
        before, after = row[7:12], row[12:17]
        if card not in quoted:
            quoted[card] = encode_basestring_ascii(card)
        if day not in quoted:
            quoted[day] = encode_basestring_ascii(day)
        lines.append(
            f'{{"id": {log_id:d}, "card_id": {quoted[card]}, "time": '
            f"{encode_basestring_ascii(time if len(time) == 19 else _seconds(time))}, "
            f'"day": {quoted[day]}, "grade": {grade:d}, '
            f'"redrill": {"true" if redrill else "false"}, "answer_ms": {answer_ms:d}, '
            f'"before": {states.get(before) or _state_text(before, states)}, '
            f'"after": {states.get(after) or _state_text(after, states)}}}'
        )
    return lines


_COUNTS = ("repetitions", "interval", "easiness", "lapses")
"""The whole-number fields of a state, as the log's columns name them."""
_DIGITS = "[0-9]"
_DATE = "-".join((_DIGITS * 4, _DIGITS * 2, _DIGITS * 2))
_PLAIN = " AND ".join(
    [
        "typed_answer IS NULL",
        "verdict IS NULL",
        f"answered_at GLOB '{_DATE}T{_DIGITS * 2}:{_DIGITS * 2}:{_DIGITS * 2}'",
        *(
            f"typeof({column}) = 'integer'"
            for column in (
                "grade",
                "redrill",
                "answer_ms",
                *(f"{side}_{field}" for side in ("before", "after") for field in _COUNTS),
            )
        ),
        "before_easiness >= 0",
        "after_easiness >= 0",
        f"(before_due IS NULL OR before_due GLOB '{_DATE}')",
        f"(after_due IS NULL OR after_due GLOB '{_DATE}')",
    ]
)
"""The answers SQLite writes as :func:`_lines` would: plain review answers whose every
value has the type and shape that writes the same text in SQL as in Python (the card
ids and days are checked once each beforehand, by :func:`_plain_names`; the id is the
rowid, always a whole number)."""


def _sql_state(side: str) -> str:
    return (
        f"{side}_repetitions, {side}_interval, {side}_easiness / 100, {side}_easiness % 100, "
        f"CASE WHEN {side}_due IS NULL THEN 'null' ELSE '\"' || {side}_due || '\"' END, "
        f"{side}_lapses"
    )


_STATE_FORMAT = (
    '{"repetitions": %d, "interval": %d, "easiness": "%d.%02d", "due": %s, "lapses": %d}'
)
_PLAIN_LINE = (
    "printf('"
    + '{"id": %d, "card_id": "%s", "time": "%s", "day": "%s", "grade": %d, "redrill": %s, '
    + f'"answer_ms": %d, "before": {_STATE_FORMAT}, "after": {_STATE_FORMAT}}}'
    + "', id, card_id, answered_at, day, grade, "
    + "CASE WHEN redrill THEN 'true' ELSE 'false' END, answer_ms, "
    + f"{_sql_state('before')}, {_sql_state('after')})"
)
"""One line of the file, as :func:`_lines` writes a plain answer."""


def _full_record(
    row: tuple[Any, ...],
    found: list[tuple[int, scheduler_rule.Rule]],
    cards: dict[str, tuple[Any, ...]],
    seen: set[str],
) -> str:
    """One answer with what only some have: a drill's text, FSRS, the card itself."""
    log_id, card, time, day, grade, redrill, answer_ms = row[:7]
    record: dict[str, Any] = {
        "id": int(log_id),
        "card_id": card,
        "time": time if len(time) == 19 else _seconds(time),
        "day": day,
        "grade": int(grade),
        "redrill": bool(redrill),
        "answer_ms": int(answer_ms),
        "before": _state(row[7:12]),
        "after": _state(row[12:17]),
    }
    if row[17] is not None:
        record["typed_answer"] = row[17]
        record["verdict"] = row[18]
    if found:
        name, retention = scheduler_rule.rule_of(found, int(log_id))
        if name == "fsrs":
            record["scheduler"] = name
            record["desired_retention"] = retention
    if card not in seen and card in cards:
        seen.add(card)
        record["card"] = card_record(cards[card])
    return json.dumps(record)


def _state(values: tuple[Any, ...]) -> dict[str, Any]:
    repetitions, interval, hundredths, due, lapses = values
    return {
        "repetitions": int(repetitions),
        "interval": int(interval),
        "easiness": f"{int(hundredths) // 100}.{int(hundredths) % 100:02d}",
        "due": due,
        "lapses": int(lapses),
    }


def _state_text(values: tuple[Any, ...], states: dict[tuple[Any, ...], str]) -> str:
    """A state as JSON text, made once for each distinct state (most recur)."""
    text = states[values] = json.dumps(_state(values))
    return text


def _seconds(time: str) -> str:
    return datetime.fromisoformat(time).isoformat(timespec="seconds")
