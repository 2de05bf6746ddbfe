"""The .apkg exporter, checked by importing its packages into a real Anki collection."""

from __future__ import annotations

import html
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.anki import build_package, export
from exporters.anki_notetypes import NOTE_TYPES, deck_id_for
from exporters.anki_style import CSS
from exporters.base import ExportOptions
from exporters.html_text import text_to_html
from exporters.ledger import LedgerEntry, dump_ledger, parse_ledger, read_ledger, stamp_notes
from flashcards.errors import ExportError
from flashcards.files.settings import bundled_decks_dir
from flashcards.model import Card, Deck, Kind
from flashcards.parse.deckfile import dump_deck, parse_deck
from tests.export_samples import (
    NOW,
    anki_collection,
    import_package,
    notes_by_field,
    storage_deck,
)

DECK_NAME = "K8s Interview Prep::05 Storage in Kubernetes"


def options(tmp_path: Path, now: int = NOW, **changes: object) -> ExportOptions:
    return replace(ExportOptions(now=now, ledger_path=tmp_path / "ledger.json"), **changes)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    out = tmp_path / "deck.apkg"
    export([storage_deck()], out, options(tmp_path))
    return out


# --- fixed identity -------------------------------------------------------------------------


def test_note_types_are_pinned_forever() -> None:
    """Changing any of these makes Anki fork the note type and stop updating notes."""
    common = ["Diagram", "Chapter", "Section", "Source", "CardId"]
    pinned = {
        kind.value: (nt.model_id, nt.name, list(nt.fields), [t.name for t in nt.templates])
        for kind, nt in NOTE_TYPES.items()
    }
    assert pinned == {
        "concept": (1731640001, "k8sprep Concept", ["Question", "Answer", *common], ["Concept"]),
        "definition": (
            1731640006,
            "k8sprep Definition",
            ["Question", "Answer", *common],
            ["Definition"],
        ),
        "flow": (1731640002, "k8sprep Flow", ["Question", "Stages", *common], ["Flow"]),
        "recall": (1731640003, "k8sprep Recall", ["Question", "Answer", *common], ["Recall"]),
        "interview": (
            1731640004,
            "k8sprep Interview",
            ["Question", "Answer", "WrongAnswer", *common],
            ["Interview", "Spot the trap"],
        ),
        "practice": (1731640005, "k8sprep Practice", ["Task", "Answer", *common], ["Practice"]),
    }


def test_deck_ids_come_from_the_full_name_only() -> None:
    assert deck_id_for(DECK_NAME) == deck_id_for(DECK_NAME) == 1407396667
    assert deck_id_for("Other::05 Storage in Kubernetes") != deck_id_for(DECK_NAME)
    assert 1 << 30 <= deck_id_for("") < 1 << 31


def test_guids_come_from_card_ids_not_text() -> None:
    deck = storage_deck()
    edited = replace(deck, cards=tuple(replace(c, back=c.back + " (edited)") for c in deck.cards))
    first = build_package([deck], root="K8s Interview Prep", ledger={}, now=NOW)
    second = build_package([edited], root="K8s Interview Prep", ledger={}, now=NOW)
    guids = [[row[0] for row in d.rows] for d in first.decks]
    assert guids == [[row[0] for row in d.rows] for d in second.decks]
    assert guids[0][0] == "H*:~F<x*?)"  # genanki.guid_for("storage-in-kubernetes-concept-…01")


# --- the ledger: mod times move exactly when content does -------------------------------------


def test_stamp_gives_new_notes_now_and_keeps_unchanged_ones() -> None:
    mods, ledger = stamp_notes({}, {"a": "h1", "b": "h2"}, NOW)
    assert mods == {"a": NOW, "b": NOW}
    mods, again = stamp_notes(ledger, {"a": "h1", "b": "h2"}, NOW + 500)
    assert mods == {"a": NOW, "b": NOW}
    assert again == ledger


