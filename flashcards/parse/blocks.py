"""Chapter text -> blocks: the one place that knows the two input formats.

A chapter comes either as text copied from the published site (headings end
in ``¶``, one paragraph per line, diagram spacing collapsed) or as its
Markdown source (``#``/``##`` headings, paragraphs separated by blank lines,
diagrams in fenced code blocks, mkdocs admonitions). Both are reduced here to
the same flat list of :class:`Block` values, each with its 1-based line, so
the rest of the parser never looks at the format again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

BOX_CHARS = frozenset("─│┌┐└┘┬┴├┤┼═║╔╗╚╝╠╣╦╩╬")
"""Box-drawing characters: they only belong inside a diagram."""

HAS_BOX_CHAR = re.compile("[" + "".join(sorted(BOX_CHARS)) + "]")

# Linear time on any text, as every pattern of the parser (see chapter.py): runs are
# taken whole (``*+``), and a scan to a closing mark stops where a new opening one starts.
_ARROW_ROW = re.compile(r"^[\sv│|^↓▼]++$")
_BULLET = re.compile(r"^\s*+[-*+•]\s++(.*)$")
_FENCE = re.compile(r"^\s*+(```|~~~)")
_ADMONITION = re.compile(r'^!!!\s*+\w++\s*+(?:"([^"]*+)"\s*+)?$')
_MD_HEADING = re.compile(r"^(#{1,6})\s++(.*)$")
"""The heading's text is what follows, less closing ``#`` marks (see :func:`_heading_text`)."""
_LINK = re.compile(r"!?\[([^\[\]]*+)\]\([^)\[]*+\)")
_CODE = re.compile(r"`([^`]*+)`")
_STRONG = re.compile(r"(\*\*|__)((?:(?!\1).)+?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)((?:(?!\1).)+?)(?<!\s)\1(?![\w*])")
"""Emphasis text holds no mark of its own kind, so a scan stops at the next mark."""


class BlockKind(StrEnum):
    """What a block of chapter text is."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    DIAGRAM = "diagram"


class Block(NamedTuple):
    """One unit of chapter text: a heading, a paragraph, a bullet or a diagram.

    ``lines`` holds a diagram's raw rows (name row excluded); other kinds keep
    their text in ``text`` with inline markup already removed. A named tuple, not a
    frozen dataclass: the parser makes one per line, in 60% of a dataclass's time.
    """

    kind: BlockKind
    text: str
    line: int
    lines: tuple[str, ...] = ()


def is_markdown(lines: list[str]) -> bool:
    """Markdown source starts with a ``#`` title or uses ``##`` headings; site text never does."""
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("# "):
        return True
    return any(line.startswith("## ") for line in lines)


def has_box_char(text: str) -> bool:
    """Whether ``text`` holds a box-drawing character (:data:`BOX_CHARS`).

    No box character is ASCII, and a string knows whether it is ASCII without a
    scan: most lines of prose are never searched.
    """
    return not text.isascii() and HAS_BOX_CHAR.search(text) is not None


def is_diagram_row(line: str) -> bool:
    """A row of a drawn diagram: box characters, or a row of only arrows and bars."""
    stripped = line.strip()
    if not stripped:
        return False
    if has_box_char(stripped):
        return True
    return bool(_ARROW_ROW.match(stripped)) and ("v" in stripped or "↓" in stripped)


def strip_markup(text: str) -> str:
    """Remove Markdown inline markup (emphasis, code, links) from prose."""
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def _heading_text(text: str) -> str:
    """``Title ##`` -> ``Title``: a heading's closing ``#`` marks are not its text."""
    return text.rstrip().rstrip("#").rstrip()


def site_blocks(lines: list[str], numbers: Sequence[int] = ()) -> list[Block]:
    """Blocks of text copied from the published site: one paragraph per line.

    ``numbers`` gives each line's number in the original file when ``lines`` were
    extracted from another form (a saved HTML page); by default line ``i`` is ``i + 1``.
    """
    blocks: list[Block] = []
    index = 0
    seen_title = False
    while index < len(lines):
        raw = lines[index]
        number = numbers[index] if numbers else index + 1
        text = " ".join(raw.split())
        if not text:
            index += 1
            continue
        if is_diagram_row(raw):
            index = _site_diagram(lines, index, blocks, number)
            continue
        if not seen_title:
            blocks.append(Block(BlockKind.TITLE, text.rstrip("¶").strip(), number))
            seen_title = True
        elif text.endswith("¶"):
            blocks.append(Block(BlockKind.HEADING, text.rstrip("¶").strip(), number))
        elif match := _BULLET.match(raw):
            blocks.append(Block(BlockKind.BULLET, " ".join(match.group(1).split()), number))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, text, number))
        index += 1
    return blocks


