"""What ``k8sprep review`` prints, and the loop that turns input tokens into session steps.

Plain text, no rich tables: it loads fast, reads the same in a pipe, and the tests
can match it line by line.

Two layouts. Into a pipe or file every text goes out as written, one line per
field, with no screen or colour code, so scripts can rely on it. Into a terminal
the text is fitted to its width, read again for every card so that resizing the
window takes effect at the next card: a rule across the screen starts each card,
the question and the answer hang beside ``Q:`` and ``A:``, the interview trap is
marked ``✗``, the grade legend folds onto two lines when one does not fit, and what
each grade would schedule follows it. There, too, each card gets a screen of its
own and colour (:mod:`flashcards.cli.fullscreen`). A diagram is shown as drawn, or,
in a terminal narrower than it, replaced by a one-line notice: the terminal would
fold its box lines into noise.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from flashcards.cli.fullscreen import CLEAR, PLAIN, Paint
from flashcards.cli.grade_keys import SM2, Grading
from flashcards.cli.terminal import REDRAW, REVEAL, is_terminal
from flashcards.cli.wrap import SEPARATOR, display_width, fit_items, wrap_text
from flashcards.errors import StoreError
from flashcards.model import Kind
from flashcards.schedule.answer import next_intervals
from flashcards.schedule.records import Answer, StoredCard
from flashcards.schedule.session import ReviewSession, Summary
from flashcards.schedule.sm2 import GRADE_LEGEND, PASSING_QUALITY, needs_redrill

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
WIDE_DIAGRAM = "diagram is {columns} columns; widen the window"
"""Shown instead of a diagram wider than the terminal, which would fold its box lines."""
EDIT = "e"

Write = Callable[[str], None]
Width = Callable[[], int | None]
"""Columns to fit the screen to, asked before each card; None: print text as written."""
Edit = Callable[[StoredCard], str | None]
"""Edit a card's deck file and re-import it; the error to show, or None when it worked."""


def terminal_width() -> int | None:
    """Columns of the terminal the review prints to, or None when it prints to a pipe or file.

    Read afresh on each call, so a window resized during the session is honoured
    from the next card on.
    """
    if not is_terminal(sys.stdout):
        return None
    return shutil.get_terminal_size().columns


def terminal_height() -> int:
    """Rows of the terminal, read afresh like :func:`terminal_width` (full screen only)."""
    return shutil.get_terminal_size().lines


def front(
    session: ReviewSession, width: int | None = None, paint: Paint = PLAIN, *, hint: bool = True
) -> list[str]:
    """The card as first shown: where it comes from, progress, kind and question.

    ``width`` lays it out for a terminal that many columns wide; None keeps the
    plain lines a pipe gets. ``paint`` styles the terminal layout; ``hint`` False
    leaves out how to show the answer (it is shown).
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
        *(paint("title", line) for line in _rule(title, width)),
        *(paint("question", line) for line in wrap_text(stored.card.front, width, prefix="Q: ")),
        *(wrap_text(SHOW_ANSWER, width, prefix="   ") if hint else []),
    ]


def back(
    stored: StoredCard,
    width: int | None = None,
    paint: Paint = PLAIN,
    *,
    grading: Grading = SM2,
    next_lines: Sequence[str] = (),
    source: bool = True,
) -> list[str]:
    """The answer side: back, the trap to avoid, the diagram, the source section.

    ``width`` and ``paint`` as for :func:`front`. The diagram is never fitted: a
    drawing re-flowed is no longer a drawing, so one wider than the terminal is
    replaced by a one-line notice (:data:`WIDE_DIAGRAM`) rather than folded.
    ``next_lines`` (:func:`preview`) go below the legend, in a terminal. ``source``
    False leaves the source section out (a full screen too short for it).
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
        return [*lines, *legend(None, grading)]
    lines = ["", *(paint("answer", line) for line in wrap_text(card.back, width, prefix="A: "))]
    if trap:
        lines += [
            "",
            *(paint("trap", ln) for ln in wrap_text(trap, width, prefix="✗ " + TRAP_LABEL)),
        ]
    if card.diagram:
        rows = card.diagram.split("\n")
        columns = max(display_width(row) for row in rows)
        if columns > width:
            rows = wrap_text(WIDE_DIAGRAM.format(columns=columns), width)
        lines += ["", *rows]
    if where and source:
        lines += ["", *(paint("note", line) for line in wrap_text(where, width, prefix="Source: "))]
    legend_lines = legend(width, grading)
    return [*lines, *legend_lines, *(paint("preview", line) for line in next_lines)]


