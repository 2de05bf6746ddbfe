"""Card text -> the HTML that Anki fields hold: escaped, with line breaks kept.

Anki fields are HTML, so a card that mentions ``<pod>`` or ``a && b`` must be
escaped or Anki would eat it as markup (and ``<script>`` would run). Anki also reads
``[sound:x.mp3]`` and ``[anki:tts]`` in a field as a player and ``[[type:Back]]`` as a
typing box; their ``[`` is written ``&#91;``, so the card shows the text. Newlines
become ``<br>``; inside the templates' ``<pre>`` that keeps a diagram's layout
while Anki's editor, which drops bare newlines, leaves it alone.
"""

from __future__ import annotations

import html
import re

_ARROW = re.compile(r"(?<!\s)\s*+(?:->|→|=>)\s*+")
_BULLET = re.compile(r"^\s*+(?:\d++[.)]|[-*•])\s++")
_NUMBERED = re.compile(r"^\s*+(\d++)[.)]\s++(\S.*)$")
_ANKI_TAG = re.compile(r"\[(?=sound:|anki:|\[type:)", re.IGNORECASE)


def text_to_html(text: str) -> str:
    """Escape ``text`` for an HTML field, newlines as ``<br>``."""
    escaped = html.escape(text.strip("\n"), quote=True)
    if "[" in escaped:
        escaped = _ANKI_TAG.sub("&#91;", escaped)
    if "\n" not in escaped:
        return escaped
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def answer_to_html(text: str) -> str:
    """Like :func:`text_to_html`, but a run of lines numbered 1., 2., 3. … becomes a list.

    A practice card's self-check is such a run; as ``<br>``-separated lines
    its wrapped items start under their numbers on a phone, where a list keeps
    each item's text indented past its number. Only a run counting up from 1
    with at least two items is taken, so "1.5 GB" or a lone "3. " stays text.
    """
    lines = text.strip("\n").replace("\r\n", "\n").split("\n")
    parts: list[str] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        items = _numbered_run(lines, index)
        if len(items) < 2:
            prose.append(lines[index])
            index += 1
            continue
        if prose:
            parts.append(text_to_html("\n".join(prose)))
            prose = []
        listed = "".join(f"<li>{text_to_html(item)}</li>" for item in items)
        parts.append(f"<ol class=steps>{listed}</ol>")
        index += len(items)
    if prose:
        parts.append(text_to_html("\n".join(prose)))
    return "".join(parts)


def _numbered_run(lines: list[str], start: int) -> list[str]:
    """The items of the list numbered 1, 2, 3 … that begins at ``lines[start]``, if any."""
    items: list[str] = []
    for line in lines[start:]:
        found = _NUMBERED.match(line)
        if found is None or int(found.group(1)) != len(items) + 1:
            break
        items.append(found.group(2).strip())
    return items


def split_flow(text: str) -> tuple[list[str], str]:
    """A flow answer as ``(stages in order, the note around them)``.

    The stages are the parts of the first ``a → b → c`` line (``->`` works
    too), else the answer's bulleted or numbered lines; the other lines are the
    note (the chapter's one-line takeaway). No stages found means ``([], text)``.
    """
    lines = text.strip("\n").splitlines()
    for index, line in enumerate(lines):
        parts = [part.strip() for part in _ARROW.split(line)]
        if len([part for part in parts if part]) > 1:
            rest = lines[:index] + lines[index + 1 :]
            return [part for part in parts if part], "\n".join(rest).strip()
    listed = [index for index, line in enumerate(lines) if _BULLET.match(line)]
    if len(listed) > 1:
        stages = [_BULLET.sub("", lines[index]).strip() for index in listed]
        rest = [line for index, line in enumerate(lines) if index not in listed]
        return stages, "\n".join(rest).strip()
    return [], text


def stages_to_html(text: str) -> str:
    """A flow answer as an ordered list of its stages, then its note."""
    stages, note = split_flow(text)
    if not stages:
        return text_to_html(text)
    items = "".join(f"<li>{text_to_html(stage)}</li>" for stage in stages)
    note_html = f"<div class=flow-note>{text_to_html(note)}</div>" if note else ""
    return f"<ol>{items}</ol>{note_html}"


def tag_safe(text: str) -> str:
    """``text`` as one Anki tag: no spaces (Anki splits tags on whitespace)."""
    return "_".join(text.split())
