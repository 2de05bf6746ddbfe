"""The file and environment edge: data directory, ``K8SPREP_*`` variables, the clock,
the config file, deck files on disk, and writing files atomically.

May import: the pure layers (:mod:`flashcards.parse`, :mod:`flashcards.schedule`),
:mod:`flashcards.model`, :mod:`flashcards.errors`. Never: the store or the CLI.
"""
