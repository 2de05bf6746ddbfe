"""Reading review input: single key presses in a terminal, one line per input otherwise.

In a real terminal the review takes single keys: the terminal is put in cbreak mode
(no line buffering, no echo) and always restored on the way out, on Ctrl-C or an
exception too, and around Ctrl-Z / ``fg`` and an editor run from the review. Ctrl-C
still raises ``KeyboardInterrupt`` so the session can end with its summary.

When stdin is not a terminal (a pipe, a file, a test), each line is one input, so a
session can be scripted: ``printf '4\\n\\n5\\nq\\n' | k8sprep review``.

Both modes yield the same tokens: :data:`REVEAL` for space, Enter or an empty
line; ``"0"`` .. ``"5"``; ``"u"``, ``"s"``, ``"q"``; anything else as typed (the
session answers it with a hint). The end of input ends the iterator.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from types import FrameType
from typing import Protocol, TextIO

REVEAL = "reveal"
"""Token for space, Enter or an empty line."""
REDRAW = "redraw"
"""Token for "draw the screen again": back from Ctrl-Z and ``fg``, or the window resized."""

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


class Handover(Protocol):
    """What the screen does when the terminal is given away (Ctrl-Z, an editor) and taken back."""

    def leave(self) -> None: ...
    def enter(self) -> None: ...


class _NoScreen:
    def leave(self) -> None:
        pass

    def enter(self) -> None:
        pass


class Keys:
    """Review input: iterate for tokens; :meth:`paused` lends the terminal to another program."""

    def __init__(
        self, tokens: Iterator[str], pause: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self._tokens = tokens
        self.paused = pause

    def __iter__(self) -> Iterator[str]:
        return self._tokens


@contextmanager
def keys(stream: TextIO | None = None, screen: Handover | None = None) -> Iterator[Keys]:
    """Review input from ``stream`` (default stdin): key presses on a TTY, lines otherwise.

    On a TTY, Ctrl-Z gives the terminal back as it was found (``screen.leave()``
    first) before the process stops, and ``fg`` (any SIGCONT) puts it back in
    single-key mode (then ``screen.enter()``) and yields :data:`REDRAW`, as does a
    resize: the shell that ran ``fg`` restored line mode, and without this every key
    would echo and wait for Enter.
    """
    source = sys.stdin if stream is None else stream
    if not is_terminal(source):
        yield Keys(line_tokens(source), nullcontext)
        return
    import termios
    import tty

    handover = screen or _NoScreen()
    fd = source.fileno()
    saved = termios.tcgetattr(fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)

    def release() -> None:
        handover.leave()
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def take() -> None:
        tty.setcbreak(fd, termios.TCSANOW)
        handover.enter()

    def wake() -> None:
        with suppress(OSError):  # the pipe is full: a redraw is on its way anyway
            os.write(wake_write, b"r")

    lent = False  # the terminal is another program's (an editor): leave it be

    def stop(_signum: int, _frame: object) -> None:
        if not lent:
            release()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until `fg`
        signal.signal(signal.SIGTSTP, stop)
        resume(signal.SIGCONT, None)  # without job control the kernel does not stop us

    def resume(_signum: int, _frame: object) -> None:
        if not lent:
            take()
            wake()

    @contextmanager
    def paused() -> Iterator[None]:
        nonlocal lent
        release()
        lent = True
        try:
            yield
        finally:
            lent = False
            take()

    handlers: dict[signal.Signals, Callable[[int, object], None]] = {
        signal.SIGTSTP: stop,
        signal.SIGCONT: resume,
        signal.SIGWINCH: lambda _signum, _frame: wake(),
    }
    previous: dict[
        signal.Signals, signal.Handlers | Callable[[int, FrameType | None], object] | int | None
    ] = {}
    try:
        with suppress(ValueError):  # signals can only be handled in the main thread
            for number, handler in handlers.items():
                previous[number] = signal.signal(number, handler)
        take()
        yield Keys(_key_presses(fd, wake_read), paused)
    finally:
        for number, earlier in previous.items():
            if earlier is not None:  # None: set outside Python, cannot be put back
                signal.signal(number, earlier)
        release()
        os.close(wake_read)
        os.close(wake_write)


def _key_presses(fd: int, wake: int) -> Iterator[str]:
    while True:
        ready, _, _ = select.select([fd, wake], [], [])
        if wake in ready:
            os.read(wake, 64)
            yield REDRAW
            continue
        data = os.read(fd, 64)
        if not data:
            return
        yield from key_token(data.decode("utf-8", errors="replace"))
