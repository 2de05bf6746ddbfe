"""The one interface every export format shares, and how they write their file.

A format is one module with ``export(decks, out, options) -> ExportResult``; the
registry in :mod:`exporters` maps its name to that function. Output always goes
to a temporary file next to ``out`` that replaces ``out`` only once it is
complete, so a failure (full disk, Ctrl-C, a bad deck) never leaves half a file
where a good one used to be.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from flashcards.errors import ExportError
from flashcards.files.atomic import write_bytes_atomically
from flashcards.model import Deck

if TYPE_CHECKING:
    from exporters.anki_progress import Progress, SqliteProgress

DEFAULT_ROOT = "K8s Interview Prep"
"""Parent deck that every chapter's deck hangs under (``--root``)."""


@dataclass(frozen=True)
class ExportOptions:
    """What an export needs besides the decks: passed in, never read from the environment.

    ``now`` is epoch seconds, used only by formats that stamp modification
    times (Anki). ``ledger_path`` is where the Anki exporter remembers what it
    wrote last time; ``None`` means "keep no ledger" (every note counts as new).
    """

    root: str = DEFAULT_ROOT
    now: int = 0
    ledger_path: Path | None = None
    progress: Progress | SqliteProgress | None = None
    """Anki only: k8sprep's schedule and answers to carry in the package (``--with-progress``),
    read already or left in an SQLite review database for the package to copy."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, for the command to report."""

    path: Path
    decks: int
    notes: int
    cards: int
    changed: int = 0
    """Notes that are new or changed since the last export (Anki only)."""


class Exporter(Protocol):
    """The shape of a format module's ``export`` function."""

    def __call__(self, decks: Sequence[Deck], out: Path, options: ExportOptions) -> ExportResult:
        """Write ``decks`` to ``out`` and say what was written."""
        ...


def deck_full_name(root: str, deck: Deck) -> str:
    """The deck's place in Anki's tree: ``K8s Interview Prep::05 Storage in Kubernetes``.

    ``::`` in the deck's own name would make Anki split it into subdecks; a word
    joiner (invisible) goes between the colons. ``--root`` may nest on purpose.
    """
    root = root.strip().strip(":")
    name = deck.name.replace("::", ":\u2060:").replace("::", ":\u2060:")  # ":::" too
    return f"{root}::{name}" if root else name


def write_atomically(out: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a stream that replaces ``out`` once it is complete.

    Raises:
        ExportError: ``out`` is a folder, its folder is missing or not writable, or
            writing failed with an OS error; ``out`` is left as it was.
    """
    if out.is_dir():
        raise ExportError(f"{out}: is a folder, not a file")
    if not out.parent.is_dir():
        raise ExportError(f"{out}: folder {out.parent} does not exist")
    try:
        write_bytes_atomically(out, write)
    except OSError as error:
        raise ExportError(f"{out}: cannot write: {error.strerror or error}") from None


def write_text_atomically(out: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``out`` atomically (see :func:`write_atomically`)."""
    data = text.encode("utf-8")
    write_atomically(out, lambda handle: _write_all(handle, data))


def _write_all(handle: IO[bytes], data: bytes) -> None:
    handle.write(data)
