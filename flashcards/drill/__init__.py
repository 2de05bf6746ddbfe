"""Typed answers checked against the model answer and the known wrong answer: the pure drill layer.

Grading a typed answer, picking multiple-choice options. Like :mod:`flashcards.parse`
and :mod:`flashcards.schedule` it does no I/O and reads no clock; randomness comes in
as an argument.

May import: the standard library, rapidfuzz, :mod:`flashcards.model`,
:mod:`flashcards.parse.terms`, :mod:`flashcards.schedule.sm2` and its own modules.
Never: files, the environment, the clock, SQL, the store, the CLI.
"""
