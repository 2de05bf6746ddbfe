"""Reading review input: single key presses in a terminal, one line per input otherwise.

In a real terminal the review takes single keys: the terminal is put in cbreak mode
(no line buffering, no echo) and always restored on the way out, on Ctrl-C or an
exception too. Ctrl-C still raises ``KeyboardInterrupt`` so the session can end
with its summary.

When stdin is not a terminal (a pipe, a file, a test), each line is one input, so a
session can be scripted: ``printf '4\\n\\n5\\nq\\n' | k8sprep review``.

Both modes yield the same tokens: :data:`REVEAL` for space, Enter or an empty
line; ``"0"`` .. ``"5"``; ``"u"``, ``"s"``, ``"q"``; anything else as typed (the
session answers it with a hint). The end of input ends the iterator.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

REVEAL = "reveal"
"""Token for space, Enter or an empty line."""

QUIT = "q"
_CTRL_D = "\x04"
_ESCAPE = "\x1b"


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (so keys, not lines)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def line_tokens(stream: TextIO) -> Iterator[str]:
    """One token per line of ``stream``: an empty line reveals, other lines as typed."""
    for line in stream:
        text = line.strip().lower()
        yield text if text else REVEAL


def key_token(chunk: str) -> list[str]:
    """Tokens for what one read from a cbreak terminal returned.

    An escape sequence (arrow keys, function keys) is one unknown token; otherwise
    every character is a key of its own, so ``4`` typed fast after ``space`` works.
    """
    if chunk.startswith(_ESCAPE):
        return ["<esc>"]
    tokens = []
    for char in chunk:
        if char in (" ", "\r", "\n"):
            tokens.append(REVEAL)
        elif char == _CTRL_D:
            tokens.append(QUIT)
        else:
            tokens.append(char.lower())
    return tokens


@contextmanager
def keys(stream: TextIO | None = None) -> Iterator[Iterator[str]]:
    """Review input from ``stream`` (default stdin): key presses on a TTY, lines otherwise."""
    source = sys.stdin if stream is None else stream
    if not is_terminal(source):
        yield line_tokens(source)
        return
    import termios
    import tty

    fd = source.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield _key_presses(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _key_presses(fd: int) -> Iterator[str]:
    while True:
        data = os.read(fd, 64)
        if not data:
            return
        yield from key_token(data.decode("utf-8", errors="replace"))
