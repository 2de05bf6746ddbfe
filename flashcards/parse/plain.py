"""A plain browser copy of a chapter page -> the site-text form the block reader knows.

Copying the rendered page (select all, copy) loses the ``¶`` that marks headings,
puts blank lines between blocks, drops list markers and brings the site around
the chapter: "Skip to content" and the navigation before the title, "Previous" /
"Next" and the footer after the bridge. Here headings are recognised by
structure (a short line without final punctuation standing alone before a
paragraph, or a known section name), list lines of the list sections get their
``-`` back, and the site's own text is blanked out and reported, so
:func:`~flashcards.parse.blocks.site_blocks` reads the result with every line
number unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flashcards.parse.blocks import is_diagram_row

MAX_HEADING_WORDS = 12

KNOWN_SECTIONS = ("where this lives in the wild", "pause and recall", "interview q&a")
"""Section names that are headings wherever they stand."""
LIST_SECTIONS = ("in the wild", "recall")
"""Sections whose lines are list items even without a list marker."""
EXERCISE_SECTIONS = ("apply now", "try it", "exercise")

_TITLE = re.compile(r"^\d{1,3}\s*[.)]\s*\S")
_META = re.compile(r"\b(?:time\s*:?\s*\d+\s*min|level\s*:)", re.IGNORECASE)
_BRIDGE = re.compile(r"^Bridge\s*[.:]", re.IGNORECASE)
_FOOTER = frozenset({"back to top", "previous", "next", "made with material for mkdocs"})
_BULLET = re.compile(r"^\s*[-*+•]\s+")
_FINAL_PUNCTUATION = (".", "!", "?", ":", ";", ",", "…")


@dataclass(frozen=True)
class Skipped:
    """Lines of site text around the chapter that were left out (1-based, inclusive)."""

    first: int
    last: int
    what: str


def is_plain_copy(lines: list[str]) -> bool:
    """No heading ends in ``¶``: the page was copied as plain text, not as the site's text."""
    return not any(line.rstrip().endswith("¶") for line in lines)


def plain_to_site(lines: list[str]) -> tuple[list[str], list[Skipped]]:
    """The same lines in site-text form (same count, same numbers), and what was skipped."""
    out = [" ".join(line.split()) for line in lines]
    filled = [index for index, text in enumerate(out) if text]
    title = _title_index(out, filled)
    skipped: list[Skipped] = []
    before = [index for index in filled if index < title]
    if before:
        skipped.append(Skipped(before[0] + 1, before[-1] + 1, "site text before the title"))
    end = _end_index(out, filled, title)
    after = [index for index in filled if index >= end]
    if after:
        skipped.append(Skipped(after[0] + 1, after[-1] + 1, "site text after the chapter"))
    for index in (*before, *after):
        out[index] = ""
    section = ""
    for index in range(title + 1, end):
        text = out[index]
        if not text:
            continue
        if _is_heading(out, index, end):
            section = text.casefold()
            out[index] = text + "¶"
        elif any(name in section for name in LIST_SECTIONS) and not _BULLET.match(text):
            out[index] = "- " + text
        else:
            out[index] = lines[index].rstrip()  # diagram rows keep their spacing
    return out, skipped


def _title_index(out: list[str], filled: list[int]) -> int:
    """The title line: the last numbered line before the time/level line, else the first one."""
    meta = next((index for index in filled if _META.search(out[index])), None)
    candidates = [i for i in filled if _TITLE.match(out[i]) and (meta is None or i < meta)]
    if candidates:
        return candidates[-1] if meta is not None else candidates[0]
    return filled[0] if filled else 0


def _end_index(out: list[str], filled: list[int], title: int) -> int:
    """Where the site's footer starts: after the bridge line, or at a footer line."""
    for index in filled:
        if index <= title:
            continue
        if _BRIDGE.match(out[index]):
            return index + 1
        if out[index].casefold() in _FOOTER:
            return index
    return len(out)


def _is_heading(out: list[str], index: int, end: int) -> bool:
    text = out[index]
    name = text.casefold()
    if name.startswith(KNOWN_SECTIONS):
        return True
    if (
        len(text.split()) > MAX_HEADING_WORDS
        or text.endswith(_FINAL_PUNCTUATION)
        or ":" in text
        or _BULLET.match(text)
        or is_diagram_row(text)
    ):
        return False
    if index and out[index - 1]:
        return False  # not standing alone: a list line or a diagram's name
    following = index + 1
    if following < end and out[following]:
        return False
    while following < end and not out[following]:
        following += 1
    if following >= end:
        return False
    after = out[following]
    if name.startswith(EXERCISE_SECTIONS):
        return True
    return not is_diagram_row(after) and (
        after.endswith(_FINAL_PUNCTUATION) or len(after.split()) > MAX_HEADING_WORDS
    )
