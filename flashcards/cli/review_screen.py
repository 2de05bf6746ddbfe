"""What ``k8sprep review`` prints, and the loop that turns input tokens into session steps.

Plain text only, no colour codes and no rich tables: it loads fast, reads the same in
a pipe, and the tests can match it line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from flashcards.errors import StoreError
from flashcards.model import Kind
from flashcards.session import ReviewSession, Summary
from flashcards.sm2 import GRADE_LEGEND
from flashcards.store.values import Answer, StoredCard
from flashcards.terminal import REVEAL

GRADES = tuple(str(grade) for grade in sorted(GRADE_LEGEND))
LEGEND = "Grade: " + " · ".join(f"{grade} {GRADE_LEGEND[grade]}" for grade in sorted(GRADE_LEGEND))
KEYS_HELP = "space/Enter reveal · 0-5 grade · u undo · s suspend · q quit"

Write = Callable[[str], None]


def front(session: ReviewSession) -> list[str]:
    """The card as first shown: where it comes from, progress, kind and question."""
    stored = session.current
    if stored is None:
        return []
    position, total = session.progress
    again = " · again" if stored.state.last_day == session.today else ""
    return [
        "",
        f"── {stored.deck_name} · {position}/{total} · {stored.card.kind.value}{again} ──",
        stored.card.front,
        "(space or Enter: show answer)",
    ]


def back(stored: StoredCard) -> list[str]:
    """The answer side: back, the trap to avoid, the diagram, the source section."""
    card = stored.card
    lines = ["", card.back]
    if card.kind is Kind.INTERVIEW and card.wrong_answer:
        lines += ["", f"Trap to avoid: {card.wrong_answer}"]
    if card.diagram:
        lines += ["", card.diagram]
    if card.source.section or card.source.file:
        where = " § ".join(part for part in (card.source.file, card.source.section) if part)
        lines += ["", f"Source: {where}"]
    lines += [LEGEND]
    return lines


def graded(answer: Answer) -> str:
    """One line after a grade: when the card comes back."""
    if answer.redrill:
        when = "again later today" if answer.grade < 4 else "done for today"
        return f"Graded {answer.grade} (re-drill): {when}."
    if answer.grade < 4:
        return f"Graded {answer.grade}: again later today; next review {_day(answer.after_due)}."
    return f"Graded {answer.grade}: next review {_day(answer.after_due)}."


def summary_lines(summary: Summary, today: date, next_due: tuple[date, int] | None) -> list[str]:
    """The closing lines: how it went and when the next cards are due."""
    lines = [""]
    if summary.answered:
        share = round(100 * (summary.pass_share or 0))
        lines.append(
            f"Session over: {summary.answered} answered · {share}% graded 3 or more · "
            f"{_count(summary.redrills, 're-drill')}"
            + (f" · {summary.suspended} suspended" if summary.suspended else "")
            + "."
        )
    else:
        lines.append("Session over: nothing answered.")
    if summary.remaining:
        lines.append(f"{_count(summary.remaining, 'card')} left in today's queue.")
    if next_due is None:
        lines.append("No reviews scheduled after today.")
    else:
        day, count = next_due
        label = "tomorrow" if day == today + timedelta(days=1) else f"in {(day - today).days} days"
        lines.append(f"Next: {_count(count, 'card')} due {label} ({day.isoformat()}).")
    return lines


def drive(session: ReviewSession, tokens: Iterable[str], write: Write, *, keys: bool) -> None:
    """Run ``session`` on input ``tokens`` until it is finished, quit, or input ends.

    With ``keys`` (a terminal) a grade before the answer is shown only reveals it;
    from lines, a grade on an unrevealed card reveals and grades it in one step.
    """
    if session.current is None:
        write("Nothing to review right now.")
        return
    _show(front(session), write)
    for token in tokens:
        before = session.current
        if token == REVEAL:
            if session.revealed:
                write(f"Grade it: {', '.join(GRADES)} ({KEYS_HELP}).")
            elif before is not None:
                session.reveal()
                _show(back(before), write)
            continue
        if token in GRADES:
            if not session.revealed and before is not None:
                session.reveal()
                _show(back(before), write)
                if keys:
                    write("Now grade it: 0-5.")
                    continue
            write(graded(session.grade(int(token))))
        elif token == "u":
            _undo(session, write)
        elif token == "s":
            card_id = session.suspend()
            write(f"Suspended {card_id}; `k8sprep card {card_id} --unsuspend` brings it back.")
        elif token == "q":
            session.quit()
        else:
            write(f"Unknown input {token!r}: {KEYS_HELP}.")
            continue
        if session.finished:
            return
        _show(front(session), write)


def _undo(session: ReviewSession, write: Write) -> None:
    try:
        action = session.undo()
    except StoreError as error:
        write(f"Cannot undo: {error}")
        return
    if action is None:
        write("Nothing to undo.")
    elif action.answer is None:
        write(f"Unsuspended {action.card_id}.")
    else:
        write(f"Undid grade {action.answer.grade} of {action.card_id}.")


def _show(lines: list[str], write: Write) -> None:
    write("\n".join(lines))


def _count(number: int, noun: str) -> str:
    """``1 card``, ``2 cards``: the summary is read every day, so it should read right."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()
