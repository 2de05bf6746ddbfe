"""Decks -> an Anki package (``.apkg``) that imports cleanly and, next time, updates in place.

Three things make a re-import update rather than duplicate:

- fixed note type and deck ids (:mod:`exporters.anki_notetypes`);
- note guids from the stable card ids (:mod:`exporters.notes`);
- note modification times that move forward exactly when a note's content
  changes (:mod:`exporters.ledger`): Anki keeps its stored note unless the
  incoming one is strictly newer.

genanki builds the collection; the package is then zipped with deflate
(genanki stores it uncompressed, about five times larger), which Anki imports.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import genanki

from exporters.anki_notetypes import NOTE_TYPES, NoteType, deck_id_for
from exporters.anki_style import CSS
from exporters.base import ExportOptions, ExportResult, write_atomically
from exporters.ledger import Ledger, LedgerEntry, read_ledger, stamp_notes, write_ledger
from exporters.notes import NoteData, plan_notes
from flashcards.model import Deck

ZIP_LEVEL = 1
"""Deflate level: 1 is several times faster than the default and nearly as small here."""

_EARLIEST_ZIP_TIME = 315_532_800  # 1980-01-01, the first moment a zip entry can record


class StampedNote(genanki.Note):  # type: ignore[misc]  # genanki is untyped
    """A genanki note whose ``notes.mod`` (and its cards' ``mod``) is its own mod time.

    genanki stamps every note with the package timestamp; Anki needs each
    note's own time to decide whether an import updates it.
    """

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        """Write as genanki does, with this note's mod in place of the package time."""
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


@dataclass(frozen=True)
class Package:
    """A package ready to write: genanki decks, their timestamp and what changed."""

    decks: list[genanki.Deck]
    timestamp: int
    notes: int
    cards: int
    changed: int
    ledger: Ledger


def build_package(
    decks: Sequence[Deck], *, root: str, ledger: Mapping[str, LedgerEntry], now: int
) -> Package:
    """The genanki decks for ``decks``, each note stamped from the ledger; pure.

    The package timestamp (note-type mod times, note and card ids) is the
    latest mod in it, so an unchanged export is byte-for-byte the same file and
    a changed note type (new styling) reaches Anki as newer.
    """
    planned = plan_notes(decks, root)
    models = {kind: _genanki_model(note_type) for kind, note_type in NOTE_TYPES.items()}
    hashes = {note.guid: note.content_hash() for note in planned}
    hashes.update({_model_key(nt): _model_hash(nt) for nt in NOTE_TYPES.values()})
    mods, new_ledger = stamp_notes(ledger, hashes, now)
    changed = sum(1 for note in planned if _last_hash(ledger, note.guid) != hashes[note.guid])

    by_deck: dict[str, genanki.Deck] = {}
    cards = 0
    for note in planned:
        deck = by_deck.get(note.deck_name)
        if deck is None:
            deck = genanki.Deck(deck_id_for(note.deck_name), note.deck_name)
            by_deck[note.deck_name] = deck
        genanki_note = _genanki_note(note, models, mods[note.guid])
        cards += len(genanki_note.cards)
        deck.add_note(genanki_note)
    return Package(
        decks=list(by_deck.values()),
        timestamp=max(mods.values()),
        notes=len(planned),
        cards=cards,
        changed=changed,
        ledger=new_ledger,
    )


def write_package(package: Package, handle: IO[bytes]) -> None:
    """Write ``package`` as an ``.apkg`` (a deflated zip holding ``collection.anki2``)."""
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        id_gen = itertools.count(package.timestamp * 1000)
        genanki.Package(package.decks).write_to_db(cursor, package.timestamp, id_gen)
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    moment = time.gmtime(max(package.timestamp, _EARLIEST_ZIP_TIME))[:6]
    with zipfile.ZipFile(handle, "w") as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            entry = zipfile.ZipInfo(name, date_time=moment)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data, compresslevel=ZIP_LEVEL)


def export(decks: Sequence[Deck], out: Path, options: ExportOptions) -> ExportResult:
    """Write ``decks`` to the package ``out``; remember what was written in the ledger.

    The ledger is saved only after the package is in place: a failed export
    leaves both as they were.

    Raises:
        ExportError: no cards, a card id used twice, an unreadable ledger or an
            unwritable output.
    """
    ledger = read_ledger(options.ledger_path) if options.ledger_path is not None else {}
    package = build_package(decks, root=options.root, ledger=ledger, now=options.now)
    write_atomically(out, lambda handle: write_package(package, handle))
    if options.ledger_path is not None and package.ledger != ledger:
        write_ledger(options.ledger_path, package.ledger)
    return ExportResult(
        path=out,
        decks=len(package.decks),
        notes=package.notes,
        cards=package.cards,
        changed=package.changed,
    )


def _genanki_model(note_type: NoteType) -> genanki.Model:
    return genanki.Model(
        note_type.model_id,
        note_type.name,
        fields=[{"name": name} for name in note_type.fields],
        templates=[{"name": t.name, "qfmt": t.front, "afmt": t.back} for t in note_type.templates],
        css=CSS,
    )


def _genanki_note(note: NoteData, models: Mapping[Any, genanki.Model], mod: int) -> StampedNote:
    return StampedNote(
        model=models[note.card.kind],
        fields=list(note.fields),
        tags=list(note.tags),
        guid=note.guid,
        mod=mod,
    )


def _last_hash(ledger: Mapping[str, LedgerEntry], guid: str) -> str | None:
    entry = ledger.get(guid)
    return None if entry is None else entry["hash"]


def _model_key(note_type: NoteType) -> str:
    return f"model:{note_type.model_id}"


def _model_hash(note_type: NoteType) -> str:
    """Hash of a note type's look (templates, CSS), so new styling gets a newer mod."""
    shape = {
        "name": note_type.name,
        "fields": note_type.fields,
        "templates": [[t.name, t.front, t.back] for t in note_type.templates],
        "css": CSS,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode("utf-8")).hexdigest()[:20]
