"""Control characters out of card text: a chapter or deck must not drive the terminal.

An ESC in a chapter (``\\x1b[2J``, an OSC ``\\x1b]0;title\\x07`` or a link) would reach
the YAML deck, the database and every terminal that prints the card: cleared
screens, changed titles, hidden text. Every C0 and C1 control character but
newline and tab is removed on the way in (chapters, decks) and again on the way
out (what the commands print), and a whole escape sequence goes with its ESC, so
``\\x1b[31mred\\x1b[0m`` reads ``red``, not ``[31mred[0m``.

Pure, and linear in the text (the pattern scans each run once; see tests/test_fuzz.py).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]{0,2000}+(?:\x07|\x1b\\|\x9c)"  # OSC: title, link
    r"|(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b[ -/]*+[0-~]"  # the other two- and three-character escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # any control character left, but \t and \n
)


_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every sequence above starts with one of these: text without any is returned at once."""


def strip_controls(text: str) -> str:
    """``text`` without control characters (newline and tab kept) or escape sequences."""
    return _CONTROL.sub("", text) if _ANY.search(text) else text
