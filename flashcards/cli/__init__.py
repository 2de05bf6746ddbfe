"""The ``k8sprep`` command line: one module per command group, all on one app.

Importing a command module registers its commands on :data:`app`.
"""

from flashcards.cli import (  # noqa: F401  (importing registers the commands)
    build_commands,
    exam_commands,
    export_commands,
    fsrs_commands,
    review_commands,
    safety_commands,
)
from flashcards.cli.app import app

__all__ = ["app"]
