"""What ``k8sprep review`` prints, and the loop that turns input tokens into session steps.

Plain text only, no colour codes and no rich tables: it loads fast, reads the same in
a pipe, and the tests can match it line by line.

Two layouts. Into a pipe or file every text goes out as written, one line per
field, so scripts can rely on it. Into a terminal the text is fitted to its width,
read again for every card so that resizing the window takes effect at the next
card: a rule across the screen starts each card, the question and the answer hang
beside ``Q:`` and ``A:``, the interview trap is marked ``✗``, and the grade legend
folds onto two lines when one does not fit. Diagrams are shown as drawn in both.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from flashcards.cli.terminal import REVEAL, is_terminal
from flashcards.cli.wrap import SEPARATOR, display_width, fit_items, wrap_text
from flashcards.errors import StoreError
from flashcards.model import Kind
from flashcards.schedule.records import Answer, StoredCard
from flashcards.schedule.session import ReviewSession, Summary
from flashcards.schedule.sm2 import GRADE_LEGEND, PASSING_QUALITY

if TYPE_CHECKING:
    from flashcards.store.values import NextDue

GRADES = tuple(str(grade) for grade in sorted(GRADE_LEGEND))
LEGEND_LABEL = "Grade: "
GRADE_ITEMS = tuple(f"{grade} {GRADE_LEGEND[grade]}" for grade in sorted(GRADE_LEGEND))
LEGEND = LEGEND_LABEL + SEPARATOR.join(GRADE_ITEMS)
KEYS = ("space/Enter reveal", "0-5 grade", "u undo", "s suspend", "q quit")
KEYS_HELP = SEPARATOR.join(KEYS)
SHOW_ANSWER = "(space or Enter: show answer)"
TRAP_LABEL = "Trap to avoid: "
LAST_CARD = "That was the last card: u undoes it, any other {input} ends the session."
"""Offered once the queue runs dry after an action; ``{input}`` is ``key`` or ``line``."""

Write = Callable[[str], None]
Width = Callable[[], int | None]
"""Columns to fit the screen to, asked before each card; None: print text as written."""


def terminal_width() -> int | None:
    """Columns of the terminal the review prints to, or None when it prints to a pipe or file.

    Read afresh on each call, so a window resized during the session is honoured
    from the next card on.
    """
    if not is_terminal(sys.stdout):
        return None
    return shutil.get_terminal_size().columns


def front(session: ReviewSession, width: int | None = None) -> list[str]:
    """The card as first shown: where it comes from, progress, kind and question.

    ``width`` lays it out for a terminal that many columns wide; None keeps the
    plain lines a pipe gets.
    """
    stored = session.current
    if stored is None:
        return []
    position, total = session.progress
    again = " · again" if stored.state.last_day == session.today else ""
    title = f"{stored.deck_name} · {position}/{total} · {stored.card.kind.value}{again}"
    if width is None:
        return ["", f"── {title} ──", stored.card.front, SHOW_ANSWER]
    return [
        "",
        *_rule(title, width),
        *wrap_text(stored.card.front, width, prefix="Q: "),
        *wrap_text(SHOW_ANSWER, width, prefix="   "),
    ]


def back(stored: StoredCard, width: int | None = None) -> list[str]:
    """The answer side: back, the trap to avoid, the diagram, the source section.

    ``width`` as for :func:`front`. The diagram is never fitted: a drawing
    re-flowed is no longer a drawing, so a terminal narrower than it cuts it instead.
    """
    card = stored.card
    trap = card.wrong_answer if card.kind is Kind.INTERVIEW else ""
    where = " § ".join(part for part in (card.source.file, card.source.section) if part)
    if width is None:
        lines = ["", card.back]
        if trap:
            lines += ["", TRAP_LABEL + trap]
        if card.diagram:
            lines += ["", card.diagram]
        if where:
            lines += ["", f"Source: {where}"]
        return [*lines, LEGEND]
    lines = ["", *wrap_text(card.back, width, prefix="A: ")]
    if trap:
        lines += ["", *wrap_text(trap, width, prefix="✗ " + TRAP_LABEL)]
    if card.diagram:
        lines += ["", *card.diagram.split("\n")]
    if where:
        lines += ["", *wrap_text(where, width, prefix="Source: ")]
    return [*lines, *legend(width)]


def legend(width: int | None) -> list[str]:
    """The grades and what they mean, on one line if it fits.

    Otherwise on two: the lapses (0-2) above the passes (3-5), each meaning whole;
    on a very narrow terminal as many lines as it takes.
    """
    if width is None or display_width(LEGEND) <= width:
        return [LEGEND]
    hang = " " * len(LEGEND_LABEL)
    lapses = SEPARATOR.join(GRADE_ITEMS[:PASSING_QUALITY])
    passes = SEPARATOR.join(GRADE_ITEMS[PASSING_QUALITY:])
    two = [LEGEND_LABEL + lapses, hang + passes]
    if all(display_width(line) <= width for line in two):
        return two
    return fit_items(LEGEND_LABEL, GRADE_ITEMS, width)


def graded(answer: Answer) -> str:
    """One line after a grade: when the card comes back, and whether it became a leech."""
    if answer.leech is not None:
        return leeched(answer)
    if answer.redrill:
        when = "again later today" if answer.grade < 4 else "done for today"
        return f"Graded {answer.grade} (re-drill): {when}."
    if answer.grade < 4:
        return f"Graded {answer.grade}: again later today; next review {_day(answer.after_due)}."
    return f"Graded {answer.grade}: next review {_day(answer.after_due)}."


def leeched(answer: Answer) -> str:
    """The line after the answer that made the card a leech (see ``leech_action``)."""
    lapses = f"Graded {answer.grade}: a leech now, forgotten {_count(answer.after_lapses, 'time')}"
    if answer.leech == "suspend":
        return f"{lapses}; suspended (`k8sprep card {answer.card_id} --unsuspend` brings it back)."
    again = "again later today; " if answer.grade < 4 else ""
    return f"{lapses}; {again}next review {_day(answer.after_due)} (`k8sprep cards --leeches`)."


def summary_lines(
    summary: Summary,
    today: date,
    next_due: NextDue | None,
    width: Width = terminal_width,
) -> list[str]:
    """The closing lines: how it went and when the next cards are due (fitted as in ``drive``)."""
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
    columns = width()
    if columns is None:
        return lines
    return [wrapped for line in lines for wrapped in wrap_text(line, columns)]


def drive(
    session: ReviewSession,
    tokens: Iterable[str],
    write: Write,
    *,
    keys: bool,
    width: Width = terminal_width,
) -> None:
    """Run ``session`` on input ``tokens`` until it is finished, quit, or input ends.

    With ``keys`` (a terminal) a grade before the answer is shown only reveals it;
    from lines, a grade on an unrevealed card reveals and grades it in one step.
    ``width`` is asked before each thing printed (see :data:`Width`).

    When an answer or suspension empties the queue the session is over, but the
    next input is read all the same (see :data:`LAST_CARD`): ``u`` takes that action
    back and shows the card again, anything else or the end of input ends. Quitting
    with ``q`` ends at once.
    """

    def say(text: str) -> None:
        columns = width()
        _show([text] if columns is None else wrap_text(text, columns), write)

    def say_keys(message: str, lead: str, end: str) -> None:
        """``message`` and the keys, as ``{message}{lead}{keys}{end}`` when that fits."""
        columns = width()
        line = f"{message}{lead}{KEYS_HELP}{end}"
        if columns is None or display_width(line) <= columns:
            write(line)
        else:  # the keys on lines of their own, each key whole
            _show([*wrap_text(message + ".", columns), *fit_items("Keys: ", KEYS, columns)], write)

    if session.current is None:
        say("Nothing to review right now.")
        return
    _show(front(session, width()), write)
    offered = False  # the last action is offered for undo: this token decides
    for token in tokens:
        if offered:
            if token == "u":
                _undo(session, say)
            if session.finished:  # another key, or an undo the store refused
                return
            offered = False
            _show(front(session, width()), write)
            continue
        before = session.current
        if token == REVEAL:
            if session.revealed:
                say_keys(f"Grade it: {', '.join(GRADES)}", " (", ").")
            elif before is not None:
                session.reveal()
                _show(back(before, width()), write)
            continue
        if token in GRADES:
            if not session.revealed and before is not None:
                session.reveal()
                _show(back(before, width()), write)
                if keys:
                    say("Now grade it: 0-5.")
                    continue
            say(graded(session.grade(int(token))))
        elif token == "u":
            _undo(session, say)
        elif token == "s":
            card_id = session.suspend()
            say(f"Suspended {card_id}; `k8sprep card {card_id} --unsuspend` brings it back.")
        elif token == "q":
            session.quit()
        else:
            say_keys(f"Unknown input {token!r}", ": ", ".")
            continue
        if session.finished:
            if not session.offers_last_undo:
                return
            say(LAST_CARD.format(input="key" if keys else "line"))
            offered = True
            continue
        _show(front(session, width()), write)


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


def _show(lines: Sequence[str], write: Write) -> None:
    write("\n".join(lines))


def _rule(title: str, width: int) -> list[str]:
    """``── title ───…`` across the terminal, so each card starts at a line that stands out."""
    start = f"── {title} "
    if display_width(start) + 2 <= width:
        return [start + "─" * (width - display_width(start))]
    return ["─" * width, *wrap_text(title, width)]


def _count(number: int, noun: str) -> str:
    """``1 card``, ``2 cards``: the summary is read every day, so it should read right."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()
