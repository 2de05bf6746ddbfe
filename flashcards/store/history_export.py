"""``k8sprep history --json``: the review log as a file ``history import`` rebuilds from.

One answer per line, each with its card, time and study day, grade, whether it was a
same-day re-drill, the answer time and the full SM-2 state before and after (easiness
as an exact decimal string); a drill answer adds what was typed and its verdict, an
FSRS-scheduled one its desired retention, and the first answer of each card the card
itself (:mod:`flashcards.store.history_cards`). Each line is made straight from a row
of the log: the few distinct states and days are encoded once each, and strings go
through the C JSON string encoder, so the file costs about what dumping the rows does.
"""

from __future__ import annotations

import json
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from flashcards.files.gcpause import gc_paused
from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.history_cards import CARD_QUERY, card_record
from flashcards.store.values import LOG_COLUMNS


def history_json(db: Db, card_id: str | None = None) -> str:
    """The history file of the whole log (or one card's answers), oldest first."""
    with gc_paused():  # a million small objects, no cycles: collecting is wasted time
        return _history_json(db, card_id)


def _history_json(db: Db, card_id: str | None) -> str:
    where = " WHERE card_id = :c" if card_id else ""
    params = {"c": card_id}
    found = scheduler_rule.periods(db)
    cards = {
        row[0]: row for row in db.rows(CARD_QUERY + (" WHERE c.id = :c" if card_id else ""), params)
    }
    rows = db.rows(f"SELECT {LOG_COLUMNS} FROM review_log{where} ORDER BY id", params)
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
            quoted[card] = encode_basestring(card)
        if day not in quoted:
            quoted[day] = encode_basestring(day)
        lines.append(
            f'{{"id": {log_id:d}, "card_id": {quoted[card]}, "time": '
            f"{encode_basestring(time if len(time) == 19 else _seconds(time))}, "
            f'"day": {quoted[day]}, "grade": {grade:d}, '
            f'"redrill": {"true" if redrill else "false"}, "answer_ms": {answer_ms:d}, '
            f'"before": {states.get(before) or _state_text(before, states)}, '
            f'"after": {states.get(after) or _state_text(after, states)}}}'
        )
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


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
    return json.dumps(record, ensure_ascii=False)


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
    text = states[values] = json.dumps(_state(values), ensure_ascii=False)
    return text


def _seconds(time: str) -> str:
    return datetime.fromisoformat(time).isoformat(timespec="seconds")
