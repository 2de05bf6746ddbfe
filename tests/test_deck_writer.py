"""The line-by-line deck writer writes exactly the bytes PyYAML's dumper writes.

``dump_deck`` writes a deck line by line and hands only values it cannot prove
plain or literal-safe to PyYAML. The reference here is the whole deck dumped by
PyYAML in one go, as the writer did before it; every deck and every awkward
string must come out byte for byte the same.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards.files.builder import read_chapter
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.parse.cards import build_deck
from flashcards.parse.deckfile import dump_deck, parse_deck
from flashcards.parse.merge import record

from .conftest import BUNDLED_DECK

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CHAPTERS = sorted(
    [*FIXTURES.glob("*.txt"), *FIXTURES.glob("*.md"), *FIXTURES.glob("*.html")]
) + sorted((ROOT / "seeds").glob("*.txt"))

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ReferenceDumper(_Dumper):  # type: ignore[misc,valid-type]
    """The safe dumper, multi-line text as literal blocks (the writer's old settings)."""


def _literal(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and not text.endswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ReferenceDumper.add_representer(str, _literal)


def reference_dump(deck: Deck) -> str:
    """The deck dumped by PyYAML as one document."""
    chapter = deck.chapter
    cards = []
    for card in deck.cards:
        document: dict[str, Any] = {
            "id": card.id,
            "kind": card.kind.value,
            "front": card.front,
            "back": card.back,
        }
        if card.kind is Kind.INTERVIEW or card.wrong_answer:
            document["wrong_answer"] = card.wrong_answer
        if card.diagram:
            document["diagram"] = card.diagram
        document["tags"] = list(card.tags)
        document["source"] = {"file": card.source.file, "section": card.source.section}
        cards.append(document)
    top: dict[str, Any] = {
        "version": 2,
        "deck": deck.name,
        "chapter": {
            "number": chapter.number,
            "slug": chapter.slug,
            "title": chapter.title,
            "subtitle": chapter.subtitle,
            "level": chapter.level,
            "minutes": chapter.minutes,
            "next": chapter.next,
            "next_file": chapter.next_file,
        },
        "cards": cards,
        "removed": list(deck.removed),
    }
    if deck.generated is not None:
        top["generated"] = dict(deck.generated)
    return str(
        yaml.dump(
            top,
            Dumper=_ReferenceDumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=10_000,
            indent=2,
        )
    )


def test_bundled_deck_is_written_as_pyyaml_writes_it() -> None:
    deck = parse_deck(BUNDLED_DECK.read_text(encoding="utf-8"))
    assert dump_deck(deck) == reference_dump(deck)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_every_chapter_deck_is_written_as_pyyaml_writes_it(chapter: Path) -> None:
    deck = record(build_deck(read_chapter(chapter).chapter, chapter.name))
    assert deck.cards
    assert dump_deck(deck) == reference_dump(deck)


def test_fixture_deck_is_written_as_pyyaml_writes_it() -> None:
    deck = parse_deck((FIXTURES / "deck-v1.yaml").read_text(encoding="utf-8"))
    assert dump_deck(deck) == reference_dump(deck)


AWKWARD = [
    "",
    " ",
    "  leading spaces",
    "trailing space ",
    "it's",
    "'quoted'",
    '"double"',
    "both ' and \"",
    "key: value",
    "ends with colon:",
    "a:b",
    "http://example.com/x?y=1#frag",
    "# a comment",
    "not # a comment",
    "tab\there",
    "- a list item",
    "-",
    "--- document",
    "...",
    "? key",
    "[flow]",
    "{flow}",
    "&anchor",
    "*alias",
    "!tag",
    "%directive",
    "@at",
    "`tick",
    "|",
    ">",
    ",comma",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "1",
    "007",
    "0x1f",
    "0o17",
    "1_000",
    "1e3",
    "3.14",
    ".5",
    ".inf",
    "-.INF",
    ".nan",
    "1:30",
    "2026-11-26",
    "2026-11-26 09:30:00",
    "=",
    "<<",
    "(parenthesis) first",
    "100% sure",
    "café ✓ 日本語",
    "emoji 😀 beyond the BMP",
    "bell \x07 and escape \x1b[2J",
    "nel \x85 and nbsp \xa0",
    "line\u2028separator",
    "bom \ufeff inside",
    "del \x7f",
    "cr\rinside",
    "x" * 5000,
    "word " * 3000,
    ("word " * 3000).strip(),
    ("w" * 9895 + " tail ") * 3,
    "x " * 4980 + "end",
    "two\nlines",
    "two\nlines\n",
    "trailing\n\n",
    "\nleading newline",
    " leading space\nsecond",
    "space before \nnewline",
    "ends with space\n ",
    "blank\n\nline",
    "indented\n  second",
    "tab\n\tsecond",
    "quote ' and\nnewline",
    "colon: and\nnewline",
    "- item\n- item",
    "# comment\nline",
    "unicode ✓\nline",
    "emoji 😀\nline",
    "control \x07\nline",
    "cr\r\nline",
    "long\n" + "y" * 12000,
]


def awkward_deck(text: str) -> Deck:
    """A deck holding ``text`` in every place a string can go."""
    card = Card(
        id=text or "id",
        kind=Kind.INTERVIEW,
        front=text or "front",
        back=text or "back",
        tags=(text,) if text else (),
        source=Source(text, text),
        wrong_answer=text,
        diagram=text,
    )
    plain = Card(id="plain", kind=Kind.CONCEPT, front="f", back="b")
    info = ChapterInfo(
        number=5,
        slug=text,
        title=text,
        subtitle=text,
        level=text,
        minutes=7,
        next=None,
        next_file=text,
    )
    return Deck(
        name=text,
        chapter=info,
        cards=(card, plain),
        removed=(text,) if text else (),
        generated=((text or "id", text), ("plain", "abc123")),
    )


@pytest.mark.parametrize("text", AWKWARD, ids=lambda text: repr(text[:24]))
def test_awkward_strings_are_written_as_pyyaml_writes_them(text: str) -> None:
    deck = awkward_deck(text)
    assert dump_deck(deck) == reference_dump(deck)


_awkward_piece = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(list(" \n\t'\":#-?[]{},&*!|>%@`~\x85\u2028\ufeff")),
    max_size=8,
) | st.sampled_from(["yes", "no", "null", "true", "1", "0x", ".5", ": ", " #", "- ", "\n "])
_awkward_text = st.lists(_awkward_piece, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(_awkward_text)
@example("no")
@example("a: b")
@example("...\n")
@example("trailing\n\n")
def test_any_string_is_written_as_pyyaml_writes_it(text: str) -> None:
    deck = awkward_deck(text)
    assert dump_deck(deck) == reference_dump(deck)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789abcdef", min_size=6, max_size=6), max_size=7))
@example(["123456"])  # one word alone: an int, quoted
@example(["123456", "789012"])
@example(["000000", "0e1234", "1e1000", "deadbe", "ffffff"])
def test_fingerprints_of_hex_words_are_written_as_pyyaml_writes_them(words: list[str]) -> None:
    """Fingerprints of the shape the build records skip the resolver: the bytes stay PyYAML's."""
    deck = replace(awkward_deck("plain"), generated=(("an-id", " ".join(words)),))
    assert dump_deck(deck) == reference_dump(deck)


PURE_PYTHON_CHECK = """
import yaml
del yaml.CSafeDumper, yaml.CSafeLoader  # as where PyYAML was built without libyaml
from tests.test_deck_writer import AWKWARD, awkward_deck, reference_dump
from flashcards.parse import deckfile
assert deckfile._SafeDumper is yaml.SafeDumper
texts = [*AWKWARD, "kept\\n\\n", "a\\n\\n\\n"]
bad = [t for t in texts if deckfile.dump_deck(awkward_deck(t)) != reference_dump(awkward_deck(t))]
print(len(texts), "strings, differing:", bad)
"""


def test_without_libyaml_too() -> None:
    """PyYAML's pure-Python emitter ends a document with ``...`` only after a final ``|+``."""
    result = subprocess.run(
        [sys.executable, "-c", PURE_PYTHON_CHECK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("strings, differing: []\n"), result.stdout
