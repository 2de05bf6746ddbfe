"""When a card comes back: the pure scheduling layer.

SM-2, study days, the answer step, daily queues, statistics and the review session's
state machine; the exam planner (``exam``), FSRS memory states replayed from the log
(``memory``), readiness and the SM-2/FSRS prediction scores (``evaluate``). Time always
comes in as an argument; the store reaches the session and the queue through small
protocols, never by import.

May import: the standard library, :mod:`flashcards.model`, :mod:`flashcards.errors`,
its own modules, and the pure-computation ``fsrs`` package (through ``memory``). Never:
files, the environment, the clock, SQL, the store, the CLI.
"""
