"""YAML text <-> :class:`Deck`: the human-editable deck format.

Written for people: block style, unicode kept, multi-line text (diagrams,
answers) as literal blocks, a fixed key order, so a hand edit or a rebuild
gives a small diff. ``dump_deck(parse_deck(text)) == text`` for every deck
this module wrote.

Reading validates everything and reports every problem at once, each with
its line (``decks/x.yaml:14: card has no 'back'``). Only plain YAML is
accepted: documents are composed with the safe loader and converted here, so
a tag such as ``!!python/object`` is refused, never constructed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from flashcards.errors import DeckFileError, DeckProblems
from flashcards.model import (
    DECK_SCHEMA_VERSION,
    READABLE_DECK_VERSIONS,
    Card,
    ChapterInfo,
    Deck,
    Kind,
    Source,
    make_card_id,
    slugify,
)
from flashcards.parse.controls import strip_controls

_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_CHAPTER_NUMBER = 999_999
"""Chapters are numbered in a course; the store orders new cards by this number."""

TOP_KEYS = ("version", "deck", "chapter", "cards", "removed", "generated")
CHAPTER_KEYS = ("number", "slug", "title", "subtitle", "level", "minutes", "next", "next_file")
CARD_KEYS = ("id", "kind", "front", "back", "wrong_answer", "diagram", "tags", "source")
SOURCE_KEYS = ("file", "section")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN_TAGS = frozenset({_STR, _INT, _NULL, _BOOL, _FLOAT, _MAP, _SEQ})


def dump_deck(deck: Deck) -> str:
    """The deck as YAML text, in the fixed, diff-friendly layout.

    Written line by line (a build writes thousands of cards; PyYAML's representer
    was most of its time), byte for byte as PyYAML dumps the whole deck
    (tests/test_deck_writer.py). Only text that is not plainly safe is handed to
    PyYAML, one value at a time and in its place in the deck, so it is quoted and
    wrapped exactly as PyYAML would.
    """
    chapter = deck.chapter
    lines = [
        f"version: {DECK_SCHEMA_VERSION}",
        f"deck: {_scalar(deck.name, 0, 'deck')}",
        "chapter:",
    ]
    for key, value in (
        ("number", chapter.number),
        ("slug", chapter.slug),
        ("title", chapter.title),
        ("subtitle", chapter.subtitle),
        ("level", chapter.level),
        ("minutes", chapter.minutes),
        ("next", chapter.next),
        ("next_file", chapter.next_file),
    ):
        lines.append(f"  {key}: {_value(value, key)}")
    lines.append("cards:" if deck.cards else "cards: []")
    tag_lines: dict[tuple[str, ...], list[str]] = {}
    plain_ids: set[str] = set()
    for card in deck.cards:
        _add_card(lines, card, tag_lines, plain_ids)
    lines.append("removed:" if deck.removed else "removed: []")
    lines.extend(f"- {_scalar(card_id, 0, None)}" for card_id in deck.removed)
    if deck.generated is not None:
        lines.append("generated:" if deck.generated else "generated: {}")
        lines.extend(
            _entry(card_id, fingerprint, plain_ids) for card_id, fingerprint in deck.generated
        )
    text = "\n".join(lines) + "\n"
    if _OPEN_ENDED in text:  # a value kept its final line breaks (``|+``): PyYAML ends with ...
        last = text.endswith(_OPEN_ENDED + "\n")
        text = text.replace(_OPEN_ENDED, "")
        if last or _SafeDumper is getattr(yaml, "CSafeDumper", None):  # libyaml: any such value
            text += "...\n"
    return text


def _value(value: object, key: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return _scalar(str(value), 2, key)


# Characters PyYAML writes as they are (it escapes controls, BOM, line separators and
# everything beyond the Basic Multilingual Plane): the rest goes through PyYAML.
_UNSAFE = "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\t\\r\\ufeff\\u2028\\u2029\\U00010000-\\U0010ffff"
_PLAIN_SAFE = re.compile(f"[A-Za-z0-9(][^{_UNSAFE}\\n#]*")
_LITERAL_SAFE = re.compile(f"[^{_UNSAFE}]*")
_RESOLVER = yaml.resolver.Resolver()

WIDTH = 10_000
"""PyYAML's line width for decks: it wraps quoted and plain text at a space beyond it."""
_SHORT = WIDTH - 100
"""Plain text up to this long fits on its line at any key of the deck: never wrapped."""
_SIMPLE_KEY_CHARS = 128
"""PyYAML writes a longer key as a complex key (``? key``), which YAML reads at any length."""
_OPEN_ENDED = "\x00open-ended\x00"
"""Marks a value PyYAML wrote as ``|+`` (no deck text holds a NUL: it would be escaped)."""


