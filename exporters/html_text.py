"""Card text -> the HTML that Anki fields hold: escaped, with line breaks kept.

Anki fields are HTML, so a card that mentions ``<pod>`` or ``a && b`` must be
escaped or Anki would eat it as markup (and ``<script>`` would run). Newlines
become ``<br>``; inside the templates' ``<pre>`` that keeps a diagram's layout
while Anki's editor, which drops bare newlines, leaves it alone.
"""

from __future__ import annotations

import html
import re

_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_BULLET = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+")


def text_to_html(text: str) -> str:
    """Escape ``text`` for an HTML field, newlines as ``<br>``."""
    escaped = html.escape(text.strip("\n"), quote=True)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def flow_stages(text: str) -> list[str]:
    """The stages of a flow answer, in order.

    One stage per line (list bullets or ``1.`` numbers dropped) when the answer
    has several lines, else the parts of an ``a -> b -> c`` chain; a plain
    sentence is a single stage.
    """
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1:
        return lines
    if not lines:
        return []
    parts = [part.strip() for part in _ARROW.split(lines[0])]
    parts = [part for part in parts if part]
    return parts if len(parts) > 1 else [lines[0]]


def stages_to_html(text: str) -> str:
    """A flow answer as an ordered list of its stages (plain text when only one)."""
    stages = flow_stages(text)
    if len(stages) <= 1:
        return text_to_html(text)
    items = "".join(f"<li>{text_to_html(stage)}</li>" for stage in stages)
    return f"<ol>{items}</ol>"


def tag_safe(text: str) -> str:
    """``text`` as one Anki tag: no spaces (Anki splits tags on whitespace)."""
    return re.sub(r"\s+", "_", text.strip())
