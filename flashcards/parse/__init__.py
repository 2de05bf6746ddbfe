"""Chapters in, decks out: the pure parsing layer.

Chapter text (site copy or Markdown) becomes a :class:`~flashcards.parse.chapter.Chapter`,
a chapter becomes a :class:`~flashcards.model.Deck` of cards, and a deck becomes YAML
text and back. Everything here takes text and returns values.

May import: the standard library, PyYAML, :mod:`flashcards.model`, :mod:`flashcards.errors`
and its own modules. Never: files, the environment, the clock, the store, the CLI.
"""
