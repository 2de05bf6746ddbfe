"""Decks -> an Anki package (``.apkg``) that imports cleanly and, next time, updates in place.

Three things make a re-import update rather than duplicate:

- fixed note type and deck ids (:mod:`exporters.anki_notetypes`);
- note guids from the stable card ids (:mod:`exporters.notes`);
- note modification times that move forward exactly when a note's content
  changes (:mod:`exporters.ledger`): Anki keeps its stored note unless the
  incoming one is strictly newer.

genanki writes the collection (schema, note types, decks). Its ``Note`` stamps
every note with the package time and inserts rows one by one; our notes need
their own mod times, so :class:`StampedDeck` writes the same note and card rows
genanki would, each with its own mod, in bulk. The collection is then zipped
with deflate (genanki stores it uncompressed, about five times larger), which
Anki imports.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import genanki

from exporters.anki_notetypes import NOTE_TYPES, NoteType, deck_id_for
from exporters.anki_progress import Progress, SqliteProgress, apply_progress
from exporters.anki_style import CSS
from exporters.base import ExportOptions, ExportResult, write_atomically
from exporters.ledger import Ledger, LedgerEntry, read_ledger, stamp_note, write_ledger
from exporters.notes import NoteData, iter_notes
from flashcards.files.gcpause import gc_paused
from flashcards.model import Deck

ZIP_LEVEL = 1
"""Deflate level: 1 is several times faster than the default and nearly as small here."""

_COPY_CHUNK = 1 << 20

_EARLIEST_ZIP_TIME = 315_532_800  # 1980-01-01, the first moment a zip entry can record
_LATEST_ZIP_TIME = 4_354_819_198  # 2107-12-31 23:59:58, the last one

# The rows genanki's Note.write_to_db and Card.write_to_db insert (Anki's schema 11).
# notes: id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
_INSERT_NOTE = "INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')"
# cards: id, nid, did, ord, mod, usn, then a new card's type, queue, due, ivl, factor,
# reps, lapses, left, odue, odid, flags, data
_INSERT_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'')"


NoteRow = tuple[str, int, str, str, str, tuple[int, ...], int]
"""A note as it goes into the package: guid, note type id, fields joined, sort field,
tags, the ordinals of the cards it makes, and its mod."""

_CHUNK = 10_000
"""Notes inserted per batch: the rows of a million notes are never all built at once."""


class StampedDeck(genanki.Deck):  # type: ignore[misc]  # genanki is untyped
    """A genanki deck whose notes carry their own mod times, written in bulk."""

    def __init__(self, deck_id: int, name: str) -> None:
        super().__init__(deck_id, name)
        self.rows: list[NoteRow] = []
        self.first_cards: dict[str, int] | None = None
        """When set (to an empty dict) before writing: each note's first card, by guid."""

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Iterator[int]) -> None:
        """Let genanki write the deck and note types, then insert our notes and cards.

        Ids are taken as genanki's ``Note.write_to_db`` takes them: a note's, then
        its cards'.
        """
        super().write_to_db(cursor, timestamp, id_gen)
        for start in range(0, len(self.rows), _CHUNK):
            notes: list[tuple[int, str, int, int, str, str, str]] = []
            cards: list[tuple[int, int, int, int, int]] = []
            for guid, model_id, flds, sort_field, tags, ords, mod in self.rows[
                start : start + _CHUNK
            ]:
                note_id = next(id_gen)
                notes.append((note_id, guid, model_id, mod, tags, flds, sort_field))
                cards.extend((next(id_gen), note_id, self.deck_id, ord_, mod) for ord_ in ords)
                if self.first_cards is not None and ords and ords[0] == 0:
                    self.first_cards[guid] = cards[-len(ords)][0]
            cursor.executemany(_INSERT_NOTE, notes)
            cursor.executemany(_INSERT_CARD, cards)


