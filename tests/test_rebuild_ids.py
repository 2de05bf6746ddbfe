"""Rebuilding a big chapter after every front changed: ids kept, in near-linear work.

Work is counted, not timed: how many fronts difflib compares letter by letter. Every
pair of old and new fronts (quadratic) took 167 s for 1,500 questions; each edited
front is now compared with a handful of old ones that share most of its words.
"""

from __future__ import annotations

import difflib

import pytest

from flashcards.model import Card, Kind
from flashcards.parse.cards import build_deck, keep_existing_ids
from flashcards.parse.chapter import parse_chapter

WORDS = "pod node claim volume class driver service ingress policy quota budget replica".split()


def chapter(questions: int, *, edited: bool) -> str:
    lines = ["07. Many Questions — Rebuilding", "", "Interview Q&A¶"]
    for index in range(questions):
        words = " ".join(WORDS[(index + k * 5) % len(WORDS)] for k in range(4))
        verb = "do" if edited else "does"
        lines.append(f"Q: Why {verb} the {words} matter in case {index}? A: Because of {words}.")
    return "\n".join(lines) + "\n"


@pytest.fixture
def ratios(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the letter-by-letter comparisons difflib makes."""
    calls: list[int] = []
    original = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    return calls


@pytest.mark.parametrize("questions", [100, 400])
def test_every_edited_front_keeps_its_id_with_a_few_comparisons_each(
    questions: int, ratios: list[int]
) -> None:
    old = build_deck(parse_chapter(chapter(questions, edited=False), "q").chapter, "q.txt")
    new_chapter = parse_chapter(chapter(questions, edited=True), "q").chapter
    fresh = build_deck(new_chapter, "q.txt")
    assert all(a.id != b.id for a, b in zip(fresh.cards, old.cards, strict=True))
    ratios.clear()
    rebuilt = build_deck(new_chapter, "q.txt", existing=old)
    assert [card.id for card in rebuilt.cards] == [card.id for card in old.cards]
    assert len(ratios) <= 2 * questions  # all pairs would be questions**2


def test_the_most_alike_front_wins_and_unrelated_ones_get_new_ids() -> None:
    old = build_deck(parse_chapter(chapter(30, edited=False), "q").chapter, "q.txt").cards
    edited = build_deck(parse_chapter(chapter(30, edited=True), "q").chapter, "q.txt").cards
    swapped = [edited[7], edited[3]]  # out of order: each still finds its own
    kept = keep_existing_ids(swapped, old)
    assert [card.id for card in kept] == [old[7].id, old[3].id]
    other = Card(id="x", kind=Kind.INTERVIEW, front="What does a CSI node plugin do?", back="b")
    assert keep_existing_ids([other], old)[0].id == "x"
    recall = Card(id="y", kind=Kind.RECALL, front=edited[5].front, back="b")
    assert keep_existing_ids([recall], old)[0].id == "y"  # another kind never matches
