"""Export decks to other tools' formats (Anki, CSV, Markdown)."""
