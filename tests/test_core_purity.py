"""The pure core imports no database, CLI or exporter code: it stays fast and testable."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "flashcards.model",
    "flashcards.parse.chapter",
    "flashcards.parse.cards",
    "flashcards.parse.deckfile",
    "flashcards.schedule.sm2",
    "flashcards.schedule.studyday",
    "flashcards.schedule.stats",
    "flashcards.drill.grading",
    "flashcards.drill.choice",
    "flashcards.drill.stats",
]
FORBIDDEN = [
    "sqlmodel",
    "sqlalchemy",
    "typer",
    "genanki",
    "exporters",
    "sqlite3",
    "flashcards.store",
]


def test_core_modules_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}: __import__(name)\n"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
