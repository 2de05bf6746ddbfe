"""Printing ``k8sprep stats``: the same lines everywhere, shaded in a colour terminal.

The heatmap and the forecast read by their block characters alone, so a pipe, a file,
``NO_COLOR`` or ``TERM=dumb`` get exactly the lines :func:`stats_lines` made. In a
terminal that takes colour, `rich` (loaded only then) shades the blocks green, darker
for busier days, as GitHub does. Every line loses its control characters first and
goes to rich as plain :class:`~rich.text.Text`, never as markup, so card text quoted
in the report (a trap's front) cannot style or drive the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from flashcards.cli.output import echo
from flashcards.cli.terminal import is_terminal
from flashcards.parse.controls import strip_controls
from flashcards.schedule.stats import EIGHTHS, HEAT

SHADES = {
    HEAT[1]: "green4",
    HEAT[2]: "green3",
    HEAT[3]: "green1",
    HEAT[4]: "bold bright_green",
    **{char: "green3" for char in EIGHTHS[1:-1]},
}
"""The style of each block; the full block ``█`` is the busiest shade in both charts."""


def colour_wanted() -> bool:
    """Whether stdout is a terminal that should get colour (no ``NO_COLOR``, not dumb)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(sys.stdout)


def show(lines: Sequence[str]) -> None:
    """Print ``lines``: shaded through rich in a colour terminal, plain otherwise."""
    if not colour_wanted():
        for line in lines:
            echo(line)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for line in lines:
        text = Text(strip_controls(line))
        for index, char in enumerate(text.plain):
            style = SHADES.get(char)
            if style:
                text.stylize(style, index, index + 1)
        console.print(text)