@dataclass(frozen=True)
class Package:
    """A package ready to write: its decks, their timestamp and what changed."""

    decks: list[StampedDeck]
    timestamp: int
    notes: int
    cards: int
    changed: int
    ledger: Ledger
    guids: Mapping[str, str] = field(default_factory=dict)
    """Each card id's note guid (only when asked for)."""


def build_package(
    decks: Sequence[Deck],
    *,
    root: str,
    ledger: Mapping[str, LedgerEntry],
    now: int,
    keep_guids: bool = False,
) -> Package:
    """The decks to write for ``decks``, each note stamped from the ledger; pure.

    The package timestamp (note-type mod times, note and card ids) is the
    latest mod in it, so an unchanged export is byte-for-byte the same file and
    a changed note type (new styling) reaches Anki as newer. ``keep_guids``: also
    give each card id's guid (what an export with progress matches cards by).
    """
    models = {kind: genanki_model(note_type) for kind, note_type in NOTE_TYPES.items()}
    new_ledger: Ledger = dict(ledger)
    guids: dict[str, str] = {}
    by_deck: dict[str, StampedDeck] = {}
    card_ords: dict[tuple[int | bool, ...], tuple[int, ...]] = {}  # by which fields are empty
    tag_texts: dict[tuple[str, ...], str] = {}  # a chapter's notes share their tags
    notes = cards = changed = 0
    timestamp = max(
        stamp_note(ledger, new_ledger, _model_key(nt), _model_hash(nt), now)
        for nt in NOTE_TYPES.values()
    )
    for note in iter_notes(decks, root):
        deck = by_deck.get(note.deck_name)
        if deck is None:
            deck = by_deck[note.deck_name] = StampedDeck(
                deck_id_for(note.deck_name), note.deck_name
            )
        model = models[note.card.kind]
        deck.add_model(model)
        flds = "\x1f".join(note.fields)
        content_hash = _content_hash(note, flds)
        changed += _last_hash(ledger, note.guid) != content_hash
        mod = stamp_note(ledger, new_ledger, note.guid, content_hash, now)
        timestamp = max(timestamp, mod)
        shape = (model.model_id, *map(bool, note.fields))
        ords = card_ords.get(shape)
        if ords is None:
            ords = card_ords[shape] = _card_ords(model, note.fields)
        tags = tag_texts.get(note.tags)
        if tags is None:
            tags = tag_texts[note.tags] = " " + " ".join(note.tags) + " "
        notes += 1
        cards += len(ords)
        deck.rows.append(
            (note.guid, model.model_id, flds, note.fields[model.sort_field_index], tags, ords, mod)
        )
        if keep_guids:
            guids[note.card.id] = note.guid
    return Package(
        decks=list(by_deck.values()),
        timestamp=timestamp,
        notes=notes,
        cards=cards,
        changed=changed,
        ledger=new_ledger,
        guids=guids,
    )


def write_package(
    package: Package,
    handle: IO[bytes],
    *,
    progress: Progress | SqliteProgress | None = None,
    now: int = 0,
) -> None:
    """Write ``package`` as an ``.apkg`` (a deflated zip holding ``collection.anki2``).

    The collection is written to a temporary file, not held in memory, and
    streamed into the zip. With ``progress``, the cards carry k8sprep's schedule and
    answers (:mod:`exporters.anki_progress`); ``now`` (epoch seconds) is then the day 0
    of a log without answers.
    """
    with tempfile.TemporaryDirectory(prefix="k8sprep-anki-") as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection.as_uri(), uri=True)  # ATTACH takes a URI
        try:
            # A scratch file: thrown away whole if anything fails (the journal in memory
            # still lets a savepoint roll back).
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
            # Its scratch tables in memory too: on disk they make a million-answer copy
            # (``--with-progress``) take twice as long.
            connection.execute("PRAGMA temp_store = MEMORY")
            cursor = connection.cursor()
            id_gen = itertools.count(package.timestamp * 1000)
            for deck in package.decks:
                deck.first_cards = {} if progress is not None else None
            genanki.Package(package.decks).write_to_db(cursor, package.timestamp, id_gen)
            if progress is not None:
                apply_progress(
                    connection,
                    progress,
                    fallback=date.fromtimestamp(now),
                    card_rows=_card_rows(package),
                )
            connection.commit()
        finally:
            connection.close()
        moment = time.gmtime(min(max(package.timestamp, _EARLIEST_ZIP_TIME), _LATEST_ZIP_TIME))
        with zipfile.ZipFile(handle, "w") as archive:
            _add(archive, "collection.anki2", moment[:6], collection)
            _add(archive, "media", moment[:6], b"{}")


