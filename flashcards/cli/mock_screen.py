"""What ``k8sprep mock`` prints: the timed questions, the report, the confirmation.

During the interview each question takes one typed line and nothing is shown back,
as in an interview; the clock runs from the first question and the time left heads
each one. When time is up (checked after each answer) or ``q`` is typed, the report
follows. Grades reach the schedule only on confirmation: Enter accepts every
suggested grade (answers the grader was unsure of are asked one by one), ``o`` goes
through all answers one by one, ``n`` keeps the schedule as it was.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

from flashcards.cli.review_screen import Width, Write, _rule
from flashcards.cli.wrap import wrap_text
from flashcards.drill.grading import Grade
from flashcards.drill.mock import MockAnswer
from flashcards.schedule.records import StoredCard

PROMPT = "Your answer (one line; Enter alone: I don't know; q ends the interview):"
CONFIRM = (
    "Save the grades to your schedule? Enter: every suggested grade (unsure ones asked), "
    "o: one by one, n: none."
)
Record = Callable[[MockAnswer, int], None]


def interview(
    cards: Sequence[StoredCard],
    grade: Callable[[StoredCard, str], Grade],
    lines: Iterator[str],
    write: Write,
    *,
    seconds: float,
    timer: Callable[[], float],
    width: Width,
) -> list[MockAnswer]:
    """Ask ``cards`` until they run out, time is up, ``q`` or the end of input."""
    answers: list[MockAnswer] = []
    deadline = timer() + seconds
    for number, stored in enumerate(cards, 1):
        left = deadline - timer()
        if left <= 0:
            write("Time is up.")
            break
        columns = width()
        title = f"Mock interview · {number}/{len(cards)} · {_clock(left)} left"
        question = stored.card.front
        if columns is None:
            shown = ["", f"── {title} ──", question, PROMPT]
        else:
            shown = ["", *_rule(title, columns), *wrap_text(question, columns, prefix="Q: ")]
            shown += wrap_text(PROMPT, columns)
        write("\n".join(shown))
        asked = timer()
        typed = next(lines, None)
        if typed is None or typed.strip().casefold() == "q":
            break
        text = typed.strip()
        result = grade(stored, text)
        answers.append(
            MockAnswer(
                stored.card.id,
                stored.card.front,
                stored.chapter,
                stored.deck_name,
                text,
                result.verdict.value,
                result.suggested_grade,
                round(timer() - asked, 1),
                tuple(point.text for point in result.key_points if not point.covered),
            )
        )
    return answers


def confirm(
    answers: Sequence[MockAnswer], lines: Iterator[str], write: Write, record: Record
) -> int:
    """Ask which grades to save and ``record`` them; how many were saved."""
    if not answers:
        return 0
    write(CONFIRM)
    choice = next(lines, None)
    if choice is None or choice.strip().casefold() == "n":
        return 0
    one_by_one = choice.strip().casefold() == "o"
    saved = 0
    for answer in answers:
        if answer.suggested_grade is not None and not one_by_one:
            record(answer, answer.suggested_grade)
            saved += 1
            continue
        suggested = "-" if answer.suggested_grade is None else str(answer.suggested_grade)
        write(
            "\n".join(
                [
                    "",
                    answer.front,
                    f'  typed "{answer.typed}" · verdict {answer.verdict} · suggested {suggested}',
                    "Grade 0-5 (Enter: "
                    + ("skip" if answer.suggested_grade is None else "accept")
                    + ", s: skip):",
                ]
            )
        )
        while True:
            line = next(lines, None)
            if line is None:
                return saved
            line = line.strip().casefold()
            if line in ("0", "1", "2", "3", "4", "5"):
                grade: int | None = int(line)
            elif line == "" and answer.suggested_grade is not None:
                grade = answer.suggested_grade
            elif line in ("", "s"):
                grade = None
            else:
                write("Type a grade from 0 to 5, Enter or s.")
                continue
            break
        if grade is not None:
            record(answer, grade)
            saved += 1
    return saved


def _clock(seconds: float) -> str:
    whole = max(0, math.ceil(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"
