"""Finding a card's line in its deck file, and the editor command that opens it there."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.cli.card_editing import editor_command
from flashcards.errors import K8sprepError
from flashcards.files.card_place import CardPlace, card_line, find_card
from flashcards.parse.deckfile import dump_deck
from tests.review_helpers import make_deck, write_deck


def test_card_line_is_the_line_of_the_exact_id() -> None:
    deck = make_deck(1, "chapter-1", 12)
    text = dump_deck(deck)
    lines = text.split("\n")
    line = card_line(text, "chapter-1-1")
    assert line is not None and lines[line - 1] == "- id: chapter-1-1"  # not chapter-1-10
    assert card_line("cards:\n  -   id: 'odd-one'  # hand-written\n", "odd-one") == 2
    assert card_line(text, "chapter-1") is None


def test_find_card_looks_here_then_in_decks_and_checks_the_chapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 3))
    place = find_card("chapter-1", "chapter-1-2")
    assert place is not None and place.path == path.resolve()
    assert path.read_text().split("\n")[place.line - 1] == "- id: chapter-1-2"
    assert find_card("other-chapter", "chapter-1-2") is None  # the id in another deck's file
    assert find_card("chapter-1", "chapter-1-9") is None
    bundled = find_card("storage-in-kubernetes", "storage-in-kubernetes-concept-ee5ed1158f")
    assert bundled is not None and bundled.path.name == "05-storage-in-kubernetes.yaml"


def test_find_card_tries_the_file_the_deck_was_imported_from_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    imported = write_deck(tmp_path / "far" / "away", make_deck(1, "chapter-1", 3))
    assert find_card("chapter-1", "chapter-1-2") is None  # not where deck files are kept
    place = find_card("chapter-1", "chapter-1-2", source=imported)
    assert place is not None and place.path == imported.resolve()
    stale = write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 3))
    imported.unlink()  # moved since: the folders are searched as before
    moved = find_card("chapter-1", "chapter-1-2", source=imported)
    assert moved is not None and moved.path == stale.resolve()


def test_the_editor_command_opens_the_file_at_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    place = CardPlace(Path("/d/01 x.yaml"), 14)
    assert editor_command(place, "vim") == ["vim", "+14", "/d/01 x.yaml"]
    assert editor_command(place, "'/opt/my editor/ed' -n") == [
        "/opt/my editor/ed",
        "-n",
        "+14",
        "/d/01 x.yaml",
    ]
    assert editor_command(place, "code -w") == ["code", "-w", "--goto", "/d/01 x.yaml:14"]
    monkeypatch.delenv("EDITOR", raising=False)
    assert editor_command(place) == ["vi", "+14", "/d/01 x.yaml"]
    with pytest.raises(K8sprepError, match="cannot run EDITOR="):
        editor_command(place, "vim 'unclosed")
