"""The package writer against genanki's own: the same tables, row for row.

The exporter writes its collection to a file in batches instead of letting genanki
insert each note; what Anki reads must not change. genanki, given the same notes
(same guids, fields, tags, note types and timestamp), is the reference: every
table of the collection must hold exactly the rows genanki's package holds.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from genanki.util import guid_for
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.anki import export, genanki_model
from exporters.anki_notetypes import NOTE_TYPES, deck_id_for
from exporters.base import DEFAULT_ROOT, ExportOptions
from exporters.notes import note_guid, plan_notes
from flashcards.files.decks import load_decks
from flashcards.model import Deck
from tests.export_samples import NOW, storage_deck


def genanki_package(decks: list[Deck], out: Path) -> None:
    """genanki writing the notes the exporter plans, one ``Note`` each, guid from the card id."""
    models = {kind: genanki_model(note_type) for kind, note_type in NOTE_TYPES.items()}
    by_name: dict[str, genanki.Deck] = {}
    for note in plan_notes(decks, DEFAULT_ROOT):
        deck = by_name.get(note.deck_name)
        if deck is None:
            deck = by_name[note.deck_name] = genanki.Deck(
                deck_id_for(note.deck_name), note.deck_name
            )
        deck.add_note(
            genanki.Note(
                model=models[note.card.kind],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=guid_for(note.card.id),
            )
        )
    genanki.Package(list(by_name.values())).write_to_file(str(out), timestamp=NOW)


def tables(package: Path, folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of the package's collection, its rows in rowid order."""
    collection = folder / f"{package.stem}.anki2"
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert archive.read("media") == b"{}"
        collection.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(collection)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        found = {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
        }
        found["schema"] = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        return found
    finally:
        connection.close()


@pytest.mark.parametrize("sample", ["storage", "bundled"])
def test_the_package_holds_the_rows_genanki_writes(tmp_path: Path, sample: str) -> None:
    decks = [storage_deck()] if sample == "storage" else load_decks()
    ours, theirs = tmp_path / "ours.apkg", tmp_path / "genanki.apkg"
    export(decks, ours, ExportOptions(now=NOW))
    genanki_package(decks, theirs)
    mine, reference = tables(ours, tmp_path), tables(theirs, tmp_path)
    assert mine.keys() == reference.keys()
    for name in reference:
        assert mine[name] == reference[name], name
    assert len(mine["notes"]) == sum(len(deck.cards) for deck in decks)


def test_the_package_is_deflated(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    export([storage_deck()], out, ExportOptions(now=NOW))
    with zipfile.ZipFile(out) as archive:
        entry = archive.getinfo("collection.anki2")
        assert entry.compress_type == zipfile.ZIP_DEFLATED
        assert entry.compress_size < entry.file_size / 3
        assert archive.testzip() is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_note_guid_is_genankis_guid_for(card_id: str) -> None:
    assert note_guid(card_id) == guid_for(card_id)


def test_note_guid_matches_on_many_ids() -> None:
    ids = [f"storage-{number}" for number in range(20_000)]
    assert [note_guid(card_id) for card_id in ids] == [guid_for(card_id) for card_id in ids]