def legend(width: int | None, grading: Grading = SM2) -> list[str]:
    """The grades and what they mean, on one line if it fits.

    Otherwise on two: the lapses (0-2) above the passes (3-5), each meaning whole;
    on a very narrow terminal as many lines as it takes.
    """
    if grading is not SM2:
        items = [f"{key} {label}" for key, label in grading.labels.items()]
        return fit_items(LEGEND_LABEL, [*items, "space Good"], width or 10**6)
    if width is None or display_width(LEGEND) <= width:
        return [LEGEND]
    hang = " " * len(LEGEND_LABEL)
    lapses = SEPARATOR.join(GRADE_ITEMS[:PASSING_QUALITY])
    passes = SEPARATOR.join(GRADE_ITEMS[PASSING_QUALITY:])
    two = [LEGEND_LABEL + lapses, hang + passes]
    if all(display_width(line) <= width for line in two):
        return two
    return fit_items(LEGEND_LABEL, GRADE_ITEMS, width)


def preview(intervals: dict[int, int] | None, grading: Grading, width: int) -> list[str]:
    """What each grade would schedule, as Anki shows on its buttons.

    ``0–2 again · 3–5 in 6d`` with 0-5 keys (neighbouring keys with the same outcome
    share one item); ``Again today · Hard 6d · Good 6d · Easy 6d`` with Anki's.
    ``intervals`` is :func:`flashcards.schedule.answer.next_intervals`; None (a
    re-drill) tells which grades bring the card back today.
    """

    def outcome(quality: int) -> str:
        again = "again" if grading is SM2 else "today"  # Anki's reads "Again today"
        if intervals is None:
            if not needs_redrill(quality):
                return "done for today"
            return "again today" if grading is SM2 else again
        if quality < PASSING_QUALITY:
            return again
        days = interval_label(intervals[quality])
        return f"in {days}" if grading is SM2 else days

    if grading is not SM2:
        items = [f"{grading.labels[k]} {outcome(q)}" for k, q in grading.qualities.items()]
        return fit_items("Next: ", items, width)
    groups: list[tuple[str, str, str]] = []  # first key, last key, outcome
    for key, quality in grading.qualities.items():
        if groups and groups[-1][2] == outcome(quality):
            groups[-1] = (groups[-1][0], key, groups[-1][2])
        else:
            groups.append((key, key, outcome(quality)))
    items = [f"{first}{'' if first == last else '–' + last} {what}" for first, last, what in groups]
    return fit_items("Next: ", items, width)


