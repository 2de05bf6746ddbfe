"""Fitting review text to a terminal width: whole words per line, drawings left alone.

Card text is prose written without a width in mind, so a long front or back runs off
an 80-column terminal and the terminal breaks it mid-word. These functions break it
between words instead, and leave alone what must keep its shape: ASCII diagrams and
tables (any line that looks drawn, see :func:`is_preformatted`), blank lines, and
list lines, which stay lines of their own and hang their continuation under the text.

Pure: text and a width in, lines out. The caller reads the terminal size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

SEPARATOR = " · "
"""Between the items of :func:`fit_items`, as in the review legend."""

_LIST_ITEM = re.compile(r"(?<!\s)\s*+(?:\d++[.)]|[-*•])\s++(?=\S)")
_LEADING_SPACE = re.compile(r"\s*")
# Box drawing (U+2500-U+257F) and block elements (U+2580-U+259F): only drawings use them.
_DRAWING = re.compile("[\u2500-\u259f]")
# Columns lined up with runs of spaces (tables, arrows under boxes), or an indented block.
_ALIGNED = re.compile(r"\S(?: {3,}|\t)\S|^(?: {4}|\t)\s*\S")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two, combining none."""
    if text.isascii():  # the common case, and one C call: a listing measures 100,000 cells
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def is_preformatted(line: str) -> bool:
    """Whether ``line`` is drawn rather than written, so it must be shown as it is.

    A diagram re-flowed to fit would stop being a diagram: one wider than the
    terminal is better shown as is, cut or scrolled by the terminal, than rearranged.
    """
    return bool(_DRAWING.search(line) or _ALIGNED.search(line))


def wrap_text(text: str, width: int, *, prefix: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken between words.

    Each line of ``text`` is wrapped on its own, so line breaks the author made
    stay. A line that fits is kept exactly as written; a longer one is re-flowed
    (runs of spaces become one). A word wider than ``width`` gets a line of its
    own, unbroken. Preformatted lines (:func:`is_preformatted`) are kept verbatim:
    never wrapped, never indented.

    Args:
        text: the text; ``\\n`` separates its lines.
        width: the number of columns available.
        prefix: starts the first line (``"A: "``); the lines after it are indented
            by as many spaces, so the text reads as one block beside the prefix.

    Returns:
        The lines, without newlines or trailing spaces.
    """
    indent = " " * display_width(prefix)
    lead = prefix
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line:
            lines.append(lead.rstrip())
        elif is_preformatted(line):
            if lead.strip():
                lines.append(lead.rstrip())
            lines.append(line)
        else:
            lines += _wrap_line(lead, line, width)
        lead = indent
    return lines


def fit_items(
    label: str, items: Sequence[str], width: int, separator: str = SEPARATOR
) -> list[str]:
    """``label`` and ``items`` joined by ``separator``, on as many lines as ``width`` needs.

    Items are never split (``1 wrong, familiar`` stays together); lines after the
    first are indented under the first item, and no line ends in a separator.
    """
    hang = " " * display_width(label)
    lines: list[str] = []
    current, empty = label, True
    for item in items:
        if empty:
            current, empty = current + item, False
        elif display_width(current + separator + item) <= width:
            current += separator + item
        else:
            lines.append(current)
            current = hang + item
    lines.append(current)
    return lines


def _wrap_line(lead: str, line: str, width: int) -> list[str]:
    """One written line after ``lead``, greedily filled word by word."""
    if display_width(lead + line) <= width:
        return [lead + line]
    match = _LIST_ITEM.match(line) or _LEADING_SPACE.match(line)
    head = match.group(0) if match else ""
    hang = " " * display_width(lead + head)
    lines: list[str] = []
    current, empty = lead + head, True
    for word in line[len(head) :].split():
        if empty:
            current, empty = current + word, False
        elif display_width(current) + 1 + display_width(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = hang + word
    lines.append(current)
    return lines
