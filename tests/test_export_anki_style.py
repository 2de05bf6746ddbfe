"""How exported cards read in Anki: checked on cards rendered by the real Anki backend.

The bundled deck is exported, imported into a fresh collection, and each kind of
card rendered with ``card.question()`` / ``card.answer()``; the assertions are on
that HTML and on the note types' CSS as Anki stored it: every colour has a night
value with readable contrast, diagrams keep their drawing and scroll inside their
own box, a trap is marked wrong and kept apart from the answer, flow stages come
in order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from anki.collection import Collection
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters import anki as anki_exporter
from exporters.anki import export
from exporters.anki_notetypes import NOTE_TYPES
from exporters.anki_style import CSS
from exporters.base import ExportOptions
from exporters.html_text import answer_to_html, split_flow, text_to_html
from flashcards.files.decks import load_deck
from flashcards.model import Deck, Kind
from tests.conftest import BUNDLED_DECK
from tests.export_samples import NOW, anki_collection, import_package, notes_by_field

if TYPE_CHECKING:  # anki.cards must not be imported before anki.collection
    from anki.cards import Card as AnkiCard

LIGHT = ".card"
NIGHT_SELECTORS = (".card.nightMode", ".nightMode .card", ".card.night_mode", ".night_mode .card")


# --- helpers: the CSS and the rendered HTML, read as a browser would ----------------------


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """Each top-level ``selector { declarations }`` of ``css``, media queries left out."""
    top_level = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", css)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", top_level):
        declarations = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            if name.strip():
                declarations[name.strip()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    return rules


def phone_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of the narrow-screen media query."""
    found = re.search(r"@media \(max-width: (\d+)px\) \{((?:[^{}]*\{[^{}]*\})*)\s*\}", css)
    assert found is not None, "no narrow-screen rules"
    assert int(found.group(1)) >= 390  # a common phone width is inside it
    return css_rules(found.group(2))


def rule_for(css: str, selector: str) -> dict[str, str]:
    """The declarations of the first rule whose selector list contains ``selector``."""
    for selectors, declarations in css_rules(css):
        if selector in [part.strip() for part in selectors.split(",")]:
            return declarations
    raise AssertionError(f"no CSS rule for {selector}")


