"""Control characters (ESC, BEL, OSC, every C0/C1 but newline and tab) never reach a terminal.

They are stripped on the way in (a chapter built, a deck loaded) and on the way out
(what ``card``, ``review``, ``decks``, ``history`` print), so a database filled before,
or by another tool, cannot drive the terminal either.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.files.builder import build_chapter
from flashcards.files.decks import load_deck
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.parse.controls import strip_controls
from flashcards.store import Store
from tests.conftest import BUNDLED_DECK, SEED, SEED_MARKDOWN

runner = CliRunner()
NOW = "2026-11-26T09:30:00"

CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
C1_CSI = "\x9b31m"
HOSTILE = f"{CLEAR}{TITLE}bell\x07 back\x08space{LINK} red{C1_CSI} del\x7f vt\x0b ff\x0c end"
ALLOWED = {"\n", "\t"}


def controls_in(text: str) -> set[str]:
    """The control characters in ``text`` other than newline and tab."""
    return {c for c in text if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in ALLOWED}


def test_strip_controls_removes_sequences_whole() -> None:
    assert strip_controls("\x1b[31mred\x1b[0m") == "red"
    assert strip_controls(f"a{TITLE}b") == "ab"
    assert strip_controls(LINK) == "click"
    assert strip_controls("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert strip_controls("é 🙂 ─│ ünïcode") == "é 🙂 ─│ ünïcode"
    cleaned = strip_controls(HOSTILE)
    assert controls_in(cleaned) == set()
    assert "bell" in cleaned and "click" in cleaned and "end" in cleaned
    unterminated = strip_controls("\x1b]0;" + "x" * 5000)  # the text after it is kept
    assert unterminated.endswith("0;" + "x" * 5000) and controls_in(unterminated) == set()


@pytest.mark.parametrize("source", [SEED, SEED_MARKDOWN], ids=["site", "markdown"])
def test_build_writes_no_control_character_into_the_deck(tmp_path: Path, source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    # into the title, a heading, a prose sentence and an interview answer
    poisoned = text.replace("Kubernetes", f"Kuber{CLEAR}netes{TITLE}", 3)
    poisoned = poisoned.replace("PersistentVolume", f"Persistent{C1_CSI}Volume\x07")
    chapter = tmp_path / source.name
    chapter.write_text(poisoned, encoding="utf-8")
    result = build_chapter(chapter, tmp_path / "decks")
    raw = result.deck_path.read_text(encoding="utf-8")
    assert controls_in(raw) == set()
    assert "\\e" not in raw and "\\x1b" not in raw and "\\x9b" not in raw and "\\a" not in raw
    clean = tmp_path / "clean" / source.name
    clean.parent.mkdir()
    clean.write_text(text, encoding="utf-8")
    # stripping the sequences leaves the chapter's own text: the same cards as unpoisoned
    expected = build_chapter(clean, tmp_path / "clean-decks").deck
    assert load_deck(result.deck_path).cards == expected.cards


def test_loading_a_deck_drops_escaped_control_characters(tmp_path: Path) -> None:
    text = BUNDLED_DECK.read_text(encoding="utf-8")
    # YAML double quotes can spell any character: \e ESC, \a BEL, \x9b CSI
    text = text.replace("  front: ", '  front: "\\e[2J\\e]0;pwned\\aQ\\x9b31m: "\n  x_front: ', 1)
    text = text.replace("  x_front: ", "  wrong_answer: ", 1)
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    deck = load_deck(path)
    assert deck.cards[0].front == "Q: "
    for card in deck.cards:
        for value in (card.id, card.front, card.back, card.wrong_answer, card.diagram):
            assert controls_in(value) == set()


def dirty_deck() -> Deck:
    """A deck that never went through the loader: as an older version or another tool stored it."""
    card = Card(
        id="dirty-1",
        kind=Kind.INTERVIEW,
        front=f"Front {HOSTILE}",
        back=f"Back {HOSTILE}\nsecond line",
        tags=("ch01",),
        source=Source(f"file{CLEAR}.txt", f"Section{TITLE}"),
        wrong_answer=f"Trap {HOSTILE}",
        diagram=f"[a] -> [b]{CLEAR}",
    )
    return Deck(f"01 Dirty{CLEAR}", ChapterInfo(1, "dirty", f"Dirty{TITLE}"), (card,))


@pytest.fixture
def dirty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("K8SPREP_NOW", NOW)
    db = tmp_path / "k8sprep.db"
    with Store.open(f"sqlite:///{db}") as store:
        store.sync_decks([dirty_deck()])
    return db


def test_review_prints_no_control_characters(dirty_db: Path) -> None:
    result = runner.invoke(app, ["review", "--db", str(dirty_db)], input="\n4\nx\n")
    assert result.exit_code == 0, result.output
    assert "Front" in result.stdout and "Back" in result.stdout and "Trap" in result.stdout
    assert controls_in(result.stdout) == set()


@pytest.mark.parametrize(
    "args",
    [["card", "dirty-1"], ["history"], ["due"], ["card", "dirty-1", "--suspend"]],
    ids=["card", "history", "due", "card-suspend"],
)
def test_report_commands_print_no_control_characters(dirty_db: Path, args: list[str]) -> None:
    runner.invoke(app, ["review", "--db", str(dirty_db)], input="4\n")  # one answer in the log
    result = runner.invoke(app, [*args, "--db", str(dirty_db)])
    assert result.exit_code == 0, result.output
    assert controls_in(result.stdout + result.stderr) == set()
    if args[0] == "card":
        assert "Front" in result.stdout and "second line" in result.stdout


def test_json_keeps_the_data_and_prints_no_raw_control_character(dirty_db: Path) -> None:
    result = runner.invoke(app, ["card", "dirty-1", "--json", "--db", str(dirty_db)])
    assert result.exit_code == 0, result.output
    assert controls_in(result.stdout) == set()
    assert "\\u009b" in result.stdout  # C1 escaped, as json escapes C0
    assert json.loads(result.stdout)["front"] == f"Front {HOSTILE}"


def test_decks_and_errors_print_no_control_characters(tmp_path: Path) -> None:
    folder = tmp_path / f"decks{CLEAR}"
    folder.mkdir()
    (folder / f"05{TITLE}.yaml").write_text(BUNDLED_DECK.read_text(encoding="utf-8"))
    result = runner.invoke(app, ["decks", str(folder)])
    assert result.exit_code == 0, result.output
    assert "05 Storage in Kubernetes" in result.stdout
    assert controls_in(result.stdout) == set()
    missing = runner.invoke(app, ["decks", str(tmp_path / f"nothing{CLEAR}.yaml")])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("k8sprep: ") and controls_in(missing.stderr) == set()


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ('{"a": "x\x7fy"}', '{"a": "x\\u007fy"}'),  # ASCII, but DEL
        ('{"a": "é\x85"}', '{"a": "é\\u0085"}'),
        ('{"a": "plain"}', '{"a": "plain"}'),
    ],
)
def test_json_text_is_printed_without_raw_controls(
    text: str, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from flashcards.cli.output import echo_json_text

    echo_json_text(text)
    assert capsys.readouterr().out == printed + "\n"


@pytest.mark.parametrize("text", ['{"a": "plain"}', '{"a": "é"}'])
def test_json_text_reaches_an_output_that_takes_only_text(text: str) -> None:
    """ASCII JSON goes out as bytes where the output has a byte buffer; a text-only one
    (``io.StringIO`` as ``sys.stdout``, as a notebook or a test harness may set) gets text."""
    import contextlib
    import io

    from flashcards.cli.output import echo_json_text

    text_only, with_bytes = io.StringIO(), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(text_only):
        echo_json_text(text)
    with contextlib.redirect_stdout(with_bytes):
        echo_json_text(text)
    with_bytes.flush()
    assert text_only.getvalue() == text + "\n"
    assert with_bytes.buffer.getvalue().decode("utf-8") == text + "\n"  # type: ignore[attr-defined]
