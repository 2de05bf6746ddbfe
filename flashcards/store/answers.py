"""Answers: one transaction per answer, and undo that restores the state exactly.

The day's first answer of a card schedules it with SM-2; later answers the same study
day are re-drills, logged with the state unchanged. The decision is taken inside the
write transaction, so two sessions on one database never apply a card twice.
"""

from __future__ import annotations

from datetime import date, datetime

from flashcards.errors import StoreError, UnknownCardError
from flashcards.sm2 import PASSING_QUALITY, check_quality, review
from flashcards.store.connection import Db
from flashcards.store.values import STATE_COLUMNS, Answer, iso, to_state
from flashcards.studyday import due_date


def record_review(
    db: Db, card_id: str, *, time: datetime, day: date, grade: int, answer_ms: int = 0
) -> Answer:
    """Log one answer and update the card's state, in one committed transaction.

    The day's first answer of a card schedules it with SM-2; later answers the
    same study day are re-drills: logged, state unchanged. Deciding inside the
    transaction keeps two sessions on one database from applying a card twice.

    Raises:
        UnknownCardError: no card has this id.
        ValueError: ``grade`` is not 0..5.
    """
    grade = check_quality(grade)
    with db.transaction():
        rows = db.rows(
            f"SELECT {STATE_COLUMNS} FROM card_state WHERE card_id = :id{db.lock}",
            {"id": card_id},
        )
        if not rows:
            raise UnknownCardError(f"no card with id {card_id!r}")
        before = to_state(rows[0])
        redrill = before.last_day == day
        if redrill:
            after, after_due, lapses = before.sm2, before.due, before.lapses
        else:
            after = review(before.sm2, grade)
            after_due = due_date(day, after.interval)
            # A lapse: a card that had been learned (a pass in a row) is forgotten.
            lapse = grade < PASSING_QUALITY and before.sm2.repetitions > 0
            lapses = before.lapses + int(lapse)
        moment = time.isoformat(timespec="seconds")
        db.run(
            "UPDATE card_state SET repetitions = :r, interval_days = :i, easiness = :e, "
            "due = :due, lapses = :lapses, last_review = :time, last_day = :day, "
            "last_grade = :grade "
            "WHERE card_id = :id",
            {
                "r": after.repetitions,
                "i": after.interval,
                "e": after.easiness_hundredths,
                "due": iso(after_due),
                "lapses": lapses,
                "time": moment,
                "day": iso(day),
                "grade": grade,
                "id": card_id,
            },
        )
        log_id = db.rows(
            "INSERT INTO review_log (card_id, answered_at, day, grade, redrill, answer_ms, "
            "before_repetitions, before_interval, before_easiness, before_due, before_lapses, "
            "after_repetitions, after_interval, after_easiness, after_due, after_lapses) "
            "VALUES (:id, :time, :day, :grade, :redrill, :ms, :br, :bi, :be, :bd, :bl, "
            ":ar, :ai, :ae, :ad, :al) RETURNING id",
            {
                "id": card_id,
                "time": moment,
                "day": iso(day),
                "grade": grade,
                "redrill": redrill,
                "ms": max(0, int(answer_ms)),
                "br": before.sm2.repetitions,
                "bi": before.sm2.interval,
                "be": before.sm2.easiness_hundredths,
                "bd": iso(before.due),
                "bl": before.lapses,
                "ar": after.repetitions,
                "ai": after.interval,
                "ae": after.easiness_hundredths,
                "ad": iso(after_due),
                "al": lapses,
            },
        )[0][0]
    return Answer(
        int(log_id),
        card_id,
        time.replace(microsecond=0),
        day,
        grade,
        redrill,
        max(0, int(answer_ms)),
        before.sm2,
        before.due,
        before.lapses,
        after,
        after_due,
        lapses,
    )


def undo_review(db: Db, log_id: int) -> str:
    """Take back one answer: delete its log row and restore the state before it.

    Returns:
        The id of the card whose answer was undone.

    Raises:
        StoreError: the answer is gone already, or the card was answered again since.
    """
    with db.transaction():
        rows = db.rows(
            "SELECT card_id, before_repetitions, before_interval, before_easiness, "
            "before_due, before_lapses FROM review_log WHERE id = :id",
            {"id": log_id},
        )
        if not rows:
            raise StoreError(f"answer {log_id} is not in the review log (undone already?)")
        card_id, reps, interval, easiness, due, lapses = rows[0]
        db.rows(f"SELECT 1 FROM card_state WHERE card_id = :c{db.lock}", {"c": card_id})
        later = db.rows(
            "SELECT 1 FROM review_log WHERE card_id = :c AND id > :id",
            {"c": card_id, "id": log_id},
        )
        if later:
            raise StoreError(f"card {card_id} was answered again since; nothing undone")
        previous = db.rows(
            "SELECT answered_at, day, grade FROM review_log WHERE card_id = :c AND id < :id "
            "ORDER BY id DESC LIMIT 1",
            {"c": card_id, "id": log_id},
        )
        last_review, last_day, last_grade = previous[0] if previous else (None, None, None)
        db.run("DELETE FROM review_log WHERE id = :id", {"id": log_id})
        db.run(
            "UPDATE card_state SET repetitions = :r, interval_days = :i, easiness = :e, "
            "due = :due, lapses = :l, last_review = :lr, last_day = :ld, last_grade = :lg "
            "WHERE card_id = :c",
            {
                "r": reps,
                "i": interval,
                "e": easiness,
                "due": due,
                "l": lapses,
                "lr": last_review,
                "ld": last_day,
                "lg": last_grade,
                "c": card_id,
            },
        )
    return str(card_id)
