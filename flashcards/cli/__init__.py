"""The ``k8sprep`` command line: one module per command group, all on one app.

Importing a command module registers its commands on :data:`app`. This is the only
layer that talks to a person: it prints, reads keys, reads the clock and environment
(through :mod:`flashcards.files.settings`), and turns every
:class:`~flashcards.errors.K8sprepError` into one ``k8sprep: ...`` line (the funnel in
:mod:`flashcards.cli.app`).

May import: every other layer and the exporters, heavy ones inside the command that
needs them (``k8sprep review`` must show its first card at once). Nothing imports it.
"""

from flashcards.cli import (  # noqa: F401  (importing registers the commands)
    anki_commands,
    build_commands,
    cards_commands,
    drill_commands,
    exam_commands,
    export_commands,
    fsrs_commands,
    paths_commands,
    review_commands,
    safety_commands,
)
from flashcards.cli.app import app

__all__ = ["app"]
