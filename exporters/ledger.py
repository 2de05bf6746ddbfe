"""The Anki export ledger: which content each note had when last exported, and its mod time.

Anki replaces a stored note on import only when the incoming note's
modification time is strictly later; an equal time counts as a duplicate. So a
note's ``mod`` must move forward exactly when its content changes (a YAML deck
edited by hand included) and stay put otherwise. Export needs no database, so
this small JSON file (``guid -> [hash, mod]``) remembers the last export.

:func:`stamp_notes` is pure (ledger and "now" in, mod times and new ledger out);
:func:`read_ledger` / :func:`write_ledger` are the file edge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from exporters.base import write_text_atomically
from flashcards.errors import ExportError
from flashcards.files.reading import MiB, read_regular_file

LEDGER_FILENAME = "anki-ledger.json"
LEDGER_VERSION = 1
MAX_LEDGER_BYTES = 64 * MiB
MAX_MOD = 253_402_300_799
"""9999-12-31 23:59:59 UTC in epoch seconds: a later mod is no time Anki (or the note ids
derived from it, mod x 1000 in 64 bits) can hold, so such a ledger was edited or broken."""


class LedgerEntry(NamedTuple):
    """What one note looked like when last exported (stored as ``[hash, mod]``)."""

    hash: str
    mod: int


Ledger = dict[str, LedgerEntry]
"""Note guid (or ``model:<id>``) -> its last exported content hash and mod time."""


def stamp_notes(
    ledger: Mapping[str, LedgerEntry], hashes: Mapping[str, str], now: int
) -> tuple[dict[str, int], Ledger]:
    """Give every note a mod time: the old one if unchanged, else later than both now and it.

    Args:
        ledger: the ledger from the previous export (empty if none).
        hashes: guid -> hash of the note's content, for the notes being exported.
        now: epoch seconds.

    Returns:
        ``(mods, new_ledger)``: guid -> mod for every exported note, and the
        ledger to save (entries for notes not exported this time are kept, so
        exporting one chapter does not forget the others).
    """
    mods: dict[str, int] = {}
    new_ledger: Ledger = dict(ledger)
    for guid, content_hash in hashes.items():
        mods[guid] = stamp_note(ledger, new_ledger, guid, content_hash, now)
    return mods, new_ledger


def stamp_note(
    ledger: Mapping[str, LedgerEntry], new_ledger: Ledger, guid: str, content_hash: str, now: int
) -> int:
    """One note's mod time (see :func:`stamp_notes`), recorded in ``new_ledger`` if new."""
    previous = ledger.get(guid)
    if previous is not None and previous.hash == content_hash:
        return previous.mod
    mod = now if previous is None else max(now, previous.mod + 1)
    new_ledger[guid] = LedgerEntry(content_hash, mod)
    return mod


def parse_ledger(text: str, path: str = "<ledger>") -> Ledger:
    """The ledger in ``text``; pure.

    Raises:
        ExportError: the text is not a ledger this version wrote.
    """
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _broken(path, f"not JSON ({error.args[0] if error.args else error})") from None
    if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
        raise _broken(path, f"not a version {LEDGER_VERSION} export ledger")
    notes = data.get("notes")
    if not isinstance(notes, dict):
        raise _broken(path, "has no notes table")
    ledger: Ledger = {}
    for guid, entry in notes.items():
        match entry:
            case [str(content_hash), int(mod)] if type(mod) is int and 0 <= mod <= MAX_MOD:
                ledger[guid] = LedgerEntry(content_hash, mod)
            case _:
                raise _broken(path, f"bad entry for {guid!r}")
    return ledger


def dump_ledger(ledger: Mapping[str, LedgerEntry]) -> str:
    """The JSON text of ``ledger``, keys sorted so the file diffs cleanly."""
    body = {"version": LEDGER_VERSION, "notes": dict(sorted(ledger.items()))}
    return json.dumps(body, separators=(",", ":")) + "\n"


def read_ledger(path: Path) -> Ledger:
    """The ledger at ``path``; an absent file is an empty ledger.

    Raises:
        ExportError: the file cannot be read or is not a ledger.
    """
    try:
        text = read_regular_file(path, MAX_LEDGER_BYTES).decode("utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ExportError(f"{path}: cannot read export ledger: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ExportError(f"{path}: cannot read export ledger: {error}") from None
    return parse_ledger(text, str(path))


def write_ledger(path: Path, ledger: Mapping[str, LedgerEntry]) -> None:
    """Save ``ledger`` atomically, creating its folder if needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"{path}: cannot create folder: {error.strerror or error}") from None
    write_text_atomically(path, dump_ledger(ledger))


def _broken(path: str, why: str) -> ExportError:
    return ExportError(f"{path}: {why}; delete it to start afresh (the next import updates all)")
