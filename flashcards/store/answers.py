"""Answers: one transaction per answer, and undo that restores the state exactly.

What an answer does to a card is :func:`flashcards.schedule.answer.answer_card`; this
module applies it inside the write transaction, so two sessions on one database never
apply a card twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flashcards.errors import StoreError, UnknownCardError
from flashcards.schedule.answer import answer_card
from flashcards.schedule.leech import LeechRule
from flashcards.schedule.records import CardState
from flashcards.schedule.sm2 import check_quality
from flashcards.store import scheduler_rule
from flashcards.store.connection import Db
from flashcards.store.values import Answer, iso, to_date, to_sm2


def record_review(
    db: Db,
    card_id: str,
    *,
    time: datetime,
    day: date,
    grade: int,
    answer_ms: int = 0,
    typed_answer: str | None = None,
    verdict: str | None = None,
    fsrs_retention: float | None = None,
    leech: LeechRule | None = None,
) -> Answer:
    """Log one answer and update the card's state, in one committed transaction.

    The day's first answer of a card schedules it with SM-2; later answers the
    same study day are re-drills: logged, state unchanged. Deciding inside the
    transaction keeps two sessions on one database from applying a card twice.
    A drill answer also logs what was typed and the grader's verdict. With
    ``fsrs_retention`` (``scheduler = "fsrs"``) FSRS sets the due date; see
    :mod:`flashcards.store.scheduler_rule`. An answer whose lapse makes the card a
    leech (``leech``, default :class:`LeechRule`) says so in :attr:`Answer.leech`, and
    under ``"suspend"`` suspends the card in the same transaction.

    Raises:
        UnknownCardError: no card has this id.
        ValueError: ``grade`` is not 0..5.
    """
    grade = check_quality(grade)
    today = iso(day)
    with db.transaction():
        rows = db.rows(
            "SELECT repetitions, interval_days, easiness, due, lapses, last_day "
            f"FROM card_state WHERE card_id = :id{db.lock}",
            {"id": card_id},
        )
        if not rows:
            raise UnknownCardError(f"no card with id {card_id!r}")
        reps, interval, easiness, before_due, before_lapses, last_day = rows[0]
        before = CardState(
            sm2=to_sm2(reps, interval, easiness),
            due=to_date(before_due),
            lapses=int(before_lapses),
            last_day=to_date(last_day),
        )
        after, redrill = answer_card(before, grade, day=day)
        if fsrs_retention is not None and not redrill:
            fsrs_due = scheduler_rule.fsrs_due(db, card_id, day, grade, fsrs_retention)
            after = replace(after, due=fsrs_due)
        rule = LeechRule() if leech is None else leech
        leeched = not redrill and rule.reached(before.lapses, after.lapses)
        moment = time.isoformat(timespec="seconds")
        ms = max(0, int(answer_ms))
        params = {
            "id": card_id,
            "time": moment,
            "day": today,
            "grade": grade,
            "redrill": redrill,
            "ms": ms,
            "br": reps,
            "bi": interval,
            "be": easiness,
            "bd": before_due,
            "bl": before_lapses,
            "ar": after.sm2.repetitions,
            "ai": after.sm2.interval,
            "ae": after.sm2.easiness_hundredths,
            "ad": iso(after.due),
            "al": after.lapses,
            "typed": typed_answer,
            "verdict": verdict,
        }
        suspend = ", suspended = :yes" if leeched and rule.suspends else ""
        db.run(
            "UPDATE card_state SET repetitions = :ar, interval_days = :ai, easiness = :ae, "
            "due = :ad, lapses = :al, last_review = :time, last_day = :day, last_grade = :grade"
            f"{suspend} WHERE card_id = :id",
            {**params, "yes": True},
        )
        log_id = db.insert(
            "INSERT INTO review_log (card_id, answered_at, day, grade, redrill, answer_ms, "
            "before_repetitions, before_interval, before_easiness, before_due, before_lapses, "
            "after_repetitions, after_interval, after_easiness, after_due, after_lapses, "
            "typed_answer, verdict) "
            "VALUES (:id, :time, :day, :grade, :redrill, :ms, :br, :bi, :be, :bd, :bl, "
            ":ar, :ai, :ae, :ad, :al, :typed, :verdict)",
            params,
        )
        scheduler_rule.note_rule(db, int(log_id), scheduler_rule.rule_for_retention(fsrs_retention))
    return Answer(
        int(log_id),
        card_id,
        time.replace(microsecond=0),
        day,
        grade,
        redrill,
        ms,
        before.sm2,
        before.due,
        before.lapses,
        after.sm2,
        after.due,
        after.lapses,
        typed_answer,
        verdict,
        rule.action if leeched else None,
    )


def undo_review(
    db: Db, log_id: int, *, expected: Answer | None = None, leech: LeechRule | None = None
) -> str:
    """Take back one answer: delete its log row and restore the state before it.

    ``expected`` is the answer as it was recorded: log ids are reused once the newest
    row is deleted, so a session holding an id across a restore (or any swap of the
    database under it) must not delete whichever answer has that id now. An answer that
    made the card a leech and so suspended it (``leech``, as in :func:`record_review`)
    is undone with its suspension.

    Returns:
        The id of the card whose answer was undone.

    Raises:
        StoreError: the answer is gone already, is not ``expected``, or the card was
            answered again since.
    """
    with db.transaction():
        rows = db.rows(
            "SELECT card_id, before_repetitions, before_interval, before_easiness, "
            "before_due, before_lapses, answered_at, grade, after_lapses, redrill "
            "FROM review_log WHERE id = :id",
            {"id": log_id},
        )
        if not rows:
            raise StoreError(f"answer {log_id} is not in the review log (undone already?)")
        card_id, reps, interval, easiness, due, lapses, answered_at, grade, after, redrill = rows[0]
        if expected is not None and (card_id, answered_at, int(grade)) != (
            expected.card_id,
            expected.time.isoformat(timespec="seconds"),
            expected.grade,
        ):
            raise StoreError(
                f"answer {log_id} in the log is not this session's answer (was the database "
                "restored or replaced?); nothing undone"
            )
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
        rule = LeechRule() if leech is None else leech
        leeched = not redrill and rule.suspends and rule.reached(int(lapses), int(after))
        db.run("DELETE FROM review_log WHERE id = :id", {"id": log_id})
        db.run(
            "UPDATE card_state SET repetitions = :r, interval_days = :i, easiness = :e, "
            "due = :due, lapses = :l, last_review = :lr, last_day = :ld, last_grade = :lg"
            + (", suspended = :no" if leeched else "")
            + " WHERE card_id = :c",
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
                "no": False,
            },
        )
    return str(card_id)