def test_stamp_moves_changed_notes_past_both_now_and_their_last_mod() -> None:
    ledger = {"a": LedgerEntry("old", NOW), "b": LedgerEntry("old", NOW)}
    mods, new = stamp_notes(ledger, {"a": "new", "b": "old"}, NOW + 60)
    assert mods == {"a": NOW + 60, "b": NOW}
    # Same second, or a clock that went backwards: still strictly later than last time.
    mods, _ = stamp_notes(new, {"a": "newer"}, NOW)
    assert mods == {"a": NOW + 61}


def test_stamp_keeps_notes_not_exported_this_time() -> None:
    ledger = {"other": LedgerEntry("x", 5)}
    _, new = stamp_notes(ledger, {"a": "h"}, NOW)
    assert new == {"other": LedgerEntry("x", 5), "a": LedgerEntry("h", NOW)}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "not JSON"),
        ('{"version": 99, "notes": {}}', "not a version 1 export ledger"),
        ('{"version": 1}', "has no notes table"),
        ('{"version": 1, "notes": {"g": ["h", "soon"]}}', "bad entry for 'g'"),
        ('{"version": 1, "notes": {"g": ["h", true]}}', "bad entry for 'g'"),
        ('{"version": 1, "notes": {"g": {"hash": "h", "mod": 1}}}', "bad entry for 'g'"),
    ],
)
def test_a_broken_ledger_is_a_clear_error(text: str, why: str) -> None:
    with pytest.raises(ExportError) as caught:
        parse_ledger(text, "led.json")
    assert str(caught.value).startswith(f"led.json: {why}")
    assert "delete it to start afresh" in str(caught.value)


def test_new_styling_reaches_anki_as_a_newer_note_type() -> None:
    first = build_package([storage_deck()], root="R", ledger={}, now=NOW)
    assert first.timestamp == NOW
    same = build_package([storage_deck()], root="R", ledger=first.ledger, now=NOW + 99)
    assert same.timestamp == NOW
    key = f"model:{NOTE_TYPES[Kind.FLOW].model_id}"
    restyled = {**first.ledger, key: LedgerEntry("css-of-an-older-version", NOW)}
    later = build_package([storage_deck()], root="R", ledger=restyled, now=NOW + 99)
    assert later.timestamp == NOW + 99
    assert later.ledger[key].mod == NOW + 99
    assert later.changed == 0  # notes themselves are untouched


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_survives_html_escaping(text: str) -> None:
    field = text_to_html(text)
    assert "<" not in field.replace("<br>", "")
    expected = text.strip("\n").replace("\r\n", "\n")
    assert html.unescape(field.replace("<br>", "\n")) == expected


def test_the_ledger_round_trips_through_json() -> None:
    ledger = {"b": LedgerEntry("h2", NOW + 1), "a": LedgerEntry("h1", NOW)}
    text = dump_ledger(ledger)
    assert text == '{"version":1,"notes":{"a":["h1",1800000000],"b":["h2",1800000001]}}\n'
    assert parse_ledger(text) == ledger


