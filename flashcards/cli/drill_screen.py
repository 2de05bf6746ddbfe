"""What ``k8sprep drill`` prints, and the loop that turns typed lines into graded answers.

A drill reads lines, in a terminal as from a pipe: an answer is typed, so the
terminal stays in its normal line mode (the candidate sees and edits what they
type). Each card takes two lines: the answer (empty: "I don't know"; with
``--choice`` the number of an option), then the grade (empty: accept the suggested
one; a digit 0-5: this grade). ``q`` alone on a line quits, ``u`` alone on the
answer line undoes the last confirmed answer, as in ``review``. A grade is written
(SM-2, the log with the typed text and verdict) before the next card is shown.

Layouts follow :mod:`flashcards.cli.review_screen`: plain lines into a pipe, fitted
to the terminal's width (read afresh for every card) into a terminal; diagrams as
drawn in both.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flashcards.cli.review_screen import LAST_CARD, TRAP_LABEL, Width, Write, _rule, graded
from flashcards.cli.wrap import wrap_text
from flashcards.drill.grading import Grade, KeyPoint, Verdict, grade_answer, key_points
from flashcards.errors import StoreError
from flashcards.model import Card
from flashcards.schedule.records import Answer, StoredCard
from flashcards.schedule.session import ReviewSession

if TYPE_CHECKING:
    from flashcards.drill.choice import Option

QUIT, UNDO = "q", "u"
ANSWER_PROMPT = "Your answer (one line; Enter alone: I don't know; q quits, u undoes):"
CHOICE_PROMPT = "Your choice (1-{n}; q quits, u undoes):"
VERDICTS = {
    Verdict.RIGHT: "right: the key points are there",
    Verdict.PARTLY: "partly: some key points are missing",
    Verdict.WRONG: "wrong",
    Verdict.TRAP: "trap: that is the common wrong answer to avoid",
    Verdict.UNSURE: "unsure: grade it yourself from the key points",
}
NO_ANSWER_VERDICT = "wrong: no answer given"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

Deck = Callable[[StoredCard], Sequence[Card]]
"""The cards of a card's chapter (the drill's edge loads and caches them per deck)."""


def printable(text: str) -> str:
    """Typed text as it may go to a terminal: no control characters, one line."""
    return _CONTROL.sub("", text.replace("\t", " ").replace("\n", " "))


@dataclass
class Drill:
    """One drill: the review session it answers through, and how it grades.

    ``choice`` asks for multiple choice with options shuffled by ``rng``; the typed
    line (or the chosen option) and the verdict go into the log with the grade.
    """

    session: ReviewSession
    chapter: Deck
    choice: bool = False
    rng: random.Random = field(default_factory=random.Random)

    def grade(self, stored: StoredCard, text: str) -> Grade:
        return grade_answer(stored.card, text, chapter=self.chapter(stored))

    def options(self, stored: StoredCard) -> list[Option]:
        from flashcards.drill.choice import options  # only --choice needs it

        return options(stored.card, self.chapter(stored), self.rng)


def front(session: ReviewSession, width: int | None) -> list[str]:
    """The question: deck, progress and kind, then the question itself."""
    stored = session.current
    if stored is None:
        return []
    position, total = session.progress
    title = f"{stored.deck_name} · {position}/{total} · {stored.card.kind.value} · drill"
    if width is None:
        return ["", f"── {title} ──", stored.card.front]
    return ["", *_rule(title, width), *wrap_text(stored.card.front, width, prefix="Q: ")]


def option_lines(found: Sequence[Option], width: int | None) -> list[str]:
    """The options, numbered from 1."""
    lines: list[str] = []
    for number, option in enumerate(found, 1):
        prefix = f"{number}. "
        lines += (
            [prefix + option.text]
            if width is None
            else wrap_text(option.text, width, prefix=prefix)
        )
    prompt = CHOICE_PROMPT.format(n=len(found))
    return [*lines, *([prompt] if width is None else wrap_text(prompt, width))]


def verdict_lines(
    stored: StoredCard, grade: Grade, width: int | None, *, blank: bool = False
) -> list[str]:
    """Verdict, key points ticked, model answer, trap, diagram and the suggested grade."""
    card = stored.card

    def put(text: str, prefix: str = "") -> list[str]:
        return [prefix + text] if width is None else wrap_text(text, width, prefix=prefix)

    verdict = NO_ANSWER_VERDICT if blank else VERDICTS[grade.verdict]
    lines = ["", *put(verdict, "Verdict: ")]
    lines += [line for point in grade.key_points for line in _point(point, put)]
    lines += ["", *put(card.back, "Model answer: ")]
    if card.wrong_answer:
        lines += put(card.wrong_answer, "✗ " + TRAP_LABEL)
    if card.diagram:
        lines += ["", *card.diagram.split("\n")]
    if grade.suggested_grade is None:
        lines += put("no suggested grade: type one, 0-5.")
    else:
        lines += put(f"Suggested grade: {grade.suggested_grade} (Enter accepts, 0-5 overrides).")
    return lines


def _point(point: KeyPoint, put: Callable[[str, str], list[str]]) -> list[str]:
    return put(point.text, ("✓ " if point.covered else "✗ "))


def choice_grade(stored: StoredCard, option: Option) -> Grade:
    """The grade a picked option earns: right 4, anything else 1 (the trap said so)."""
    points = tuple(KeyPoint(text, option.verdict is Verdict.RIGHT) for text in _points(stored))
    right = option.verdict is Verdict.RIGHT
    return Grade(
        option.verdict,
        4 if right else 1,
        1.0 if right else 0.0,
        1.0 if option.verdict is Verdict.TRAP else 0.0,
        points,
    )


def _points(stored: StoredCard) -> list[str]:
    return key_points(stored.card.back) or [stored.card.back]


def drive(drill: Drill, lines: Iterator[str], write: Write, *, width: Width) -> None:
    """Run the drill on input ``lines`` until its cards are done, it is quit, or input ends.

    An answer is confirmed, and written, only by its grade line: quitting or the end
    of input between the two leaves that card unanswered.
    """
    session = drill.session

    def say(text: str) -> None:
        columns = width()
        write("\n".join([text] if columns is None else wrap_text(text, columns)))

    if session.current is None:
        say("Nothing to drill right now.")
        return
    while session.current is not None:
        stored = session.current
        columns = width()
        found = drill.options(stored) if drill.choice else []
        shown = front(session, columns)
        prompt = [ANSWER_PROMPT] if columns is None else wrap_text(ANSWER_PROMPT, columns)
        write("\n".join([*shown, *(option_lines(found, columns) if found else prompt)]))
        typed = _next(lines)
        while found and typed is not None and typed.strip().casefold() not in (QUIT, UNDO):
            if _pick(typed, found) is not None:
                break
            say(f"Pick a number from 1 to {len(found)}.")  # the same options, unshuffled
            typed = _next(lines)
        if typed is None or typed.strip().casefold() == QUIT:
            session.quit()
            return
        if typed.strip().casefold() == UNDO:
            _undo(session, say)
            continue
        picked = _pick(typed, found)
        if picked is not None:
            grade, text = choice_grade(stored, picked), picked.text
        else:
            text = typed.strip()
            grade = drill.grade(stored, text)
        write("\n".join(verdict_lines(stored, grade, width(), blank=not text)))
        quality = _confirm(grade, lines, say)
        if quality is None:
            session.quit()
            return
        answer = session.grade(quality, typed_answer=text, verdict=grade.verdict.value)
        say(graded(answer))
        if session.finished:
            say(LAST_CARD.format(input="line"))
            last = _next(lines)
            if last is None or last.strip().casefold() != UNDO:
                return
            _undo(session, say)


def _confirm(grade: Grade, lines: Iterator[str], say: Callable[[str], None]) -> int | None:
    """The grade line: empty accepts the suggestion, a digit 0-5 is the grade; None: quit."""
    while True:
        line = _next(lines)
        if line is None or line.strip().casefold() == QUIT:
            return None
        line = line.strip()
        if not line and grade.suggested_grade is not None:
            return grade.suggested_grade
        if line in ("0", "1", "2", "3", "4", "5"):
            return int(line)
        accept = ", or Enter to accept" if grade.suggested_grade is not None else ""
        say(f"Type a grade from 0 to 5{accept}.")


def _pick(typed: str, found: Sequence[Option]) -> Option | None:
    text = typed.strip()
    if text.isdigit() and 1 <= int(text) <= len(found):
        return found[int(text) - 1]
    return None


def _next(lines: Iterator[str]) -> str | None:
    return next(lines, None)


def _undo(session: ReviewSession, say: Callable[[str], None]) -> None:
    try:
        action = session.undo()
    except StoreError as error:
        say(f"Cannot undo: {error}")
        return
    if action is None or action.answer is None:
        say("Nothing to undo.")
    else:
        say(f"Undid grade {action.answer.grade} of {action.card_id}.")


def drilled(answer: Answer) -> str:
    """``typed "..." (verdict)`` for a history line of a drill answer, or ""."""
    if answer.typed_answer is None:
        return ""
    typed = printable(answer.typed_answer) or "(no answer)"
    return f'  typed "{typed}" ({answer.verdict or "-"})'