def _entry(card_id: str, fingerprint: str, plain_ids: set[str]) -> str:
    """One entry of the ``generated`` table: a key PyYAML must quote makes PyYAML write it.

    ``plain_ids``: the ids the deck's cards already found :func:`_plain_key`.
    """
    if card_id in plain_ids or _plain_key(card_id):
        if _FINGERPRINT.fullmatch(fingerprint):
            return f"  {card_id}: {fingerprint}"
        return f"  {card_id}: {_scalar(fingerprint, 2, card_id)}"
    return _by_pyyaml({card_id: fingerprint}, 1)


_FINGERPRINT = re.compile(r"[0-9a-f]{6}(?: [0-9a-f]{6}){1,15}")
"""A fingerprint as :func:`flashcards.model.field_fingerprint` writes it: always plain.

Two or more hex words joined by single spaces: no YAML 1.1 int, float or timestamp
holds a space after its first six characters (one word alone, ``123456``, is an
int), so PyYAML writes it as it is; and at most 16 words it is far too short to be
wrapped. Tested here to skip the resolver, which most fingerprints (those starting
with a digit) would otherwise go through.
"""


@functools.lru_cache(maxsize=4096)  # tags, sections and kinds repeat on every card
def _scalar(text: str, indent: int, key: str | None) -> str:
    """A text value after ``key:`` (``-`` if None) at column ``indent``: plain, literal, PyYAML."""
    if "\n" not in text:
        if len(text) <= _SHORT and _plain(text):
            return text
    elif (
        _LITERAL_SAFE.fullmatch(text)
        and not text.startswith((" ", "\n"))
        and not text.endswith(("\n", " "))
        and " \n" not in text
    ):
        pad = " " * (indent + 2)
        return "|-\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))
    if key is None:  # a list item, written by PyYAML under a key at the same column
        written = _by_pyyaml({"tags": [text]}, indent // 2).split("\n", 1)[1]
        return written[indent + 2 :]
    written = _by_pyyaml({key: text}, indent // 2)
    return written[indent + len(key) + 2 :]


def _plain_key(text: str) -> bool:
    """Whether PyYAML writes ``text`` plain, as it is, as a simple key (and so as a value)."""
    return "\n" not in text and len(text) < _SIMPLE_KEY_CHARS and _plain(text)


def _plain(text: str) -> bool:
    """Whether PyYAML writes this one-line text plain, as it is."""
    return bool(
        _PLAIN_SAFE.fullmatch(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and (
            _cannot_resolve(text) or _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR  # type: ignore[no-untyped-call]
        )
    )


def _cannot_resolve(text: str) -> bool:
    """Plain text starting with a letter is a string, unless a YAML 1.1 bool or null word."""
    return text[0].isalpha() and (len(text) > 5 or text.casefold() not in _WORD_VALUES)


_WORD_VALUES = frozenset("yes no true false on off null".split())


def _by_pyyaml(node: object, depth: int) -> str:
    """``node`` as PyYAML writes it nested ``depth`` mappings deep, without the nesting lines.

    Nested for real, not indented afterwards: where PyYAML wraps a long line depends on
    the column the text starts at.
    """
    for _ in range(depth):
        node = {"k": node}
    dumped = yaml.dump(
        node, Dumper=_DeckDumper, allow_unicode=True, width=WIDTH, default_flow_style=False
    )
    open_ended = dumped.endswith("\n...\n")
    if open_ended:
        dumped = dumped[: -len("...\n")]
    written = dumped.split("\n", depth)[depth].removesuffix("\n")
    return written + _OPEN_ENDED if open_ended else written


def _add_card(
    lines: list[str],
    card: Card,
    tag_lines: dict[tuple[str, ...], list[str]],
    plain_ids: set[str],
) -> None:
    """One card's lines, its keys in :data:`CARD_KEYS` order.

    Written key by key rather than from a mapping of the card: a build writes
    thousands of cards, and building a dict for each one to walk it was a tenth
    of the dump. ``tag_lines``: the ``tags`` lines written so far in this deck, by
    tags (the cards of a kind share theirs). ``plain_ids``: the ids written as they
    are, which the ``generated`` table then writes as keys without testing them again.
    """
    if _plain_key(card.id):
        plain_ids.add(card.id)
        lines.append(f"- id: {card.id}")
    else:
        lines.append(f"- id: {_scalar(card.id, 2, 'id')}")
    lines.append(_KIND_LINES[card.kind])
    lines.append(f"  front: {_scalar(card.front, 2, 'front')}")
    lines.append(f"  back: {_scalar(card.back, 2, 'back')}")
    if card.kind is Kind.INTERVIEW or card.wrong_answer:
        lines.append(f"  wrong_answer: {_scalar(card.wrong_answer, 2, 'wrong_answer')}")
    if card.diagram:
        lines.append(f"  diagram: {_scalar(card.diagram, 2, 'diagram')}")
    written = tag_lines.get(card.tags)
    if written is None:
        written = tag_lines[card.tags] = ["  tags:" if card.tags else "  tags: []"]
        written.extend(f"  - {_scalar(tag, 2, None)}" for tag in card.tags)
    lines.extend(written)
    lines.append("  source:")
    lines.append(f"    file: {_scalar(card.source.file, 4, 'file')}")
    lines.append(f"    section: {_scalar(card.source.section, 4, 'section')}")


_KIND_LINES = {kind: f"  kind: {_scalar(kind.value, 2, 'kind')}" for kind in Kind}
"""Each kind's line, written once: every card has one."""


class _DeckDumper(_SafeDumper):  # type: ignore[misc]  # base picked at run time (C or Python)
    """The safe dumper, writing multi-line text as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and not text.endswith(" ") else None
    return dumper.represent_scalar(_STR, text, style=style)


_DeckDumper.add_representer(str, _represent_str)


def parse_deck(text: str, path: str = "<deck>") -> Deck:
    """Read and validate a deck.

    Raises:
        DeckFileError: the text is not YAML at all.
        DeckProblems: every schema problem found, each with its line.
    """
    return _check(text, path)[0]


def with_missing_ids(text: str, path: str = "<deck>") -> str | None:
    """The deck text with an ``id:`` written into every card that has none, else ``None``.

    A hand-added card needs no id: it gets the one a build would derive (slug, kind,
    front), inserted as the card's first key. Nothing else in the text changes, so
    comments, order and layout the user chose stay as they were.

    Raises:
        DeckFileError, DeckProblems: as :func:`parse_deck`.
    """
    _, missing = _check(text, path)
    if not missing:
        return None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in body else "\n"
    for place in sorted(missing, key=lambda place: place.index, reverse=True):
        card_id = place.card_id
        if body[place.index] == "{":  # a flow mapping: {kind: ..., front: ...}
            insert, at = f" id: {card_id},", place.index + 1
        else:
            insert, at = f"id: {card_id}{newline}{' ' * place.column}", place.index
        body = body[:at] + insert + body[at:]
    return bom + body


@dataclass(frozen=True)
class _MissingId:
    """Where a card without ``id`` starts in the text, and the id it was given."""

    index: int
    column: int
    card_id: str


def _check(text: str, path: str) -> tuple[Deck, list[_MissingId]]:
    try:
        root = yaml.compose(text.removeprefix("\ufeff"), Loader=_SafeLoader)
    except yaml.YAMLError as error:
        problem, line = _yaml_problem(error)
        raise DeckFileError(f"not valid YAML: {problem}", path=path, line=line) from None
    checker = _Checker(path)
    deck = checker.deck(root)
    if checker.problems or deck is None:
        raise DeckProblems(checker.problems or [DeckFileError("empty deck file", path=path)])
    return deck, checker.missing


def _yaml_problem(error: yaml.YAMLError) -> tuple[str, int | None]:
    """What went wrong, and the line a person should look at.

    PyYAML marks where it gave up; for text that never ends (an unclosed quote)
    that is the end of the file, lines below the mistake. Its *context* mark is
    where that text began: the line to report then.
    """
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None) or ""
    start = getattr(error, "context_mark", None)
    if start is not None and context.startswith("while scanning a quoted scalar"):
        return "a quoted value starts here and is never closed", start.line + 1
    if start is not None and "end of stream" in problem:
        return f"{context.removeprefix('while ')}: {problem}", start.line + 1
    return problem, mark.line + 1 if mark is not None else None


class _Checker:
    """Converts the composed YAML tree to a Deck, collecting every problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[DeckFileError] = []
        self.missing: list[_MissingId] = []

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(DeckFileError(message, path=self.path, line=line))

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.problem(node, f"{what} must be a mapping of keys to values")
            return {}
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                self.problem(
                    key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})"
                )
            elif key in found:
                self.problem(key_node, f"duplicate key {key!r} in {what}")
            else:
                found[key] = value_node
        return found

    def scalar(self, node: yaml.Node | None, what: str, kind: type, *, required: bool) -> Any:
        if node is None:  # a missing key is reported by the caller, with its parent's line
            return None
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, f"{what}: YAML tag {node.tag} is not allowed in a deck")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be a single value, not a list or mapping")
            return None
        if node.tag == _NULL:
            if required:
                self.problem(node, f"{what} is empty")
            return None
        if kind is int:
            if node.tag != _INT:
                self.problem(node, f"{what} must be a whole number, not {node.value!r}")
                return None
            try:
                return int(node.value.replace("_", ""), 0)
            except ValueError:  # YAML 1.1 ints Python refuses: 010, 0x_, 1:30, 5000 digits
                self.problem(node, f"{what} must be a whole number, not {_clip(node.value)}")
                return None
        # a bare number where text is expected keeps its text; a control character
        # ("\e[2J" in double quotes) is dropped, so no card can drive a terminal
        return strip_controls(str(node.value))

    def text(self, fields: dict[str, yaml.Node], key: str, what: str, *, required: bool) -> str:
        node = fields.get(key)
        value = self.scalar(node, f"{what} {key!r}", str, required=required)
        if required and node is not None and value is not None and not value.strip():
            self.problem(node, f"{what} {key!r} is empty")
        return value or ""

    def deck(self, root: yaml.Node | None) -> Deck | None:
        if root is None:
            self.problems.append(DeckFileError("empty deck file", path=self.path, line=1))
            return None
        top = self.mapping(root, "the deck", TOP_KEYS)
        if not top:
            return None
        for key in ("version", "deck"):
            if key not in top:
                self.problem(root, f"the deck has no {key!r}")
        version = self.scalar(top.get("version"), "'version'", int, required=True)
        if version is not None and version not in READABLE_DECK_VERSIONS:
            self.problem(
                top["version"],
                f"deck format version {version} is not supported (this k8sprep reads "
                f"versions {READABLE_DECK_VERSIONS[0]} to {DECK_SCHEMA_VERSION})",
            )
        name = self.text(top, "deck", "the deck's", required=True)
        chapter = self.chapter(top.get("chapter"), root)
        slug = (chapter.slug or slugify(chapter.title)) if chapter else "chapter"
        cards = self.cards(top.get("cards"), root, slug)
        removed = self.id_list(top.get("removed"))
        generated = self.generated(top.get("generated"))
        if chapter is None:
            return None
        return Deck(
            name=name,
            chapter=chapter,
            cards=tuple(cards),
            removed=removed,
            generated=generated,
        )

    def id_list(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None or node.tag == _NULL:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "'removed' must be a list of card ids")
            return ()
        ids = [self.scalar(item, "a removed card id", str, required=True) for item in node.value]
        return tuple(dict.fromkeys(card_id for card_id in ids if card_id))

    def generated(self, node: yaml.Node | None) -> tuple[tuple[str, str], ...] | None:
        if node is None:
            return None
        if node.tag == _NULL:
            return ()
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.problem(node, "'generated' must map card ids to fingerprints")
            return ()
        table: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, "a 'generated' card id", str, required=True)
            value = self.scalar(value_node, f"'generated' entry {key!r}", str, required=True)
            if key is not None and value is not None:
                table[key] = value
        return tuple(table.items())

    def chapter(self, node: yaml.Node | None, parent: yaml.Node) -> ChapterInfo | None:
        if node is None:
            self.problem(parent, "missing 'chapter'")
            return None
        fields = self.mapping(node, "'chapter'", CHAPTER_KEYS)
        number = self.scalar(fields.get("number"), "chapter 'number'", int, required=True)
        if "number" not in fields:
            self.problem(node, "chapter has no 'number'")
        elif number is not None and not 0 <= number <= MAX_CHAPTER_NUMBER:
            self.problem(
                fields["number"], f"chapter 'number' must be from 0 to {MAX_CHAPTER_NUMBER:,}"
            )
            number = None
        title = self.text(fields, "title", "chapter", required=True)
        if "title" not in fields:
            self.problem(node, "chapter has no 'title'")
        return ChapterInfo(
            number=number or 0,
            slug=self.text(fields, "slug", "chapter", required=False),
            title=title,
            subtitle=self.text(fields, "subtitle", "chapter", required=False),
            level=self.text(fields, "level", "chapter", required=False),
            minutes=self.scalar(fields.get("minutes"), "chapter 'minutes'", int, required=False),
            next=self.scalar(fields.get("next"), "chapter 'next'", int, required=False),
            next_file=self.text(fields, "next_file", "chapter", required=False),
        )

    def cards(self, node: yaml.Node | None, parent: yaml.Node, slug: str) -> list[Card]:
        if node is None:
            self.problem(parent, "missing 'cards'")
            return []
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.problem(node, "'cards' must be a list")
            return []
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        unnamed: list[tuple[yaml.Node, Card]] = []
        for item in node.value:
            card = self.card(item)
            if card is None:
                continue
            if not card.id:
                unnamed.append((item, card))
                continue
            if card.id in first_line:
                self.problem(
                    item, f"duplicate card id {card.id!r} (first on line {first_line[card.id]})"
                )
                continue
            first_line[card.id] = item.start_mark.line + 1
            cards.append(card)
        for item, card in unnamed:  # named after the others, so an id the user wrote wins
            card_id = base = make_card_id(slug, card.kind, card.front)
            suffix = 1
            while card_id in first_line:
                suffix += 1
                card_id = f"{base}-{suffix}"
            first_line[card_id] = item.start_mark.line + 1
            self.missing.append(_MissingId(item.start_mark.index, item.start_mark.column, card_id))
            cards.insert(node.value.index(item), replace(card, id=card_id))
        return cards

    def card(self, node: yaml.Node) -> Card | None:
        before = len(self.problems)
        fields = self.mapping(node, "a card", CARD_KEYS)
        if not fields:
            return None
        for key in ("kind", "front", "back"):
            if key not in fields:
                self.problem(node, f"card has no {key!r}")
        card_id = self.text(fields, "id", "card", required=True)  # none: derived by cards()
        kind_text = self.text(fields, "kind", "card", required=True)
        kind: Kind | None = None
        if kind_text:
            try:
                kind = Kind(kind_text)
            except ValueError:
                self.problem(
                    fields["kind"],
                    f"unknown card kind {kind_text!r} (one of: {', '.join(k.value for k in Kind)})",
                )
        front = self.text(fields, "front", "card", required=True)
        back = self.text(fields, "back", "card", required=True)
        tags = self.tags(fields.get("tags"))
        source = self.source(fields.get("source"))
        card = Card(
            id=card_id,
            kind=kind or Kind.CONCEPT,
            front=front,
            back=back,
            tags=tags,
            source=source,
            wrong_answer=self.text(fields, "wrong_answer", "card", required=False),
            diagram=self.text(fields, "diagram", "card", required=False),
        )
        return card if len(self.problems) == before else None

    def tags(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "'tags' must be a list of words")
            return ()
        tags = [self.scalar(item, "a tag", str, required=True) for item in node.value]
        for item, tag in zip(node.value, tags, strict=True):
            if tag is not None and (not tag or any(char.isspace() for char in tag)):
                self.problem(item, f"tag {tag!r} must be one word without spaces")
        return tuple(tag for tag in tags if tag)

    def source(self, node: yaml.Node | None) -> Source:
        if node is None:
            return Source("", "")
        fields = self.mapping(node, "'source'", SOURCE_KEYS)
        return Source(
            self.text(fields, "file", "source", required=False),
            self.text(fields, "section", "source", required=False),
        )


def _clip(text: str, limit: int = 40) -> str:
    """``text`` quoted for an error line, cut short so a huge value stays one line."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
