"""A timed mock interview: which cards to ask, and the report at the end.

Cards are drawn across chapters, weak and overdue ones weighted up, so the questions
an interviewer would catch you on come more often than the ones you know cold. The
report says per chapter how many answers passed, which traps were fallen into, how
long each answer took and which cards to study next. Nothing here reaches SM-2: the
edge records a grade only once the candidate confirms it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flashcards.schedule.records import StoredCard
from flashcards.schedule.sm2 import PASSING_QUALITY

NEW_WEIGHT = 2.0
"""A card never answered: an interviewer may well ask it."""
LAPSE_WEIGHT = 1.5
OVERDUE_WEIGHT = 0.25
"""Per day overdue, up to :data:`OVERDUE_CAP` days."""
OVERDUE_CAP = 20
STUDY_NEXT = 5


def weight(stored: StoredCard, today: date) -> float:
    """How likely a card is to be asked: more for lapses, low easiness and overdue days."""
    state = stored.state
    if state.due is None:
        return NEW_WEIGHT
    overdue = min(max((today - state.due).days, 0), OVERDUE_CAP)
    hard = max(0.0, 2.5 - float(state.sm2.easiness))  # 0 for an easy card, 1.2 at the floor
    last_failed = state.last_grade is not None and state.last_grade < PASSING_QUALITY
    return 1.0 + LAPSE_WEIGHT * state.lapses + 2 * hard + OVERDUE_WEIGHT * overdue + last_failed


def sample(
    cards: Sequence[StoredCard], today: date, rng: random.Random, count: int
) -> list[StoredCard]:
    """Up to ``count`` distinct cards, drawn by :func:`weight`, chapters taking turns.

    Each round draws one card per chapter (chapters in random order), so a short
    interview still spans the chapters rather than dwelling on the biggest one.
    """
    by_chapter: dict[int, list[StoredCard]] = {}
    for stored in cards:
        by_chapter.setdefault(stored.chapter, []).append(stored)
    pools = list(by_chapter.values())
    chosen: list[StoredCard] = []
    while len(chosen) < count and any(pools):
        rng.shuffle(pools)
        for pool in pools:
            if pool and len(chosen) < count:
                weights = [weight(stored, today) for stored in pool]
                picked = rng.choices(range(len(pool)), weights=weights)[0]
                chosen.append(pool.pop(picked))
    return chosen


@dataclass(frozen=True)
class MockAnswer:
    """One answer of a mock interview, graded but not yet confirmed."""

    card_id: str
    front: str
    chapter: int
    deck: str
    typed: str
    verdict: str
    suggested_grade: int | None
    seconds: float
    missed: tuple[str, ...] = ()
    """Key points the answer did not cover."""


def report(answers: Sequence[MockAnswer], *, started: str, minutes: int) -> dict[str, Any]:
    """The report of a mock interview, as JSON-ready data.

    A pass is a suggested grade of 3 or more; an ``unsure`` answer has no suggestion
    and counts as not passed until the candidate grades it.
    """
    chapters: dict[int, dict[str, Any]] = {}
    for answer in answers:
        row = chapters.setdefault(
            answer.chapter, {"chapter": answer.chapter, "deck": answer.deck, "passed": 0}
        )
        row["answered"] = row.get("answered", 0) + 1
        row["passed"] += _passed(answer)
    for row in chapters.values():
        row["share"] = round(row["passed"] / row["answered"], 4)
    weak = sorted(
        (a for a in answers if not _passed(a)),
        key=lambda a: (a.verdict != "trap", a.suggested_grade or 0, a.card_id),
    )
    study: list[dict[str, str]] = []
    for answer in weak:
        if all(item["card_id"] != answer.card_id for item in study) and len(study) < STUDY_NEXT:
            study.append({"card_id": answer.card_id, "front": answer.front})
    seconds = [answer.seconds for answer in answers]
    return {
        "started": started,
        "minutes": minutes,
        "answered": len(answers),
        "passed": sum(_passed(a) for a in answers),
        "seconds_per_answer": round(sum(seconds) / len(seconds), 1) if seconds else None,
        "chapters": [chapters[number] for number in sorted(chapters)],
        "traps": [
            {"card_id": a.card_id, "front": a.front, "typed": a.typed}
            for a in answers
            if a.verdict == "trap"
        ],
        "study_next": study,
        "answers": [{**asdict(a), "missed": list(a.missed)} for a in answers],
    }


def _passed(answer: MockAnswer) -> bool:
    return (answer.suggested_grade or 0) >= PASSING_QUALITY


def report_lines(data: dict[str, Any]) -> list[str]:
    """The report as text."""
    lines = [
        f"Mock interview of {data['started']} ({data['minutes']} min): "
        f"{data['passed']}/{data['answered']} passed"
        + (
            f", {data['seconds_per_answer']} s per answer."
            if data["seconds_per_answer"] is not None
            else "."
        )
    ]
    for row in data["chapters"]:
        share = 100 * row["share"]
        lines.append(f"  {row['deck']}: {share:.0f}% passed ({row['passed']}/{row['answered']})")
    lines.append("Traps fallen into:" if data["traps"] else "Traps fallen into: none.")
    lines += [f"  ✗ {trap['front']}  ({trap['card_id']})" for trap in data["traps"]]
    lines.append("Time per answer:")
    lines += [f"  {a['seconds']:5.1f} s  {a['verdict']:<7} {a['front']}" for a in data["answers"]]
    lines.append("Study next:" if data["study_next"] else "Study next: nothing, well done.")
    lines += [f"  {item['front']}  ({item['card_id']})" for item in data["study_next"]]
    return lines
