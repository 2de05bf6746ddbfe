"""The CSV exporter, checked with Python's csv reader and Anki's own text importer."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from exporters import anki
from exporters.base import ExportOptions
from exporters.csv_export import HEADER, export, render_csv, trap_guid
from flashcards.errors import ExportError
from flashcards.model import Card, Kind
from tests.export_samples import anki_collection, import_csv, import_package, storage_deck

DECK_NAME = "K8s Interview Prep::05 Storage in Kubernetes"


def data_rows(text: str) -> list[list[str]]:
    lines = text.splitlines(keepends=True)
    return list(csv.reader(lines[len(HEADER) :]))


def test_the_header_tells_anki_everything() -> None:
    text, _, _ = render_csv([storage_deck()], "K8s Interview Prep")
    assert text.splitlines()[: len(HEADER)] == [
        "#separator:Comma",
        "#html:true",
        "#notetype column:1",
        "#deck column:2",
        "#guid column:3",
        "#tags column:6",
        "#columns:Note type,Deck,GUID,Front,Back,Tags",
    ]


def test_rows_are_proper_csv_with_one_extra_row_per_trap() -> None:
    deck = storage_deck()
    text, count, decks = render_csv([deck, deck], "K8s Interview Prep")
    assert decks == 1
    rows = data_rows(text)
    assert count == len(rows) == 7
    assert all(len(row) == 6 for row in rows)
    assert {row[0] for row in rows} == {"Basic"}
    assert {row[1] for row in rows} == {DECK_NAME}
    trap_rows = [row for row in rows if "k8sprep::spot-the-trap" in row[5].split()]
    assert len(trap_rows) == 1
    assert trap_rows[0][2] == trap_guid(deck.cards[3])
    assert "A candidate answers: “Because PVs are deprecated.”" in trap_rows[0][3]
    flow = rows[1]
    pre = '<pre style="text-align:left;line-height:normal;overflow-x:auto;max-width:100%">┌'
    assert pre in flow[4]  # a quoted field with quotes inside
    assert '"text-align:left;' in text.replace('""', '"')
    assert trap_rows[0][4].startswith("<b>✓ A strong answer:</b><br>They let workloads")


def test_markup_is_escaped_in_csv() -> None:
    deck = storage_deck()
    hostile = replace(deck.cards[0], front="<script>alert(1)</script> & <b>")
    text, _, _ = render_csv([replace(deck, cards=(hostile,))], "R")
    assert data_rows(text)[0][3] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"


def test_export_writes_the_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "cards.csv"
    result = export([storage_deck()], out, ExportOptions())
    assert (result.notes, result.cards) == (7, 7)
    expected = render_csv([storage_deck()], "K8s Interview Prep")[0]
    assert out.read_bytes().decode("utf-8") == expected
    assert expected.count("\r\n") == len(HEADER) + 7
    with pytest.raises(ExportError, match="nothing to export"):
        export([replace(storage_deck(), cards=())], out, ExportOptions())
    assert out.read_text(encoding="utf-8").startswith("#separator:Comma")
    assert [p.name for p in tmp_path.iterdir()] == ["cards.csv"]


def test_anki_imports_the_csv_with_the_apkg_card_count(tmp_path: Path) -> None:
    out = tmp_path / "cards.csv"
    export([storage_deck()], out, ExportOptions())
    anki.export([storage_deck()], tmp_path / "cards.apkg", ExportOptions(now=1))
    with anki_collection(tmp_path / "apkg.anki2") as col:
        import_package(col, tmp_path / "cards.apkg")
        apkg_cards = col.card_count()
    with anki_collection(tmp_path / "col.anki2") as col:
        log = import_csv(col, out)
        assert (len(log.new), len(log.missing_notetype), len(log.conflicting)) == (7, 0, 0)
        assert col.note_count() == 7
        assert col.card_count() == apkg_cards == 7
        assert len(col.find_cards(f'"deck:{DECK_NAME}"')) == 7
        assert len(col.find_notes("tag:k8sprep::kind::interview")) == 3
        assert len(col.find_notes("tag:k8sprep::spot-the-trap")) == 1
        note = col.get_note(col.find_notes('"Front:Why do PVCs help app teams?"')[0])
        assert "<b>✗ Trap to avoid:</b> “Because PVs are deprecated.”" in note["Back"]
        assert "<s>" not in note["Back"]  # marked wrong, yet still readable

        # A second import of an updated file updates in place: same guids, no duplicates.
        deck = storage_deck()
        edited = replace(deck, cards=(replace(deck.cards[0], back="Edited."), *deck.cards[1:]))
        export([edited], out, ExportOptions())
        log = import_csv(col, out)
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 6)
        assert (col.note_count(), col.card_count()) == (7, 7)
        edited_note = col.get_note(col.find_notes('"Back:Edited.*"')[0])
        assert edited_note.guid == anki_guid_of(deck.cards[0].id)


def anki_guid_of(card_id: str) -> str:
    from genanki.util import guid_for

    return guid_for(card_id)


def test_a_definition_card_is_a_basic_row_tagged_with_its_kind() -> None:
    deck = storage_deck()
    definition = Card(
        "storage-in-kubernetes-definition-0000000009",
        Kind.DEFINITION,
        "What is CSI?",
        "CSI is the <standard> interface.",
    )
    text, count, _ = render_csv([replace(deck, cards=(definition,))], "K8s Interview Prep")
    (row,) = data_rows(text)
    assert count == 1
    assert row[0] == "Basic"
    assert row[3].endswith("What is CSI?") or "What is CSI?" in row[3]
    assert "&lt;standard&gt;" in row[4]
    assert "k8sprep::kind::definition" in row[5].split()
