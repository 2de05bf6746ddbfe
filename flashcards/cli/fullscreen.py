"""The review's full-screen view in a terminal: a clean screen per card, and colour.

In a terminal the review runs on the alternate screen buffer, as ``less`` and
editors do: every card starts on a cleared screen, so the answer of the previous
card never sits above the next question, and leaving (``q``, the end, Ctrl-C, a
crash, Ctrl-Z) puts back the screen as it was, with the summary printed below it.

Colour marks the question (bold), the answer (green) and the interview trap (bold
red, so it stands out from the answer it resembles). It is off with ``NO_COLOR``
set (https://no-color.org) and whenever stdout is not a terminal: a pipe gets the
plain text it always got.

Card text must never drive the terminal, yet these lines carry escape codes; so
output that goes out unfiltered (:attr:`Paint.raw`) is only ever made of
:class:`Painted` lines, whose text was stripped of control characters before the
codes were added, and of other lines stripped on their way out (:meth:`Paint.line`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from flashcards.parse.controls import strip_controls

ALTERNATE_ON = "\x1b[?1049h"
ALTERNATE_OFF = "\x1b[?1049l"
CLEAR = "\x1b[H\x1b[2J"
"""Cursor home, then erase the screen."""
RESET = "\x1b[0m"
STYLES = {
    "title": "\x1b[1;36m",  # bold cyan: the rule that heads each card
    "question": "\x1b[1m",  # bold
    "answer": "\x1b[32m",  # green
    "trap": "\x1b[1;31m",  # bold red
    "note": "\x1b[2m",  # faint: source, legend
    "preview": "\x1b[36m",  # cyan: what each grade schedules
}


class Painted(str):
    """A line cleaned of control characters, with only this module's codes added."""

    __slots__ = ()


@dataclass(frozen=True)
class Paint:
    """How lines are made ready for the screen.

    ``raw``: the output is written unfiltered (it carries screen codes), so every
    line is cleaned here; else lines pass through unchanged, to be cleaned by
    :func:`flashcards.cli.output.echo` as every command's text is. ``colour``: add
    the :data:`STYLES` codes (only with ``raw``).
    """

    raw: bool = False
    colour: bool = False

    def __call__(self, style: str, text: str) -> str:
        """``text`` in ``style`` (a key of :data:`STYLES`)."""
        if not self.raw:
            return text
        clean = strip_controls(text)
        if not self.colour:
            return Painted(clean)
        return Painted(f"{STYLES[style]}{clean}{RESET}")

    def line(self, text: str) -> str:
        """``text`` unstyled, cleaned if it will go out unfiltered."""
        if not self.raw or isinstance(text, Painted):
            return text
        return Painted(strip_controls(text))


PLAIN = Paint()
"""No codes: what a pipe gets."""


def wants_colour(environ: dict[str, str] | None = None) -> bool:
    """Whether colour is allowed: not with ``NO_COLOR`` set to anything, nor a dumb terminal."""
    env = os.environ if environ is None else environ
    return not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def can_take_screen(environ: dict[str, str] | None = None) -> bool:
    """Whether the terminal understands the alternate screen (not ``TERM=dumb``)."""
    env = os.environ if environ is None else environ
    return env.get("TERM", "dumb") not in ("dumb", "")


class AlternateScreen:
    """The alternate screen, entered and left around each stretch the review owns the terminal.

    Written straight to the file descriptor: it is called from the Ctrl-Z handler,
    where a buffered write could land in the middle of another.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def enter(self) -> None:
        os.write(self.fd, ALTERNATE_ON.encode())

    def leave(self) -> None:
        os.write(self.fd, ALTERNATE_OFF.encode())


@dataclass(frozen=True)
class Screen:
    """Where the review's lines go and how: see :func:`review_output`."""

    write: Callable[[str], None]
    paint: Paint
    handover: AlternateScreen | None
    """The alternate screen when the review takes the whole terminal; else None."""


def review_output(*, interactive: bool) -> Screen:
    """The review's output: plain text into a pipe, painted lines into a terminal.

    The full screen needs both ends to be the terminal (keys come from it, the
    screen is drawn on it) and a card to show (``interactive``): a scripted review
    typed into a pipe keeps its lines on the normal screen, and so does "Nothing to
    review right now."
    """
    from flashcards.cli.output import echo
    from flashcards.cli.terminal import is_terminal

    if not is_terminal(sys.stdout):
        return Screen(echo, PLAIN, None)
    full = interactive and is_terminal(sys.stdin) and can_take_screen()
    return Screen(
        _write_raw,
        Paint(raw=True, colour=wants_colour()),
        AlternateScreen(sys.stdout.fileno()) if full else None,
    )


def _write_raw(text: str) -> None:
    """``text`` and a newline, unfiltered: only :class:`Paint`-made lines come here."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
