"""What ``exam show`` prints, and the exam line ``due``, ``review`` and ``stats`` add."""

from __future__ import annotations

from typing import Any

from flashcards.cli.output import counted
from flashcards.schedule.config import Config
from flashcards.schedule.exam import Exam, Feasibility, Phase, Progress


def exam_record(exam: Exam, progress: Progress, config: Config, decks: list[str]) -> dict[str, Any]:
    """``exam show --json``: the settings and where the candidate stands."""
    return {
        "date": exam.date.isoformat(),
        "window_days": exam.window_days,
        "max_per_day": exam.limit(config),
        "decks": decks,
        "cards": progress.cards,
        "seen_in_window": progress.seen_in_window,
        "remaining": progress.remaining,
        "days_left": progress.days_left,
        "on_track": progress.on_track,
    }


def exam_summary(exam: Exam, progress: Progress) -> list[str]:
    """One line of standing, plus one on skipped days when there were any."""
    when = exam.date.isoformat()
    if progress.phase is Phase.OVER:
        return [f"Exam on {when} is over: plain SM-2 again (`k8sprep exam clear` forgets it)."]
    days = counted(progress.days_left, "day")
    if progress.phase is Phase.BEFORE:
        line = (
            f"Exam on {when} in {days}: the window opens {exam.window_start.isoformat()}; "
            f"{counted(progress.remaining, 'card')} to see in it."
        )
    else:
        line = (
            f"Exam on {when} in {days}: {progress.remaining} of {counted(progress.cards, 'card')} "
            "still "
            f"to see in the window; today's share {progress.today_share}."
        )
    lines = [line]
    if progress.skipped:
        skipped = ", ".join(d.isoformat() for d in progress.skipped)
        if progress.on_track:
            lines.append(f"Skipped in the window: {skipped}; the rest still fits.")
        else:
            lines.append(
                f"Skipped in the window: {skipped}; the guarantee is void for "
                f"{counted(progress.shortfall, 'card')} those days held: they no longer fit "
                "before the exam."
            )
    elif not progress.on_track:
        lines.append(
            f"Behind: {counted(progress.shortfall, 'card')} no longer fit before the exam at "
            "this limit."
        )
    return lines


def refusal(exam: Exam, check: Feasibility, limit: int) -> str:
    """Why ``exam set`` refuses a plan, with the smallest window and limit that work."""
    if check.days == 0:
        return f"the exam date {exam.date.isoformat()} must be after today"
    text = (
        f"the plan does not fit: {check.need} first views needed in {check.days} study "
        f"day{'s' if check.days != 1 else ''} of at most {limit} ({check.capacity})"
    )
    if check.smallest_window is not None:
        text += f"\nsmallest window that works: --window {check.smallest_window}"
    else:
        text += f"\nno window before {exam.date.isoformat()} works at --max-per-day {limit}"
    return text + f"\nsmallest limit that works: --max-per-day {check.smallest_limit}"
