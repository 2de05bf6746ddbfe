"""How the ``k8sprep`` process ends: as soon as the command is done.

A command has committed and closed everything it wrote by the time it returns (every
store is used in a ``with`` block, every file goes through the atomic writer). Tearing
down the interpreter after that (freeing every module and object, one by one) is
pure cost: a fifth of a ``k8sprep due`` on a big database. So the process runs the
exit handlers (temporary folders, logging), flushes its output and leaves at once,
with the command's exit code. Only the real process does this: code that calls
:data:`~flashcards.cli.app.app` itself (tests, scripts) gets ``SystemExit`` as usual.
"""

from __future__ import annotations

import atexit
import os
import sys

from flashcards.cli.app import app


def main() -> None:
    """Run the command line, then end the process with the command's exit code."""
    try:
        app(prog_name="k8sprep")
        code = 0
    except SystemExit as stop:
        code = exit_code(stop.code)
    end_process(code)


def exit_code(value: object) -> int:
    """The status ``SystemExit(value)`` gives: None is 0; a message is printed, and 1."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1


def end_process(code: int) -> None:
    """Run the exit handlers, flush standard output and error, and exit with ``code``."""
    atexit._run_exitfuncs()
    if sys.stdout is None:  # closed by the shell (`>&-`): what was printed went nowhere
        if sys.stderr is not None and not sys.stderr.closed:
            sys.stderr.write("k8sprep: standard output is closed: nothing was printed\n")
        code = code or 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed:  # stderr: closed by a closed pipe's ending
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # output that could not be written: not a success
            code = code or 1
    os._exit(code)