def test_export_writes_the_ledger_and_a_broken_one_stops_it(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    export([storage_deck()], out, options(tmp_path))
    ledger = read_ledger(tmp_path / "ledger.json")
    assert len(ledger) == 6 + len(NOTE_TYPES)
    assert {entry.mod for entry in ledger.values()} == {NOW}

    (tmp_path / "ledger.json").write_text("{broken", encoding="utf-8")
    before = out.read_bytes()
    with pytest.raises(ExportError, match=r"ledger\.json: not JSON"):
        export([storage_deck()], out, options(tmp_path, now=NOW + 10))
    assert out.read_bytes() == before


def test_a_failed_write_leaves_output_and_ledger_alone(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"folder .* does not exist"):
        export([storage_deck()], tmp_path / "missing" / "x.apkg", options(tmp_path))
    assert not (tmp_path / "ledger.json").exists()
    assert sorted(tmp_path.iterdir()) == []


def test_exporting_unchanged_decks_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    export([storage_deck()], tmp_path / "a.apkg", options(tmp_path))
    export([storage_deck()], tmp_path / "b.apkg", options(tmp_path, now=NOW + 3600))
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()


def test_the_package_is_deflated(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        entries = {info.filename: info for info in archive.infolist()}
        assert set(entries) == {"collection.anki2", "media"}
        assert entries["collection.anki2"].compress_type == zipfile.ZIP_DEFLATED
        assert entries["collection.anki2"].compress_size * 3 < entries["collection.anki2"].file_size
        assert json.loads(archive.read("media")) == {}


def test_a_card_id_used_twice_is_refused(tmp_path: Path) -> None:
    deck = storage_deck()
    clash = replace(deck.cards[1], id=deck.cards[0].id)
    with pytest.raises(ExportError, match="card id storage-in-kubernetes-concept-0000000001"):
        export([replace(deck, cards=(*deck.cards, clash))], tmp_path / "x.apkg", options(tmp_path))


def test_the_same_deck_given_twice_is_exported_once(tmp_path: Path) -> None:
    result = export([storage_deck(), storage_deck()], tmp_path / "x.apkg", options(tmp_path))
    assert (result.notes, result.cards) == (6, 7)


def test_no_cards_is_an_error(tmp_path: Path) -> None:
    empty = replace(storage_deck(), cards=())
    with pytest.raises(ExportError, match="nothing to export"):
        export([empty], tmp_path / "x.apkg", options(tmp_path))


# --- what Anki sees -----------------------------------------------------------------------


def test_the_package_imports_into_a_fresh_collection(tmp_path: Path, package: Path) -> None:
    with anki_collection(tmp_path / "col.anki2") as col:
        log = import_package(col, package)
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (6, 0, 0)
        assert (col.note_count(), col.card_count()) == (6, 7)
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"K8s Interview Prep", DECK_NAME} <= names
        deck_id = col.decks.id_for_name(DECK_NAME)
        assert len(col.find_cards(f"did:{deck_id}")) == 7

        notes = notes_by_field(col)
        by_kind = {note.note_type()["name"]: note for note in notes.values()}
        # the sample deck has every kind but definition (see the definition test below)
        assert set(by_kind) == {
            nt.name for kind, nt in NOTE_TYPES.items() if kind is not Kind.DEFINITION
        }
        for kind, note_type in NOTE_TYPES.items():
            if kind is Kind.DEFINITION:
                continue
            anki_type = col.models.by_name(note_type.name)
            assert anki_type is not None
            assert anki_type["id"] == note_type.model_id, kind
            assert [f["name"] for f in anki_type["flds"]] == list(note_type.fields)
            assert [t["name"] for t in anki_type["tmpls"]] == [t.name for t in note_type.templates]
            assert ".nightMode" in anki_type["css"] and ".night_mode" in anki_type["css"]

        interview = notes["storage-in-kubernetes-interview-0000000004"]
        assert interview["Question"] == "Why do PVCs help app teams?"
        assert interview["WrongAnswer"] == "Because PVs are deprecated."
        assert interview["Chapter"] == "05 Storage in Kubernetes"
        assert interview["Section"] == "Interview Q&amp;A"
        assert interview["Source"] == "05-storage-in-kubernetes.txt"
        assert interview.tags == [
            "interview",
            "k8sprep::chapter::05-storage-in-kubernetes",
            "k8sprep::kind::interview",
            "k8sprep::level::intermediate",
        ]
        assert all(note.mod == NOW for note in notes.values())
        assert len(col.find_notes("tag:k8sprep::kind::flow")) == 1
        assert len(col.find_notes("tag:k8sprep::chapter::05-storage-in-kubernetes")) == 6


def test_only_notes_with_a_trap_get_a_spot_the_trap_card(tmp_path: Path, package: Path) -> None:
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        notes = notes_by_field(col)
        with_trap = notes["storage-in-kubernetes-interview-0000000004"]
        without = notes["storage-in-kubernetes-interview-0000000005"]
        assert sorted(c.template()["name"] for c in with_trap.cards()) == [
            "Interview",
            "Spot the trap",
        ]
        assert [c.template()["name"] for c in without.cards()] == ["Interview"]

        trap = next(c for c in with_trap.cards() if c.ord == 1)
        front = trap.question()
        assert "A candidate answers:" in front and "Because PVs are deprecated." in front
        assert "What is wrong with it?" in front
        assert "request storage intent" not in front
        assert "request storage intent" in trap.answer()

        normal = next(c for c in with_trap.cards() if c.ord == 0)
        assert "Because PVs are deprecated." not in normal.question()
        assert "Trap to avoid:" in normal.answer()
        assert "Trap to avoid:" not in without.cards()[0].answer()


def test_flows_show_ordered_stages_and_diagrams_keep_their_layout(
    tmp_path: Path, package: Path
) -> None:
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        flow = notes_by_field(col)["storage-in-kubernetes-flow-0000000002"]
        assert flow["Stages"] == (
            "<ol><li>claim (app asks)</li><li>class (policy picks)</li>"
            "<li>volume (storage binds)</li></ol>"
            "<div class=flow-note>Claims talk intent, volumes provide reality.</div>"
        )
        assert flow["Diagram"].split("<br>")[1] == "│   claim    │ -&gt; │   volume   │"
        answer = flow.cards()[0].answer()
        assert "<pre class=diagram>┌────────────┐" in answer
        concept = notes_by_field(col)["storage-in-kubernetes-concept-0000000001"]
        assert concept["Answer"] == (
            "A pod can be rescheduled anytime,<br>so local writable state is fragile."
        )
        assert "<pre" not in concept.cards()[0].answer()
    assert "white-space: pre" in CSS


def test_markup_in_card_text_is_stored_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> & <b>"
    deck = storage_deck()
    card = replace(deck.cards[3], front=hostile, back=hostile, wrong_answer=hostile)
    export([replace(deck, cards=(card,))], tmp_path / "x.apkg", options(tmp_path))
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, tmp_path / "x.apkg")
        note = next(iter(notes_by_field(col).values()))
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"
        assert (note["Question"], note["Answer"], note["WrongAnswer"]) == (escaped,) * 3
        for anki_card in note.cards():
            assert "<script>" not in anki_card.question() + anki_card.answer()


