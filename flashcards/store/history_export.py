"""``k8sprep history --json``: the review log as a file ``history import`` rebuilds from.

One answer per line, each with its card, time and study day, grade, whether it was a
same-day re-drill, the answer time and the full SM-2 state before and after (easiness
as an exact decimal string); a drill answer adds what was typed and its verdict, an
FSRS-scheduled one its desired retention, and the first answer of each card the card
itself (:mod:`flashcards.store.history_cards`). The records are built straight from
the log's rows and written by the C JSON encoder, a few thousand at a time.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.history_cards import CARD_QUERY, card_record
from flashcards.store.values import LOG_COLUMNS

CHUNK = 5000
"""Answers encoded at a time: one C encoder call each, without holding every record."""

_BETWEEN = '}, {"id": '
"""What separates two answers in the encoder's output, and nothing else does: inside a
string a quote is escaped, and no other object in an answer starts with ``"id"``."""


def history_json(db: Db, card_id: str | None = None) -> str:
    """The history file of the whole log (or one card's answers), oldest first."""
    where = " WHERE card_id = :c" if card_id else ""
    params = {"c": card_id}
    found = scheduler_rule.periods(db)
    cards = {
        row[0]: row for row in db.rows(CARD_QUERY + (" WHERE c.id = :c" if card_id else ""), params)
    }
    rows = db.rows(f"SELECT {LOG_COLUMNS} FROM review_log{where} ORDER BY id", params)
    easiness: dict[int, str] = {}
    seen: set[str] = set()
    pieces = []
    for start in range(0, len(rows), CHUNK):
        records = []
        for row in rows[start : start + CHUNK]:
            log_id, card, time, day, grade, redrill, answer_ms = row[:7]
            record: dict[str, Any] = {
                "id": int(log_id),
                "card_id": card,
                "time": time if len(time) == 19 else _seconds(time),
                "day": day,
                "grade": int(grade),
                "redrill": bool(redrill),
                "answer_ms": int(answer_ms),
                "before": _state(row[7:12], easiness),
                "after": _state(row[12:17], easiness),
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
            records.append(record)
        text = json.dumps(records, ensure_ascii=False)
        pieces.append(text[1:-1].replace(_BETWEEN, '},\n{"id": '))
    return "[\n" + ",\n".join(pieces) + "\n]" if pieces else "[]"


def _state(values: tuple[Any, ...], easiness: dict[int, str]) -> dict[str, Any]:
    repetitions, interval, hundredths, due, lapses = values
    text = easiness.get(hundredths)
    if text is None:
        text = easiness[hundredths] = f"{int(hundredths) // 100}.{int(hundredths) % 100:02d}"
    return {
        "repetitions": int(repetitions),
        "interval": int(interval),
        "easiness": text,
        "due": due,
        "lapses": int(lapses),
    }


def _seconds(time: str) -> str:
    return datetime.fromisoformat(time).isoformat(timespec="seconds")
