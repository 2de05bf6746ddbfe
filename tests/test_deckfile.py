"""The YAML deck format: round trips, and every problem reported with its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.errors import DeckFileError, DeckProblems
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.parse.deckfile import dump_deck, parse_deck

from .conftest import BUNDLED_DECK

GOOD = """\
version: 1
deck: 07 Networking
chapter:
  number: 7
  title: Networking
cards:
- id: net-1
  kind: interview
  front: What is a Service?
  back: A stable name.
  wrong_answer: ''
  tags:
  - ch07
  source:
    file: 07.txt
    section: Interview Q&A
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(DeckProblems) as raised:
        parse_deck(text, "decks/x.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_bundled_deck_round_trips_byte_for_byte() -> None:
    text = BUNDLED_DECK.read_text(encoding="utf-8")
    assert dump_deck(parse_deck(text, str(BUNDLED_DECK))) == text


def test_dump_is_readable_yaml() -> None:
    text = BUNDLED_DECK.read_text(encoding="utf-8")
    assert text.startswith("version: 2\ndeck: 05 Storage in Kubernetes\nchapter:\n  number: 5\n")
    assert "  diagram: |-\n    ┌" in text  # diagrams are literal blocks, unicode kept
    assert "\\u" not in text


def test_good_deck_loads() -> None:
    deck = parse_deck(GOOD, "x.yaml")
    assert deck.chapter == ChapterInfo(number=7, slug="", title="Networking")
    assert deck.cards == (
        Card(
            id="net-1",
            kind=Kind.INTERVIEW,
            front="What is a Service?",
            back="A stable name.",
            tags=("ch07",),
            source=Source("07.txt", "Interview Q&A"),
        ),
    )


def test_every_problem_is_reported_at_once_with_its_line() -> None:
    text = (
        GOOD.replace("kind: interview", "kind: riddle")
        + "- id: net-1\n  kind: flow\n  front: Stages?\n  back: a → b\n  colour: red\n"
        + "- id: net-3\n  kind: recall\n  back: x\n"
        + "- id: net-4\n  kind: recall\n  front: [not, text]\n  back: x\n"
    )
    assert problems_of(text) == [
        "decks/x.yaml:8: unknown card kind 'riddle' "
        "(one of: concept, definition, flow, recall, interview, practice)",
        "decks/x.yaml:21: unknown key 'colour' in a card (allowed: id, kind, front, back, "
        "wrong_answer, diagram, tags, source)",
        "decks/x.yaml:22: card has no 'front'",
        "decks/x.yaml:27: card 'front' must be a single value, not a list or mapping",
    ]


def test_duplicate_ids_name_the_first_line() -> None:
    text = GOOD + "- id: net-1\n  kind: recall\n  front: Again?\n  back: Yes.\n"
    assert problems_of(text) == ["decks/x.yaml:17: duplicate card id 'net-1' (first on line 7)"]


def test_wrong_types_and_unknown_top_level_keys() -> None:
    text = GOOD.replace("number: 7", "number: seven").replace(
        "version: 1", "version: 1\nauthor: me"
    )
    assert problems_of(text) == [
        "decks/x.yaml:2: unknown key 'author' in the deck (allowed: version, deck, chapter, cards, "
        "removed, generated)",
        "decks/x.yaml:5: chapter 'number' must be a whole number, not 'seven'",
    ]


def test_empty_front_and_newer_version() -> None:
    text = GOOD.replace("front: What is a Service?", "front: '  '").replace(
        "version: 1", "version: 3"
    )
    assert problems_of(text) == [
        "decks/x.yaml:1: deck format version 3 is not supported (this k8sprep reads versions "
        "1 to 2)",
        "decks/x.yaml:9: card 'front' is empty",
    ]


def test_python_tags_are_refused_not_constructed() -> None:
    text = GOOD.replace("back: A stable name.", "back: !!python/object/apply:os.system ['echo hi']")
    problems = problems_of(text)
    assert len(problems) == 1
    assert problems[0].startswith("decks/x.yaml:10: ")
    assert "tag:yaml.org,2002:python/object/apply:os.system" in problems[0]


def test_broken_yaml_names_its_line() -> None:
    with pytest.raises(DeckFileError) as raised:
        parse_deck(GOOD + "  - : : [\n", "decks/x.yaml")
    assert str(raised.value).startswith("decks/x.yaml:")
    assert "not valid YAML" in str(raised.value)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- list\n", "just text\n"])
def test_not_a_deck(text: str) -> None:
    with pytest.raises((DeckProblems, DeckFileError)) as raised:
        parse_deck(text, "decks/x.yaml")
    assert str(raised.value).startswith("decks/x.yaml")


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.just("\n"),
    max_size=60,
)
_word = st.text(alphabet="abcdefghij-0123456789", min_size=1, max_size=12)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    cards = []
    for index in range(draw(st.integers(0, 4))):
        cards.append(
            Card(
                id=f"card-{index}",
                kind=draw(st.sampled_from(list(Kind))),
                front=draw(_text.filter(str.strip)),
                back=draw(_text.filter(str.strip)),
                tags=tuple(draw(st.lists(_word, max_size=3))),
                source=Source(draw(_text.map(lambda s: s.replace("\n", " "))), draw(_text)),
                wrong_answer=draw(_text),
                diagram=draw(_text),
            )
        )
    info = ChapterInfo(
        number=draw(st.integers(0, 999)),
        slug=draw(_word),
        title=draw(_text.filter(str.strip)),
        minutes=draw(st.none() | st.integers(0, 500)),
        next=draw(st.none() | st.integers(0, 999)),
    )
    return Deck(name=draw(_text.filter(str.strip)), chapter=info, cards=tuple(cards))


@settings(max_examples=200, deadline=None)
@given(decks())
def test_dump_then_load_round_trips(deck: Deck) -> None:
    text = dump_deck(deck)
    loaded = parse_deck(text, "x.yaml")
    assert loaded == deck
    assert dump_deck(loaded) == text


@pytest.mark.parametrize("number", ["-1", "1000000", "10000000000000000000000"])
def test_chapter_number_out_of_range(number: str) -> None:
    assert problems_of(GOOD.replace("number: 7", f"number: {number}")) == [
        "decks/x.yaml:4: chapter 'number' must be from 0 to 999,999"
    ]
