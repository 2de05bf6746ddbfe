"""When a card comes back: the pure scheduling layer.

SM-2, study days, the answer step, daily queues, statistics and the review session's
state machine. Time always comes in as an argument; the store reaches the session
and the queue through small protocols, never by import.

May import: the standard library, :mod:`flashcards.model`, :mod:`flashcards.errors`
and its own modules. Never: files, the environment, the clock, SQL, the store, the CLI.
"""
