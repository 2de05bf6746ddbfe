"""The shapes ``due``, ``stats``, ``history`` and ``card`` print: JSON records and text lines.

History records are meant to be read back: each has the card, the time and study
day, the grade, whether it was a same-day re-drill, the answer time and the full
SM-2 state before and after (easiness as an exact decimal string), so replaying
the first-of-day grades in order rebuilds every card's state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashcards.cli.output import counted
from flashcards.schedule import stats
from flashcards.schedule.records import Answer, StoredCard
from flashcards.schedule.sm2 import SM2State

if TYPE_CHECKING:
    from flashcards.store.values import ReviewFact, ScheduledCard


def state_record(sm2: SM2State, due: date | None, lapses: int) -> dict[str, Any]:
    """One SM-2 state as JSON; easiness is a string so that 2.36 stays exactly 2.36."""
    return {
        "repetitions": sm2.repetitions,
        "interval": sm2.interval,
        "easiness": f"{sm2.easiness:.2f}",
        "due": None if due is None else due.isoformat(),
        "lapses": lapses,
    }


def answer_record(answer: Answer, fsrs_retention: float | None = None) -> dict[str, Any]:
    """One answer of the review log as JSON. A drill answer adds what was typed and its
    verdict; an FSRS-scheduled one says so, with its desired retention
    (``fsrs_retention``), so that ``history import`` replays it alike."""
    drill = (
        {}
        if answer.typed_answer is None
        else {"typed_answer": answer.typed_answer, "verdict": answer.verdict}
    )
    record: dict[str, Any] = {
        "id": answer.log_id,
        "card_id": answer.card_id,
        "time": answer.time.isoformat(timespec="seconds"),
        "day": answer.day.isoformat(),
        "grade": answer.grade,
        "redrill": answer.redrill,
        "answer_ms": answer.answer_ms,
        "before": state_record(answer.before, answer.before_due, answer.before_lapses),
        "after": state_record(answer.after, answer.after_due, answer.after_lapses),
        **drill,
    }
    if fsrs_retention is not None:
        record |= {"scheduler": "fsrs", "desired_retention": fsrs_retention}
    return record


def answer_line(answer: Answer) -> str:
    """One answer as a line of ``k8sprep history``."""
    before, after = answer.before, answer.after
    kind = "re-drill" if answer.redrill else f"ivl {before.interval}->{after.interval}d"
    return (
        f"{answer.time.isoformat(sep=' ', timespec='minutes')}  {answer.card_id}  "
        f"grade {answer.grade}  {kind}  ease {before.easiness}->{after.easiness}  "
        f"due {answer.after_due}  {answer.answer_ms / 1000:.1f}s"
    ) + _drilled(answer)


def _drilled(answer: Answer) -> str:
    if answer.typed_answer is None:
        return ""
    from flashcards.cli.drill_screen import drilled

    return drilled(answer)


def stats_report(
    facts: Iterable[ReviewFact],
    scheduled: Sequence[ScheduledCard],
    today: date,
    drill: Sequence[tuple[str, str, int, int, str]] = (),
    maturity: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Activity, retention, easiness, streak, forecast and the drill section, as JSON.

    ``maturity`` (:meth:`Store.maturity_counts`) adds the cards per maturity group and
    the leeches; ``activity`` is the heatmap's answers per day (whole weeks).
    """
    rows = [
        stats.ReviewRow(card, day, grade, chapter, kind, first_of_day=not redrill)
        for card, day, grade, chapter, kind, redrill in facts
    ]
    counts = stats.retention_counts(rows)
    mean = Decimal(sum(e for _, e in scheduled)) / len(scheduled) / 100 if scheduled else None
    return {
        "today": today.isoformat(),
        "reviews_per_day": [
            {"day": d.isoformat(), "count": n} for d, n in stats.reviews_per_day(rows, today)
        ],
        "retention": [
            {
                "chapter": chapter,
                "kind": kind,
                "passed": passed,
                "answered": answered,
                "share": round(passed / answered, 4),
            }
            for (chapter, kind), (passed, answered) in counts.items()
        ],
        "average_easiness": None if mean is None else f"{mean:.2f}",
        "streak": stats.streak(stats.days_with_reviews(rows), today),
        "forecast": [
            {"day": d.isoformat(), "count": n}
            for d, n in stats.forecast((due for due, _ in scheduled), today)
        ],
        "drill": drill_report(drill),
        "activity": [
            {"day": d.isoformat(), "count": n} for d, n in stats.activity_days(rows, today)
        ],
    } | _maturity(maturity)


def _maturity(counts: dict[str, int] | None) -> dict[str, Any]:
    if counts is None:
        return {}
    groups = {key: value for key, value in counts.items() if key != "leeches"}
    return {"maturity": groups, "leeches": counts.get("leeches", 0)}


def drill_report(facts: Sequence[tuple[str, str, int, int, str]]) -> dict[str, Any]:
    """The drill section of ``stats``: typed-answer pass rate per chapter, traps fallen into."""
    from flashcards.drill.stats import DrillFact, pass_rates, traps_fallen

    rows = [DrillFact(*fact) for fact in facts]
    return {
        "pass_rate": [
            {
                "chapter": row.chapter,
                "passed": row.passed,
                "answered": row.answered,
                "share": round(row.passed / row.answered, 4),
            }
            for row in pass_rates(rows)
        ],
        "traps": [
            {"card_id": row.card_id, "front": row.front, "count": row.count}
            for row in traps_fallen(rows)
        ],
    }


