"""``e`` in the review: edit the card on screen in its deck file, then import that deck again.

The editor is ``$EDITOR`` (``vi`` when unset), which may carry its own arguments
(``code -w``); it opens the deck YAML at the card's ``id`` line (``+LINE file``, or
``--goto file:LINE`` for VS Code). When it exits the deck is imported again, as
``k8sprep import FILE`` would, so the card is shown as edited with its review
state kept. A broken edit is one line of error and the card stays as it was in the
database; the file keeps the edit, to be fixed with ``e`` again.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.errors import K8sprepError

if TYPE_CHECKING:
    from flashcards.files.card_place import CardPlace
    from flashcards.schedule.records import StoredCard
    from flashcards.store import Store

DEFAULT_EDITOR = "vi"
_GOTO_EDITORS = ("code", "codium", "code-insiders")
"""Editors that take ``--goto FILE:LINE`` rather than ``+LINE FILE``."""


def editor_command(place: CardPlace, editor: str | None = None) -> list[str]:
    """The command that opens ``place``: ``$EDITOR`` split as a shell would, then the file.

    Raises:
        K8sprepError: ``$EDITOR`` cannot be split (an unclosed quote).
    """
    chosen = os.environ.get("EDITOR", "") if editor is None else editor
    try:
        words = shlex.split(chosen) or [DEFAULT_EDITOR]
    except ValueError as error:
        raise K8sprepError(f"cannot run EDITOR={chosen!r}: {error}") from None
    if Path(words[0]).name in _GOTO_EDITORS:
        return [*words, "--goto", f"{place.path}:{place.line}"]
    return [*words, f"+{place.line}", str(place.path)]


def card_editor(
    store: Store, paused: Callable[[], AbstractContextManager[None]]
) -> Callable[[StoredCard], str | None]:
    """The review's ``edit``: the error to show, or None when the deck was imported again.

    ``paused`` lends the terminal to the editor (line mode, the normal screen).
    """
    from flashcards.cli.catalog import deck_source
    from flashcards.files.card_place import find_card

    def edit(stored: StoredCard) -> str | None:
        source = deck_source(store, stored.deck)
        place = find_card(stored.deck, stored.card.id, source=source)
        if place is None:
            return (
                f"Deck {stored.deck_name!r} did not come from a deck file here (its imported "
                "file, this folder, ./decks and the bundled decks): nothing to edit."
            )
        try:
            command = editor_command(place)
            with paused():
                status = subprocess.run(command, check=False).returncode
        except K8sprepError as error:
            return str(error)
        except OSError as error:
            return f"cannot run the editor {command[0]!r}: {error.strerror or error}"
        if status != 0:
            return f"The editor exited with status {status}: {place.path.name} not imported again."
        return _import_again(store, place.path)

    return edit


def _import_again(store: Store, path: Path) -> str | None:
    from flashcards.files.decks import load_deck

    try:
        store.sync_decks([load_deck(path, write_ids=True)])
    except K8sprepError as error:
        problems = str(error).splitlines() or [type(error).__name__]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"Not imported, card unchanged: {problems[0]}{more}"
    return None