def variables(declarations: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in declarations.items() if name.startswith("--")}


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class Text(HTMLParser):
    """Rendered card HTML as (text, classes of every enclosing element) pieces, in order."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input"})

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.pieces: list[tuple[str, frozenset[str]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.VOID:
            if tag == "br":
                self.handle_data("\n")
            return
        classes = frozenset((dict(attrs).get("class") or "").split())
        self.stack.append((tag, classes | {f"<{tag}>"}))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "style":
            return
        classes = frozenset().union(*(c for _, c in self.stack)) if self.stack else frozenset()
        self.pieces.append((data, classes))

    def within(self, css_class: str) -> str:
        """All text inside elements of ``css_class``."""
        return "".join(text for text, classes in self.pieces if css_class in classes)

    def plain(self) -> str:
        return "".join(text for text, _ in self.pieces)


@pytest.fixture(scope="module")
def bundled() -> Deck:
    return load_deck(BUNDLED_DECK)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory, bundled: Deck) -> Iterator[Collection]:
    """The bundled deck, exported and imported into a fresh real Anki collection."""
    folder = tmp_path_factory.mktemp("anki-style")
    package = folder / "bundled.apkg"
    export([bundled], package, ExportOptions(now=NOW, ledger_path=folder / "ledger.json"))
    with anki_collection(folder / "col.anki2") as col:
        import_package(col, package)
        yield col


def cards_of(col: Collection, template: str) -> list[AnkiCard]:
    found = [col.get_card(cid) for cid in col.find_cards(f'"card:{template}"')]
    assert found, f"no {template} cards in the bundled deck"
    return found


def stored_css(col: Collection) -> str:
    """The CSS Anki stored for our note types (one sheet shared by all of them)."""
    stored = [col.models.by_name(nt.name) for nt in NOTE_TYPES.values()]
    styles = {str(note_type["css"]) for note_type in stored if note_type is not None}
    assert all(note_type is not None for note_type in stored)
    assert len(styles) == 1
    return styles.pop()


# --- colours: every one has a night value, and both modes read well -----------------------


def test_every_colour_is_a_variable_with_a_night_value(collection: Collection) -> None:
    css = stored_css(collection)
    light = variables(rule_for(css, LIGHT))
    for selector in NIGHT_SELECTORS:
        night = variables(rule_for(css, selector))
        assert set(night) == set(light), selector
        assert [name for name in light if night[name] == light[name]] == [], selector

    used = set(re.findall(r"var\((--[\w-]+)\)", css))
    assert used <= set(light), "a colour variable used without a day and night value"
    colour_words = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|\b(?:white|black|red)\b")
    for selectors, declarations in css_rules(css):
        for name, value in declarations.items():
            if name.startswith("--"):
                continue
            assert not colour_words.search(value), f"{selectors} {name}: {value} is not a variable"


def test_the_whole_page_turns_dark_at_night(collection: Collection) -> None:
    """Where ``.card`` is a box inside the page, the page around it must not stay white."""
    css = stored_css(collection)
    for selector in ("body.nightMode", "body.night_mode"):
        declarations = rule_for(css, selector)
        assert declarations["background"] == "var(--bg)"
        assert declarations["--bg"] == variables(rule_for(css, ".card.nightMode"))["--bg"]


@pytest.mark.parametrize("mode", [LIGHT, ".card.nightMode"])
def test_text_contrast_is_readable_in_both_modes(collection: Collection, mode: str) -> None:
    colours = variables(rule_for(stored_css(collection), mode))
    pairs = [
        ("--fg", "--bg"),
        ("--muted", "--bg"),
        ("--accent", "--bg"),
        ("--good-fg", "--bg"),
        ("--trap-fg", "--bg"),
        ("--trap-fg", "--trap-bg"),
        ("--fg", "--trap-bg"),
        ("--fg", "--pre-bg"),
    ]
    for text, ground in pairs:
        ratio = contrast(colours[text], colours[ground])
        assert ratio >= 4.5, f"{mode}: {text} on {ground} is {ratio:.2f}:1"


# --- diagrams: monospace, aligned, scrolling inside their own box -------------------------


def test_diagram_box_scrolls_sideways_and_keeps_box_lines_joined(collection: Collection) -> None:
    css = stored_css(collection)
    pre = rule_for(css, "pre.diagram")
    assert pre["white-space"] == "pre"
    assert pre["overflow-x"] == "auto"
    assert pre["max-width"] == "100%" and pre["box-sizing"] == "border-box"
    assert pre["font-family"].endswith("monospace")
    assert pre["line-height"] == "normal"  # box-drawing strokes join only at the font's height
    assert pre["font-variant-ligatures"] == "none"  # "->" stays two columns wide
    phone = dict(phone_rules(css))
    assert float(phone["pre.diagram"]["font-size"].removesuffix("em")) < float(
        pre["font-size"].removesuffix("em")
    ), "a 50-column diagram needs a smaller font to fit a phone"


def test_diagrams_render_exactly_as_drawn(collection: Collection, bundled: Deck) -> None:
    drawn = {card.id: card.diagram for card in bundled.cards if card.diagram}
    assert drawn
    notes = notes_by_field(collection)
    for card_id, diagram in drawn.items():
        answer = notes[card_id].cards()[0].answer()
        assert answer.count("<pre class=diagram>") == 1
        text = Text(answer)
        shown = text.within("diagram")
        assert shown == diagram.strip("\n"), card_id  # every column where it was drawn
        assert Text(notes[card_id].cards()[0].question()).within("diagram") == ""


# --- traps: marked wrong, boxed apart from the answer, still legible ----------------------


def test_interview_trap_is_marked_wrong_after_the_answer(
    collection: Collection, bundled: Deck
) -> None:
    trapped = {c.id: c for c in bundled.cards if c.kind is Kind.INTERVIEW and c.wrong_answer}
    assert trapped
    notes = notes_by_field(collection)
    for card_id, card in trapped.items():
        (interview,) = [c for c in notes[card_id].cards() if c.template()["name"] == "Interview"]
        assert card.wrong_answer not in Text(interview.question()).plain()
        text = Text(interview.answer())
        trap = text.within("trap")
        assert trap.startswith("✗ Trap to avoid:")
        assert html.unescape(text.within("trap-text")) == card.wrong_answer.strip()
        assert card.wrong_answer.strip() not in text.within("answer")
        plain = text.plain()
        assert plain.index(text.within("answer")) < plain.index("✗ Trap to avoid:")
    trap_text = rule_for(stored_css(collection), ".trap-label")
    assert trap_text["color"] == "var(--trap-fg)"
    assert "line-through" not in stored_css(collection)  # the trap stays readable


def test_spot_the_trap_front_shows_the_wrong_answer_and_back_labels_the_right_one(
    collection: Collection, bundled: Deck
) -> None:
    by_id = {c.id: c for c in bundled.cards}
    for anki_card in cards_of(collection, "Spot the trap"):
        card = by_id[anki_card.note()["CardId"]]
        front = Text(anki_card.question())
        assert card.wrong_answer.strip() in front.within("candidate")
        assert front.within("answer") == "" and "✓" not in front.plain()
        assert front.within("prompt") == "What is wrong with it?"
        back = Text(anki_card.answer())
        assert back.within("answer-label") == "✓ A strong answer"
        assert card.wrong_answer.strip() not in back.within("answer")
        assert back.within("answer").replace("\n", " ").strip() == " ".join(card.back.split())
        plain = back.plain()
        assert plain.index(card.wrong_answer.strip()) < plain.index("✓ A strong answer")
    assert rule_for(stored_css(collection), ".spot .kind")["color"] == "var(--trap-fg)"


# --- flows and practice -------------------------------------------------------------------


def test_flow_stages_render_in_order(collection: Collection, bundled: Deck) -> None:
    notes = notes_by_field(collection)
    flows = [c for c in bundled.cards if c.kind is Kind.FLOW]
    assert flows
    for card in flows:
        stages, note = split_flow(card.back)
        parser = Text(notes[card.id].cards()[0].answer())
        items = [text for text, classes in parser.pieces if "<li>" in classes]
        assert items == stages, card.id
        assert parser.within("flow-note") == note
        assert parser.within("q") == card.front.strip()


def test_every_kind_shows_its_label_and_prompt_on_the_front(collection: Collection) -> None:
    for note_type in NOTE_TYPES.values():
        for template in note_type.templates:
            for anki_card in cards_of(collection, template.name)[:3]:
                front = Text(anki_card.question())
                assert front.within("kind") == template.name
                assert front.within("q").strip()
                back = Text(anki_card.answer())
                assert ("hr", {"id": "answer"}) in back.tags
                assert back.within("source").startswith("05 Storage in Kubernetes")
    practice = rule_for(stored_css(collection), ".practice .q")
    assert practice["font-weight"] == "400"  # a paragraph-long task is not set in bold


def test_a_practice_self_check_is_a_numbered_list(collection: Collection, bundled: Deck) -> None:
    """Wrapped items stay indented past their numbers on a phone."""
    notes = notes_by_field(collection)
    practice = [c for c in bundled.cards if c.kind is Kind.PRACTICE]
    assert practice
    for card in practice:
        numbered = [
            line.split(".", 1)[1].strip()
            for line in card.back.splitlines()
            if re.match(r"\s*\d+\.\s", line)
        ]
        parsed = Text(notes[card.id].cards()[0].answer())
        items = [text for text, classes in parsed.pieces if "<li>" in classes]
        assert items == numbered, card.id
        if numbered:
            assert ("ol", {"class": "steps"}) in parsed.tags
            assert parsed.within("answer").startswith(card.back.splitlines()[0].strip())


@pytest.mark.parametrize(
    ("text", "html_out"),
    [
        ("Check:\n1. a <b>\n2. b", "Check:<ol class=steps><li>a &lt;b&gt;</li><li>b</li></ol>"),
        ("1. one\n2. two\nafter", "<ol class=steps><li>one</li><li>two</li></ol>after"),
        ("1.5 GB\n2. x", "1.5 GB<br>2. x"),  # not a list: no "1. " item
        ("2. b\n3. c", "2. b<br>3. c"),  # does not count from 1
        ("1. only one", "1. only one"),
        ("1. a\n3. c", "1. a<br>3. c"),  # a gap ends the run before it has two items
    ],
)
def test_answers_list_only_runs_counting_up_from_one(text: str, html_out: str) -> None:
    assert answer_to_html(text) == html_out


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_answers_without_a_numbered_run_are_plain_escaped_text(text: str) -> None:
    if re.search(r"^\s*1[.)]\s+\S", text, re.MULTILINE):
        return
    assert answer_to_html(text) == text_to_html(text)


# --- new styling reaches a collection that already has the cards --------------------------


def test_restyled_cards_replace_the_old_look_on_reimport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: Deck
) -> None:
    """An export made with older CSS and templates, then one with the current ones."""
    options = ExportOptions(now=NOW, ledger_path=tmp_path / "ledger.json")
    old_css = ".card { color: #000; }"
    old_types = {
        kind: replace(
            nt, templates=tuple(replace(t, back=t.back.replace("✗ ", "")) for t in nt.templates)
        )
        for kind, nt in NOTE_TYPES.items()
    }
    with monkeypatch.context() as patch:
        patch.setattr(anki_exporter, "CSS", old_css)
        patch.setattr(anki_exporter, "NOTE_TYPES", old_types)
        export([bundled], tmp_path / "old.apkg", options)
    export([bundled], tmp_path / "new.apkg", replace(options, now=NOW + 3600))

    # A fresh handle per step: the Python side caches note types across imports.
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, tmp_path / "old.apkg")
    with anki_collection(tmp_path / "col.anki2") as col:
        interview = col.models.by_name(NOTE_TYPES[Kind.INTERVIEW].name)
        assert interview is not None and interview["css"] == old_css
        notes_before = col.note_count()
        log = import_package(col, tmp_path / "new.apkg")
        assert len(log.new) == len(log.conflicting) == 0
    with anki_collection(tmp_path / "col.anki2") as col:
        assert col.note_count() == notes_before
        for note_type in NOTE_TYPES.values():
            stored = col.models.by_name(note_type.name)
            assert stored is not None and stored["id"] == note_type.model_id
            assert stored["css"] == CSS
            assert [t["afmt"] for t in stored["tmpls"]] == [t.back for t in note_type.templates]
        ours = {m.name for m in col.models.all_names_and_ids() if m.name.startswith("k8sprep")}
        assert ours == {nt.name for nt in NOTE_TYPES.values()}  # updated, not forked