def _card_rows(package: Package) -> dict[str, int]:
    """Each card id's card in the written package: its note's first card."""
    first = {guid: row for deck in package.decks for guid, row in (deck.first_cards or {}).items()}
    return {card_id: first[guid] for card_id, guid in package.guids.items() if guid in first}


def _add(archive: zipfile.ZipFile, name: str, moment: tuple[int, ...], data: Path | bytes) -> None:
    """Deflate ``data`` (a file, read in chunks, or bytes) into the zip as ``name``."""
    entry = zipfile.ZipInfo(name, date_time=moment)  # type: ignore[arg-type]
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.file_size = data.stat().st_size if isinstance(data, Path) else len(data)
    entry._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # as writestr sets it
    with archive.open(entry, "w") as sink:
        if isinstance(data, bytes):
            sink.write(data)
            return
        with data.open("rb") as source:
            shutil.copyfileobj(source, sink, _COPY_CHUNK)


def export(decks: Sequence[Deck], out: Path, options: ExportOptions) -> ExportResult:
    """Write ``decks`` to the package ``out``; remember what was written in the ledger.

    The ledger is saved only after the package is in place: a failed export
    leaves both as they were.

    Raises:
        ExportError: no cards, a card id used twice, an unreadable ledger or an
            unwritable output.
    """
    ledger = read_ledger(options.ledger_path) if options.ledger_path is not None else {}
    # With progress a million log rows are alive throughout: cycle collections would
    # walk them again and again.
    with gc_paused() if options.progress is not None else nullcontext():
        package = build_package(
            decks,
            root=options.root,
            ledger=ledger,
            now=options.now,
            keep_guids=options.progress is not None,
        )
        write_atomically(
            out,
            lambda handle: write_package(
                package, handle, progress=options.progress, now=options.now
            ),
        )
    if options.ledger_path is not None and package.ledger != ledger:
        write_ledger(options.ledger_path, package.ledger)
    return ExportResult(
        path=out,
        decks=len(package.decks),
        notes=package.notes,
        cards=package.cards,
        changed=package.changed,
    )


def genanki_model(note_type: NoteType) -> genanki.Model:
    """The genanki model for one of our note types."""
    return genanki.Model(
        note_type.model_id,
        note_type.name,
        fields=[{"name": name} for name in note_type.fields],
        templates=[{"name": t.name, "qfmt": t.front, "afmt": t.back} for t in note_type.templates],
        css=CSS,
    )


def _card_ords(model: genanki.Model, fields: Sequence[str]) -> tuple[int, ...]:
    """Which of the model's templates make a card for these fields, as genanki decides.

    The "Spot the trap" template needs a non-empty WrongAnswer, so notes
    without a trap get no empty card.
    """
    ords = []
    for card_ord, any_or_all, required in model._req:
        present = (fields[index] for index in required)
        if any(present) if any_or_all == "any" else all(present):
            ords.append(card_ord)
    return tuple(ords)


def _content_hash(note: NoteData, joined_fields: str) -> str:
    """Hash of everything the note carries into Anki; changes exactly when the note does."""
    text = f"{note.model_id}\x1e{joined_fields}\x1e{' '.join(note.tags)}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _last_hash(ledger: Mapping[str, LedgerEntry], guid: str) -> str | None:
    entry = ledger.get(guid)
    return None if entry is None else entry.hash


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