def _site_diagram(lines: list[str], start: int, blocks: list[Block], number: int) -> int:
    """Collect a diagram's rows plus the caption row that follows its arrows."""
    end = start
    while end < len(lines) and is_diagram_row(lines[end]):
        end += 1
    rows = [line.rstrip() for line in lines[start:end]]
    if end < len(lines) and _ARROW_ROW.match(rows[-1].strip()) and lines[end].strip():
        rows.append(lines[end].rstrip())  # the caption row under the arrows
        end += 1
    blocks.append(Block(BlockKind.DIAGRAM, "", number, tuple(rows)))
    return end


def markdown_blocks(lines: list[str]) -> list[Block]:
    """Blocks of Markdown source: blank-line paragraphs, fenced diagrams, admonitions."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_line = 0
    index = 0

    def flush() -> None:
        if paragraph:
            text = strip_markup(" ".join(paragraph))
            if text:
                blocks.append(Block(BlockKind.PARAGRAPH, text, paragraph_line))
            paragraph.clear()

    while index < len(lines):
        raw = lines[index]
        number = index + 1
        stripped = raw.strip()
        if not stripped:
            flush()
            index += 1
        elif _FENCE.match(raw):
            flush()
            index = _markdown_fence(lines, index, blocks)
        elif heading := _MD_HEADING.match(stripped):
            flush()
            level = len(heading.group(1))
            kind = BlockKind.TITLE if level == 1 else BlockKind.HEADING
            text = strip_markup(_heading_text(heading.group(2)))
            blocks.append(Block(kind, text.rstrip("¶").strip(), number))
            index += 1
        elif admonition := _ADMONITION.match(stripped):
            flush()
            index = _markdown_admonition(lines, index, admonition.group(1) or "", blocks)
        elif bullet := _BULLET.match(raw):
            flush()
            parts = [bullet.group(1)]
            index += 1
            while index < len(lines) and lines[index].startswith(("  ", "\t")):
                if _BULLET.match(lines[index]) or not lines[index].strip():
                    break
                parts.append(lines[index].strip())
                index += 1
            blocks.append(Block(BlockKind.BULLET, strip_markup(" ".join(parts)), number))
        elif is_diagram_row(raw) and not paragraph:
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            rows = tuple(line.rstrip() for line in lines[index:end])
            blocks.append(Block(BlockKind.DIAGRAM, "", number, rows))
            index = end
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(stripped.lstrip(">").strip())  # a blockquote is prose too
            index += 1
    flush()
    return blocks


def _markdown_fence(lines: list[str], start: int, blocks: list[Block]) -> int:
    """A fenced code block is a diagram; its leading plain rows name it."""
    fence = lines[start].strip()[:3]
    end = start + 1
    while end < len(lines) and not lines[end].strip().startswith(fence):
        end += 1
    rows = [line.rstrip() for line in lines[start + 1 : end]]
    while rows and not rows[0].strip():
        rows.pop(0)
    name = ""
    if rows and not is_diagram_row(rows[0]) and len(rows) > 1 and is_diagram_row(rows[1]):
        name = " ".join(rows.pop(0).split())
    if rows:
        blocks.append(Block(BlockKind.DIAGRAM, name, start + 1, tuple(rows)))
    return end + 1


def _markdown_admonition(lines: list[str], start: int, title: str, blocks: list[Block]) -> int:
    """``!!! tip "ELI5 callback"`` + indented body becomes ``ELI5 callback: body``."""
    end = start + 1
    body: list[str] = []
    while end < len(lines) and (lines[end].startswith(("    ", "\t")) or not lines[end].strip()):
        if lines[end].strip():
            body.append(lines[end].strip())
        end += 1
    text = strip_markup(" ".join(body))
    if title:
        text = f"{title.rstrip(':')}: {text}"
    blocks.append(Block(BlockKind.PARAGRAPH, text, start + 1))
    return end
