"""What the commands print: text with no control characters, JSON with them escaped.

Card text, deck names and file names come from files a user may not have written;
an ESC or OSC sequence among them would drive the terminal (clear it, retitle it,
hide text). Text lines lose every control character but newline and tab
(:func:`flashcards.parse.controls.strip_controls`); JSON keeps its data exactly, with the
control characters ``json`` leaves raw (DEL and C1) written as ``\\u`` escapes.
"""

from __future__ import annotations

import re
import sys

import typer

from flashcards.parse.controls import strip_controls

_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def echo(text: str = "", *, err: bool = False) -> None:
    """Print ``text`` and a newline, without control characters."""
    typer.echo(strip_controls(text), err=err)


def echo_json(data: object) -> None:
    """Print ``data`` as indented JSON; no control character is printed raw."""
    import json

    echo_json_text(json.dumps(data, indent=2, ensure_ascii=False))


def echo_json_text(text: str) -> None:
    """Print JSON text made with ``ensure_ascii=False``; no control character is printed raw.

    JSON escapes the C0 controls itself; DEL and the C1 controls are escaped here. An
    ASCII text (known at once) with no DEL has none of them: no pass over a big file,
    and it goes out as bytes where the output takes them (typer would first search a
    text for ANSI codes, which JSON cannot hold raw).
    """
    if not text.isascii() or "\x7f" in text:
        text = _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    elif (binary := getattr(sys.stdout, "buffer", None)) is not None:
        sys.stdout.flush()
        binary.write(text.encode("ascii"))
        binary.write(b"\n")
        binary.flush()
        return
    typer.echo(text)  # a text-only output (io.StringIO as sys.stdout)


def counted(number: int, noun: str) -> str:
    """``1 card``, ``2 cards``: a count with its noun in the right number (nouns in -s)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