# --- re-import: update in place, never duplicate -------------------------------------------


def test_reimporting_an_unchanged_export_changes_nothing(tmp_path: Path, package: Path) -> None:
    again = tmp_path / "again.apkg"
    export([storage_deck()], again, options(tmp_path, now=NOW + 86_400))
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        before = {key: note.mod for key, note in notes_by_field(col).items()}
        log = import_package(col, again)
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 6)
        assert {key: note.mod for key, note in notes_by_field(col).items()} == before
        assert (col.note_count(), col.card_count()) == (6, 7)


def test_an_edited_deck_updates_exactly_the_changed_notes(tmp_path: Path, package: Path) -> None:
    deck = storage_deck()
    edited_answer = replace(deck.cards[0], back="Pods come and go; keep data in a volume.")
    added = Card(
        "storage-in-kubernetes-recall-0000000007",
        Kind.RECALL,
        "How do PVs, PVCs and StorageClasses divide the work?",
        "Supply, demand and policy.",
    )
    edited = replace(deck, cards=(edited_answer, *deck.cards[1:], added))
    result = export([edited], tmp_path / "v2.apkg", options(tmp_path, now=NOW + 60))
    assert (result.notes, result.cards, result.changed) == (7, 8, 2)

    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        before = notes_by_field(col)
        log = import_package(col, tmp_path / "v2.apkg")
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (1, 1, 5)
        after = notes_by_field(col)
        assert (col.note_count(), col.card_count()) == (7, 8)
        changed = "storage-in-kubernetes-concept-0000000001"
        assert after[changed]["Answer"] == "Pods come and go; keep data in a volume."
        assert after[changed].id == before[changed].id
        assert after[changed].mod == NOW + 60
        for key, note in before.items():
            if key != changed:
                assert after[key].mod == note.mod == NOW
                assert after[key].fields == note.fields
        assert len(col.find_notes('"CardId:storage-in-kubernetes-recall-0000000007"')) == 1


