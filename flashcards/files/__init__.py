"""The file and environment edge: data directory, ``K8SPREP_*`` variables, the clock,
the config file, deck files on disk, writing files atomically, local time as Anki's epoch
milliseconds, and reading the review log out of a package Anki exported.

May import: the pure layers (:mod:`flashcards.parse`, :mod:`flashcards.schedule`),
:mod:`flashcards.model`, :mod:`flashcards.errors`. Never: the store or the CLI.
"""
