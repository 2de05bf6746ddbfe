"""Export decks to other tools' formats (Anki, CSV, Markdown).

Every format is one module with ``export(decks, out, options) -> ExportResult``
(see :class:`exporters.base.Exporter`); :data:`EXPORTERS` names them. Adding a
format means writing that module and adding one line here.
"""

from __future__ import annotations

from exporters import anki, csv_export, markdown
from exporters.base import DEFAULT_ROOT, Exporter, ExportOptions, ExportResult

EXPORTERS: dict[str, Exporter] = {
    "anki": anki.export,
    "csv": csv_export.export,
    "markdown": markdown.export,
}
"""Format name -> its export function."""

DEFAULT_SUFFIX: dict[str, str] = {"anki": ".apkg", "csv": ".csv", "markdown": ".md"}
"""File suffix each format writes when no ``--out`` is given."""

__all__ = [
    "DEFAULT_ROOT",
    "DEFAULT_SUFFIX",
    "EXPORTERS",
    "ExportOptions",
    "ExportResult",
    "Exporter",
]
