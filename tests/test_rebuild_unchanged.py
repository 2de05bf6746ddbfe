"""A rebuild over decks the last build wrote, untouched since, gives what the full merge gives.

``build_chapter`` skips parsing and merging a deck whose text is exactly what it is
about to write. A YAML comment appended to the deck changes its text, not its
content, and so takes the full path (parse, match ids, merge); both must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.files.builder import build_chapter
from flashcards.parse.merge import MergeReport

from .conftest import ROOT

CHAPTERS = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    *sorted((ROOT / "tests" / "fixtures").glob("*.txt")),
    *sorted((ROOT / "tests" / "fixtures").glob("*.md")),
    *sorted((ROOT / "tests" / "fixtures").glob("*.html")),
]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_unchanged_deck_rebuilds_as_the_full_merge_does(chapter: Path, tmp_path: Path) -> None:
    quick, full = tmp_path / "quick", tmp_path / "full"
    first = build_chapter(chapter, quick)
    build_chapter(chapter, full)
    written = first.deck_path.read_bytes()

    full_deck = full / first.deck_path.name
    full_deck.write_bytes(written + b"# a comment: same deck, other text\n")
    slow = build_chapter(chapter, full)
    fast = build_chapter(chapter, quick)

    assert fast.deck == slow.deck == first.deck
    assert fast.kept == slow.kept == MergeReport()
    assert fast.warnings == slow.warnings == first.warnings
    assert fast.deck_path.read_bytes() == full_deck.read_bytes() == written


def test_fresh_rebuild_of_an_unchanged_deck_keeps_a_copy(tmp_path: Path) -> None:
    chapter = ROOT / "seeds" / "05-storage-in-kubernetes.txt"
    first = build_chapter(chapter, tmp_path)
    again = build_chapter(chapter, tmp_path, fresh=True)
    assert again.deck == first.deck
    assert again.backup is not None
    assert again.backup.read_bytes() == first.deck_path.read_bytes()
