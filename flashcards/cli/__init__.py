"""The ``k8sprep`` command line: one module per command group, all on one app.

Importing a command module registers its commands on :data:`app`.
"""

import flashcards.cli.export_commands  # noqa: F401  (registers commands)
import flashcards.cli.review_commands as _review_commands  # noqa: F401  (registers commands)
import flashcards.cli.safety_commands as _safety_commands  # noqa: F401  (registers commands)
from flashcards.cli import build_commands  # noqa: F401  (registers commands)
from flashcards.cli.app import app

__all__ = ["app"]
