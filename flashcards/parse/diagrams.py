"""ASCII flow diagrams: read their stages, draw them back with aligned spacing.

Site copies collapse a diagram's spacing, Markdown keeps it; both yield the
same stages, and :func:`draw_flow` redraws them the same way, so a card's
diagram does not depend on where the chapter was copied from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_STAGES = 2
MAX_STAGES = 6

_ARROW_CELL = re.compile(r"^[-=>→⟶]+$")


@dataclass(frozen=True)
class Stage:
    """One box of a flow diagram and the caption under it."""

    name: str
    caption: str = ""


@dataclass(frozen=True)
class Flow:
    """A named flow diagram: ordered stages."""

    name: str
    stages: tuple[Stage, ...]
    line: int = 0

    def as_text(self) -> str:
        """``claim (app asks) → class (policy picks) → volume (storage binds)``."""
        return " → ".join(
            f"{stage.name} ({stage.caption})" if stage.caption else stage.name
            for stage in self.stages
        )


def read_stages(rows: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The stage names (from the row of labelled boxes) and captions (the last row).

    Returns empty lists when the rows hold no labelled boxes.
    """
    label_row, names = next(
        ((row, labels) for row in rows if (labels := _box_labels(row))), ("", [])
    )
    if not names:
        return [], []
    captions: list[str] = []
    last = rows[-1]
    if last is not label_row and not any(ch in last for ch in "│┌└─"):
        if "|" in last:
            captions = [" ".join(cell.split()) for cell in last.split("|")]
        else:
            captions = _captions_by_column(rows, last, len(names))
    return names, captions


def _box_labels(row: str) -> list[str]:
    """Labels inside ``│ a │ -> │ b │``; a row of bare bars has none."""
    if "│" not in row:
        return []
    cells = [" ".join(cell.split()) for cell in row.split("│")]
    labels = [cell for cell in cells if cell and not _ARROW_CELL.match(cell)]
    return labels if any(map(str.isalnum, "".join(labels))) else []  # a letter or digit


def _captions_by_column(rows: tuple[str, ...], caption_row: str, count: int) -> list[str]:
    """Cut an aligned caption row at the midpoints between the boxes above it."""
    top = next((row for row in rows if "┌" in row), "")
    starts = [index for index, char in enumerate(top) if char == "┌"]
    ends = [index for index, char in enumerate(top) if char == "┐"]
    if len(starts) != count or len(ends) != count:
        return [part for part in re.split(r"\s{2,}", caption_row.strip()) if part]
    # a caption may be wider than its box: cut in the middle of each gap
    cuts = [0, *((ends[i] + 1 + starts[i + 1]) // 2 for i in range(count - 1)), len(caption_row)]
    return [" ".join(caption_row[cuts[i] : cuts[i + 1]].split()) for i in range(count)]


def draw_flow(flow: Flow) -> str:
    """Draw a flow as an aligned ASCII diagram (boxes, arrows down, captions).

    Boxes are wide enough for their label and caption, so every row lines up.
    """
    inner = max(10, *(max(len(s.name) + 2, len(s.caption)) for s in flow.stages))
    half = (inner - 1) // 2
    count = len(flow.stages)
    width = inner + 2  # every cell but a caption is drawn this wide already

    def same(cell: str) -> str:
        """A row of ``count`` copies of one cell."""
        return "    ".join([cell] * count).rstrip()

    stem = " " * (half + 1) + "{}" + " " * (inner - half)
    lines = [
        same(f"┌{'─' * inner}┐"),
        " -> ".join([f"│{stage.name.center(inner)}│" for stage in flow.stages]).rstrip(),
        same(f"└{'─' * half}┬{'─' * (inner - half - 1)}┘"),
        same(stem.format("│")),
        same(stem.format("v")),
    ]
    if any(stage.caption for stage in flow.stages):
        lines.append("    ".join([stage.caption.center(width) for stage in flow.stages]).rstrip())
    return "\n".join(lines)