def stats_lines(report: dict[str, Any], width: int | None = None) -> list[str]:
    """``stats`` as text: cards by maturity, the activity heatmap, retention, easiness,
    streak, the forecast as columns, the drill section.

    ``width`` (a terminal's columns) drops the heatmap's oldest weeks and narrows the
    forecast's columns until they fit; None (a pipe) shows them whole.
    """

    def series(key: str) -> list[tuple[date, int]]:
        return [(date.fromisoformat(p["day"]), p["count"]) for p in report[key]]

    lines = maturity_lines(report, width)
    activity = series("activity") if "activity" in report else series("reviews_per_day")
    weeks = -(-len(activity) // 7)
    fit = weeks if width is None else max(1, (width - 6) // 2)  # "  Mon " then 2 per week
    if weeks > fit:  # the series starts on a Monday: dropping whole weeks keeps it so
        activity, weeks = activity[7 * (weeks - fit) :], fit
    lines.append(f"Activity (answers per day, last {weeks} weeks, to {report['today']}):")
    lines += ["  " + line for line in stats.heatmap(activity)]
    lines.append("Retention (first answer of the day graded 3 or more):")
    if not report["retention"]:
        lines.append("  no reviews yet")
    for row in report["retention"]:
        label = (
            "all cards"
            if row["kind"] == stats.OVERALL[1]
            else (f"chapter {row['chapter']:02d} {row['kind']}")
        )
        lines.append(
            f"  {label:<24} {100 * row['share']:5.1f}%  ({row['passed']}/{row['answered']})"
        )
    lines.append(f"Average easiness: {report['average_easiness'] or '-'}")
    lines.append(f"Streak: {report['streak']} day{'' if report['streak'] == 1 else 's'}")
    forecast = series("forecast")
    due = sum(count for _, count in forecast)
    today = forecast[0][1] if forecast else 0
    lines.append(f"Forecast (cards due, next {len(forecast)} days: {due} in all, {today} today):")
    if due:
        narrow = width is not None and width < 2 * len(forecast) + 12
        chart = stats.column_chart(forecast, cell=1 if narrow else 2)
        lines += ["  " + line for line in chart]
    else:
        lines.append("  nothing scheduled")
    return lines + drill_lines(report.get("drill"))


def maturity_lines(report: dict[str, Any], width: int | None = None) -> list[str]:
    """``Cards: 12 new · 3 learning · ...`` when the report has the maturity counts
    (folded between counts to fit ``width``)."""
    groups = report.get("maturity")
    if groups is None:
        return []
    leeches = report.get("leeches", 0)
    parts = [f"{count} {name}" for name, count in groups.items()]
    parts.append(f"{leeches} {'leech' if leeches == 1 else 'leeches'}")
    if width is None:
        return [f"Cards: {' · '.join(parts)}"]
    from flashcards.cli.wrap import fit_items

    return fit_items("Cards: ", parts, width)


def drill_lines(drill: dict[str, Any] | None) -> list[str]:
    """The drill section: nothing until a typed answer has been confirmed."""
    if not drill or not drill["pass_rate"]:
        return []
    lines = ["Drill (typed answers graded 3 or more):"]
    for row in drill["pass_rate"]:
        label = f"chapter {row['chapter']:02d}"
        lines.append(
            f"  {label:<24} {100 * row['share']:5.1f}%  ({row['passed']}/{row['answered']})"
        )
    lines.append("Traps fallen into:" if drill["traps"] else "Traps fallen into: none")
    for row in drill["traps"]:
        lines.append(f"  {row['count']}x  {row['front']}  ({row['card_id']})")
    return lines


def card_report(
    stored: StoredCard, answers: Iterable[Answer], deck_file: Path | None = None
) -> dict[str, Any]:
    """One card: text, deck (and the deck's YAML file), state and its review history."""
    card, state = stored.card, stored.state
    return {
        "id": card.id,
        "deck": stored.deck_name,
        "deck_file": None if deck_file is None else str(deck_file),
        "chapter": stored.chapter,
        "kind": card.kind.value,
        "front": card.front,
        "back": card.back,
        "wrong_answer": card.wrong_answer,
        "diagram": card.diagram,
        "tags": list(card.tags),
        "source": {"file": card.source.file, "section": card.source.section},
        "retired": stored.retired,
        "suspended": state.suspended,
        "state": state_record(state.sm2, state.due, state.lapses),
        "last_review": None if state.last_review is None else state.last_review.isoformat(),
        "history": [answer_record(a) for a in answers],
    }


def card_lines(report: dict[str, Any]) -> list[str]:
    state = report["state"]
    flags = [f for f in ("retired", "suspended", "leech") if report.get(f)]
    lines = [
        f"{report['id']}  ({report['deck']}, {report['kind']})" + "".join(f" [{f}]" for f in flags),
        f"Q: {report['front']}",
        f"A: {report['back']}",
    ]
    if report["wrong_answer"]:
        lines.append(f"Trap to avoid: {report['wrong_answer']}")
    if report["diagram"]:
        lines.append(report["diagram"])
    lines.append(
        f"State: {'new' if state['due'] is None else 'due ' + state['due']} · "
        f"repetitions {state['repetitions']} · interval {state['interval']}d · "
        f"easiness {state['easiness']} · lapses {state['lapses']}"
    )
    if report.get("deck_file"):
        lines.append(f"Deck file: {report['deck_file']}")
    lines.append(f"History: {counted(len(report['history']), 'answer')}")
    for entry in report["history"]:
        redrill = " (re-drill)" if entry["redrill"] else ""
        lines.append(f"  {entry['time']}  grade {entry['grade']}{redrill}")
    return lines