def interval_label(days: int) -> str:
    """``6d``, ``2.1mo``, ``1.4y``: an interval as short as Anki writes it."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def graded(answer: Answer, grading: Grading = SM2) -> str:
    """One line after a grade: when the card comes back, and whether it became a leech."""
    name = grading.label(answer.grade)
    grade = f"{answer.grade}" if name is None else f"{name} ({answer.grade})"
    if answer.leech is not None:
        return leeched(answer, grade)
    if answer.redrill:
        when = "again later today" if answer.grade < 4 else "done for today"
        return f"Graded {grade} (re-drill): {when}."
    if answer.grade < 4:
        return f"Graded {grade}: again later today; next review {_day(answer.after_due)}."
    return f"Graded {grade}: next review {_day(answer.after_due)}."


def leeched(answer: Answer, grade: str) -> str:
    """The line after the answer that made the card a leech (see ``leech_action``)."""
    lapses = f"Graded {grade}: a leech now, forgotten {_count(answer.after_lapses, 'time')}"
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
    height: Callable[[], int] = terminal_height,
    paint: Paint = PLAIN,
    full_screen: bool = False,
    grading: Grading = SM2,
    show_next: bool = False,
    edit: Edit | None = None,
) -> None:
    """Run ``session`` on input ``tokens`` until it is finished, quit, or input ends.

    With ``keys`` (a terminal) a grade before the answer is shown only reveals it;
    from lines, a grade on an unrevealed card reveals and grades it in one step.
    ``width`` is asked before each thing printed (see :data:`Width`).

    When an answer or suspension empties the queue the session is over, but the
    next input is read all the same (see :data:`LAST_CARD`): ``u`` takes that action
    back and shows the card again, anything else or the end of input ends. Quitting
    with ``q`` ends at once.

    The terminal extras: ``full_screen`` draws each card on a cleared screen, what
    was said since (``Graded 4: ...``) at its top, and draws it again on
    :data:`REDRAW`; ``paint`` styles it; ``grading`` picks the grade keys;
    ``show_next`` adds what each grade would schedule below the legend; ``edit``
    makes ``e`` edit the card on screen.
    """
    pending: list[str] = []  # full screen: said since the card was drawn, shown at its top
    keys_help = _keys_help(grading, edit is not None)

    def out(lines: Sequence[str], *, clear: bool = False) -> None:
        write((CLEAR if clear else "") + "\n".join(paint.line(line) for line in lines))

    def tell(lines: Sequence[str]) -> None:
        if full_screen:
            pending.extend(lines)
        else:
            out(lines)

    def say(text: str) -> None:
        columns = width()
        tell([text] if columns is None else wrap_text(text, columns))

    def flush() -> None:
        if pending:
            out(pending)
            pending.clear()

    def say_keys(message: str, lead: str, end: str) -> None:
        """``message`` and the keys, as ``{message}{lead}{keys}{end}`` when that fits."""
        columns = width()
        line = f"{message}{lead}{SEPARATOR.join(keys_help)}{end}"
        if columns is None or display_width(line) <= columns:
            tell([line])
        else:  # the keys on lines of their own, each key whole
            tell([*wrap_text(message + ".", columns), *fit_items("Keys: ", keys_help, columns)])

    def answer_side(stored: StoredCard, columns: int | None, *, source: bool = True) -> list[str]:
        shown: list[str] = []
        if show_next and columns is not None:
            shown = preview(next_intervals(stored.state, session.today), grading, columns)
        return back(stored, columns, paint, grading=grading, next_lines=shown, source=source)

    def show_card() -> None:
        """The current card: its question, and its answer once revealed.

        On a full screen too short for the whole card the source section goes first,
        so that the header, the question and the answer stay on screen.
        """
        columns = width()
        shown = session.revealed and session.current is not None
        lines = front(session, columns, paint, hint=not (shown and full_screen))
        if shown and session.current is not None:
            answer = answer_side(session.current, columns)
            drawn = len(pending) + len(lines) if pending else len(lines) - 1  # as out() below
            if full_screen and drawn + len(answer) >= height():  # the last line ends in "\n"
                answer = answer_side(session.current, columns, source=False)
            lines += answer
        if full_screen:
            out([*pending, *lines] if pending else lines[1:], clear=True)
            pending.clear()
        else:
            out(lines)

    def reveal(stored: StoredCard) -> None:
        session.reveal()
        if full_screen:  # drawn again whole, without the hint: a small window needs the rows
            show_card()
        else:
            out(answer_side(stored, width()))

    if session.current is None:
        say("Nothing to review right now.")
        flush()
        return
    show_card()
    offered = ""  # the last action is offered for undo: this token decides
    for token in tokens:
        if token == REDRAW:
            if full_screen:  # back from Ctrl-Z, or resized: the screen is redrawn as it was
                if offered:
                    out(wrap_text(offered, width() or 10**6), clear=True)
                else:
                    show_card()
            continue
        if offered:
            if token == "u":
                _undo(session, say)
            if session.finished:  # another key, or an undo the store refused
                flush()
                return
            offered = ""
            show_card()
            continue
        before = session.current
        if token == REVEAL and session.revealed and grading.enter is not None:
            token = next(k for k, q in grading.qualities.items() if q == grading.enter)
        if token == REVEAL:
            if session.revealed:
                say_keys(f"Grade it: {', '.join(grading.keys)}", " (", ").")
            elif before is not None:
                reveal(before)
            flush()
            continue
        if token in grading.qualities:
            if not session.revealed and before is not None:
                reveal(before)
                if keys:
                    say(f"Now grade it: {grading.span}.")
                    flush()
                    continue
            say(graded(session.grade(grading.qualities[token]), grading))
        elif token == "u":
            _undo(session, say)
        elif token == "s":
            card_id = session.suspend()
            say(f"Suspended {card_id}; `k8sprep card {card_id} --unsuspend` brings it back.")
        elif token == "q":
            session.quit()
        elif token == EDIT and edit is not None and before is not None:
            problem = edit(before)
            if problem is not None:  # the card stays as it was, on screen again
                say(problem)
                show_card()
                continue
            gone = session.reload()
            if gone:
                say(f"Card {before.card.id} is no longer in its deck: left out of this session.")
        else:
            say_keys(f"Unknown input {token!r}", ": ", ".")
            flush()
            continue
        if session.finished:
            if not session.offers_last_undo:
                flush()
                return
            offered = LAST_CARD.format(input="key" if keys else "line")
            say(offered)
            flush()
            continue
        show_card()
    flush()


def _keys_help(grading: Grading, editing: bool) -> tuple[str, ...]:
    """The keys the review takes, for hints: :data:`KEYS` with 0-5 and no editor."""
    if grading is SM2 and not editing:
        return KEYS
    reveal = "space/Enter reveal" + (", then Good" if grading.enter is not None else "")
    edit = ("e edit",) if editing else ()
    return (reveal, f"{grading.span} grade", "u undo", "s suspend", *edit, "q quit")


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