def test_a_hand_edited_yaml_deck_updates_in_place(tmp_path: Path, package: Path) -> None:
    yaml_text = dump_deck(storage_deck())
    old = "Ticket-driven provisioning and custom storage integrations."
    assert yaml_text.count(old) == 1
    hand_edited = parse_deck(yaml_text.replace(old, "Ticket-driven provisioning."), "05.yaml")
    export([hand_edited], tmp_path / "v2.apkg", options(tmp_path, now=NOW + 5))

    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        log = import_package(col, tmp_path / "v2.apkg")
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 5)
        recall = notes_by_field(col)["storage-in-kubernetes-recall-0000000003"]
        assert recall["Answer"] == "Ticket-driven provisioning."
        assert col.note_count() == 6


def test_a_trap_added_later_brings_its_card(tmp_path: Path, package: Path) -> None:
    deck = storage_deck()
    trapped = replace(deck.cards[4], wrong_answer="Because Kubernetes cannot run databases.")
    export(
        [replace(deck, cards=(*deck.cards[:4], trapped, deck.cards[5]))],
        tmp_path / "v2.apkg",
        options(tmp_path, now=NOW + 1),
    )
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, package)
        import_package(col, tmp_path / "v2.apkg")
        note = notes_by_field(col)["storage-in-kubernetes-interview-0000000005"]
        assert note["WrongAnswer"] == "Because Kubernetes cannot run databases."
        assert (col.note_count(), col.card_count()) == (6, 8)
        assert len(note.cards()) == 2


# --- the real bundled deck --------------------------------------------------------------------

BUNDLED = bundled_decks_dir() / "05-storage-in-kubernetes.yaml"


@pytest.mark.skipif(not BUNDLED.exists(), reason="bundled deck not built yet")
def test_the_bundled_seed_deck_imports(tmp_path: Path) -> None:
    from flashcards.files.decks import load_deck

    deck: Deck = load_deck(BUNDLED)
    result = export([deck], tmp_path / "seed.apkg", options(tmp_path))
    traps = sum(1 for c in deck.cards if c.kind is Kind.INTERVIEW and c.wrong_answer.strip())
    assert (result.notes, result.cards) == (len(deck.cards), len(deck.cards) + traps)
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, tmp_path / "seed.apkg")
        assert (col.note_count(), col.card_count()) == (result.notes, result.cards)
        assert set(notes_by_field(col)) == {card.id for card in deck.cards}
        assert col.decks.id_for_name(DECK_NAME)


def test_a_definition_card_imports_as_its_own_note_type(tmp_path: Path) -> None:
    deck = storage_deck()
    card = Card(
        "storage-in-kubernetes-definition-0000000009",
        Kind.DEFINITION,
        "What is CSI?",
        "CSI is the standard interface between Kubernetes & storage systems.",
        source=deck.cards[0].source,
    )
    out = tmp_path / "definition.apkg"
    export([replace(deck, cards=(card,))], out, options(tmp_path))
    with anki_collection(tmp_path / "col.anki2") as col:
        log = import_package(col, out)
        assert len(log.new) == 1
        (note,) = notes_by_field(col).values()
        note_type = note.note_type()
        assert (note_type["id"], note_type["name"]) == (1731640006, "k8sprep Definition")
        assert [card.template()["name"] for card in note.cards()] == ["Definition"]
        assert note["Question"] == "What is CSI?"
        assert note["Answer"] == text_to_html(card.back)
        assert "&amp;" in note["Answer"]
