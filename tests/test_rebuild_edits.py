"""Hand edits survive `k8sprep build`; `--fresh` starts over after saving the old deck."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.files.decks import load_deck
from flashcards.model import Kind, field_fingerprint, field_fingerprints
from flashcards.parse.deckfile import parse_deck, with_missing_ids

from .conftest import ROOT, SEED

runner = CliRunner()
DECK = Path("decks/05-storage-in-kubernetes.yaml")

ADDED = """- kind: recall
  front: What does a StorageClass choose?
  back: How volumes are provisioned for a claim.
"""


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.stderr
    return tmp_path


def _edit(text: str) -> str:
    """Edit one answer, delete the practice card, add a card without an id."""
    text = text.replace(
        "back: They let workloads request storage intent without embedding backend details "
        "everywhere. That keeps application manifests portable while platform policy evolves "
        "underneath.",
        "back: PVCs decouple what an app asks for from how storage is provided.",
    )
    start = text.index("- id: storage-in-kubernetes-practice-")
    end = text.index("removed:")
    return text[:start] + ADDED + text[end:]


def test_rebuild_keeps_edits_additions_and_removals(built: Path) -> None:
    before = load_deck(DECK)
    DECK.write_text(_edit(DECK.read_text(encoding="utf-8")), encoding="utf-8")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.stderr
    assert f"{DECK}: kept 1 edited card, 1 added card, 1 removal\n" in result.stdout
    after = load_deck(DECK)
    by_front = {card.front: card for card in after.cards}
    assert by_front["Why do PVCs help app teams?"].back == (
        "PVCs decouple what an app asks for from how storage is provided."
    )
    assert by_front["Why do PVCs help app teams?"].wrong_answer == "Because PVs are deprecated."
    added = by_front["What does a StorageClass choose?"]
    assert added.id.startswith("storage-in-kubernetes-recall-")
    assert not any(card.kind is Kind.PRACTICE for card in after.cards)
    (practice,) = [c.id for c in before.cards if c.kind is Kind.PRACTICE]
    assert after.removed == (practice,)
    # untouched cards are exactly what the chapter makes
    untouched = [
        c for c in before.cards if c.kind is not Kind.PRACTICE and "PVCs help" not in c.front
    ]
    assert all(card in after.cards for card in untouched)
    # and a third build changes nothing
    text = DECK.read_text(encoding="utf-8")
    again = runner.invoke(app, ["build"])
    assert "kept 1 edited card, 1 added card, 1 removal" in again.stdout
    assert DECK.read_text(encoding="utf-8") == text


def test_untouched_cards_follow_the_chapter(built: Path) -> None:
    DECK.write_text(_edit(DECK.read_text(encoding="utf-8")), encoding="utf-8")
    assert runner.invoke(app, ["build"]).exit_code == 0
    seed = Path("seeds/05-storage-in-kubernetes.txt")
    seed.write_text(
        seed.read_text(encoding="utf-8").replace(
            "Because auditors demand extra paperwork.", "Because auditors want paperwork."
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["build"]).exit_code == 0
    by_front = {card.front: card for card in load_deck(DECK).cards}
    backups = by_front["Why are backups not enough without restore drills?"]
    assert backups.wrong_answer == "Because auditors want paperwork."
    assert by_front["Why do PVCs help app teams?"].back.startswith("PVCs decouple")


def test_deleting_an_id_from_removed_brings_the_card_back(built: Path) -> None:
    DECK.write_text(_edit(DECK.read_text(encoding="utf-8")), encoding="utf-8")
    assert runner.invoke(app, ["build"]).exit_code == 0
    text = DECK.read_text(encoding="utf-8")
    start = text.index("removed:")
    end = text.index("generated:")
    DECK.write_text(text[:start] + "removed: []\n" + text[end:], encoding="utf-8")
    result = runner.invoke(app, ["build"])
    assert "1 removal" not in result.stdout
    assert any(card.kind is Kind.PRACTICE for card in load_deck(DECK).cards)


def test_fresh_saves_the_old_deck_and_starts_over(built: Path) -> None:
    edited = _edit(DECK.read_text(encoding="utf-8"))
    DECK.write_text(edited, encoding="utf-8")
    result = runner.invoke(app, ["build", "--fresh"])
    assert result.exit_code == 0, result.stderr
    backup = Path(str(DECK) + ".bak")
    assert f"{DECK}: old deck saved as {backup}" in result.stdout
    assert backup.read_text(encoding="utf-8") == edited
    fresh = load_deck(DECK)
    assert fresh.removed == ()
    assert any(card.kind is Kind.PRACTICE for card in fresh.cards)
    assert "What does a StorageClass choose?" not in {card.front for card in fresh.cards}
    # the .bak is not a deck: `decks` still lists one chapter
    listed = runner.invoke(app, ["decks", "decks"])
    assert listed.exit_code == 0 and "total: 33 cards" in listed.stdout


def test_import_writes_the_id_of_a_hand_added_card_and_nothing_else(built: Path) -> None:
    text = DECK.read_text(encoding="utf-8")
    start = text.index("removed:")
    edited = text[:start] + ADDED + "# my own card above\n" + text[start:]
    DECK.write_text(edited, encoding="utf-8")
    result = runner.invoke(app, ["import", str(DECK)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("34 added")
    after = DECK.read_text(encoding="utf-8")
    card_id = load_deck(DECK).cards[-1].id
    assert after == edited.replace(
        "- kind: recall\n  front: What does a StorageClass",
        (f"- id: {card_id}\n  kind: recall\n  front: What does a StorageClass"),
    )
    again = runner.invoke(app, ["import", str(DECK)])
    assert again.stdout.startswith("0 added, 0 updated, 0 retired, 34 unchanged")


def test_ids_written_into_flow_style_cards_and_old_decks_still_load() -> None:
    old = (ROOT / "tests" / "fixtures" / "deck-v1.yaml").read_text(encoding="utf-8")
    deck = parse_deck(old)
    assert deck.generated is None and deck.removed == ()
    flow = old.replace("cards:\n", "cards:\n- {kind: concept, front: Q?, back: A.}\n", 1)
    named = with_missing_ids(flow)
    assert named is not None
    assert "- { id: storage-in-kubernetes-concept-" in named
    assert parse_deck(named).cards[0].front == "Q?"
    assert with_missing_ids(named) is None


def test_a_version_1_deck_is_rebuilt_with_every_id_it_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reworded flow and concept questions keep their cards' ids, and so their history."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    (tmp_path / "decks").mkdir()
    old = ROOT / "tests" / "fixtures" / "deck-v1.yaml"
    shutil.copy(old, tmp_path / DECK)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.stderr
    assert "kept" not in result.stdout
    before = {card.id for card in parse_deck(old.read_text(encoding="utf-8")).cards}
    after = load_deck(DECK)
    assert before <= {card.id for card in after.cards}
    assert after.generated is not None and len(after.generated) == len(after.cards)


def test_an_id_written_into_a_crlf_deck_keeps_its_line_ends() -> None:
    old = (ROOT / "tests" / "fixtures" / "deck-v1.yaml").read_text(encoding="utf-8")
    text = old.replace("cards:\n", "cards:\n" + ADDED, 1).replace("\n", "\r\n")
    named = with_missing_ids(text)
    assert named is not None
    assert "\r\n" in named and "\n" not in named.replace("\r\n", "")
    assert parse_deck(named).cards[0].front == "What does a StorageClass choose?"


def test_field_fingerprints_are_each_cards_fingerprint() -> None:
    """Hashing each distinct text once gives every card the fingerprint it has alone."""
    deck = load_deck(ROOT / "decks" / "05-storage-in-kubernetes.yaml")
    cards = [*deck.cards, deck.cards[0], replace(deck.cards[1], back="")]
    assert field_fingerprints(cards) == [field_fingerprint(card) for card in cards]
    assert field_fingerprints([]) == []
