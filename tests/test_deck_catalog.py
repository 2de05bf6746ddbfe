"""``decks``, ``export``, ``import``, ``review --deck`` and ``card`` agree on which decks exist:
the bundled ones plus every deck imported into the database, which remembers its file."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.cli.catalog import deck_source, find_known, known_decks, short_path
from flashcards.store import Store
from tests.conftest import BUNDLED_DECK
from tests.review_helpers import make_deck, write_deck

runner = CliRunner()


def k8sprep(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input="q\n")
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def own(tmp_path: Path) -> tuple[Path, Path]:
    """A database holding the bundled deck and a deck of the user's own (chapter 3)."""
    db = tmp_path / "k8sprep.db"
    deck = write_deck(tmp_path / "mine", make_deck(3, "pods", 4, title="Pods"))
    for named in (BUNDLED_DECK, deck):
        code, _out, err = k8sprep("import", named, "--db", db)
        assert (code, err) == (0, "")
    return db, deck


def test_the_database_remembers_the_file_each_deck_came_from(own: tuple[Path, Path]) -> None:
    db, deck = own
    with Store.open(db) as store:
        assert store.deck_source("pods") == deck.resolve()
        assert store.deck_source("storage-in-kubernetes") == BUNDLED_DECK.resolve()
        assert store.deck_source("no-such-deck") is None
        store.sync_decks([make_deck(3, "pods", 5, title="Pods")])  # in memory: no file
        assert store.deck_source("pods") == deck.resolve()  # the file is kept
        assert deck_source(store, "pods") == deck.resolve()


def test_every_command_finds_an_imported_deck(own: tuple[Path, Path], tmp_path: Path) -> None:
    db, deck = own
    code, out, err = k8sprep("decks", "--db", db)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("03 Pods  (4 cards: ") and lines[0].endswith(f"  {deck}")
    assert lines[1].startswith("05 Storage in Kubernetes  (33 cards")
    assert lines[2] == "total: 37 cards"

    code, out, err = k8sprep("review", "--deck", "3", "--db", db)
    assert (code, err) == (0, "")
    assert "── 03 Pods · 1/4" in out

    package = tmp_path / "pods.apkg"
    code, out, err = k8sprep("export", "anki", "3", "-o", package, "--db", db)
    assert (code, err) == (0, "")
    assert out.startswith("Wrote 4 notes (5 cards) from 1 deck,")
    sheet = tmp_path / "pods.md"
    code, out, err = k8sprep("export", "markdown", "Pods", "-o", sheet, "--db", db)
    assert (code, err) == (0, "")
    assert sheet.read_text(encoding="utf-8").startswith("# 03 Pods")

    code, out, err = k8sprep("card", "pods-0", "--json", "--db", db)
    assert (code, err) == (0, "")
    assert json.loads(out)["deck_file"] == str(deck.resolve())


def test_export_without_decks_takes_every_deck_there_is(
    own: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _deck = own
    notes = {}
    for key in ("3", "5", None):
        out_file = tmp_path / f"{key}.csv"
        chosen = [] if key is None else [key]
        code, out, err = k8sprep("export", "csv", *chosen, "-o", out_file, "--db", db)
        assert (code, err) == (0, "")
        notes[key] = int(out.split()[1])
    assert out.startswith(f"Wrote {notes['3'] + notes['5']} notes (")
    assert " from 2 decks to " in out


def test_a_deck_whose_file_is_gone_exports_from_the_database(
    own: tuple[Path, Path], tmp_path: Path
) -> None:
    db, deck = own
    from_file, from_db = tmp_path / "file.csv", tmp_path / "db.csv"
    assert k8sprep("export", "csv", "pods", "-o", from_file, "--db", db)[0] == 0
    deck.unlink()
    code, out, err = k8sprep("decks", "--db", db)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("03 Pods  (4 cards: ")
    assert out.splitlines()[0].endswith(f"{deck.resolve()} (gone; cards from the database)")
    code, out, err = k8sprep("export", "csv", "pods", "-o", from_db, "--db", db)
    assert (code, err) == (0, "")
    assert from_db.read_bytes() == from_file.read_bytes()
    with from_db.open(encoding="utf-8", newline="") as handle:
        text = [" ".join(row) for row in csv.reader(handle)]
    assert all(any(f"Question {i} of pods?" in row for row in text) for i in range(4))
    code, _out, err = k8sprep("import", "pods", "--db", db)
    assert code == 1
    assert err == f"k8sprep: deck '03 Pods' has no file to read ({deck.resolve()} is gone)\n"


def test_import_by_name_reads_the_remembered_file(own: tuple[Path, Path]) -> None:
    db, deck = own
    write_deck(deck.parent, make_deck(3, "pods", 6, title="Pods"))
    code, out, err = k8sprep("import", "3", "--db", db)
    assert (code, err) == (0, "")
    assert out == "2 added, 0 updated, 0 retired, 4 unchanged\n"


def test_review_of_a_bundled_deck_not_imported_imports_it(tmp_path: Path) -> None:
    db = tmp_path / "k8sprep.db"
    deck = write_deck(tmp_path / "mine", make_deck(3, "pods", 4, title="Pods"))
    assert k8sprep("import", deck, "--db", db)[0] == 0
    code, out, err = k8sprep("review", "--deck", "5", "--db", db)
    assert code == 0
    assert err == "Imported 33 cards from 05 Storage in Kubernetes.\n"
    assert "── 05 Storage in Kubernetes · 1/" in out


def test_an_unknown_deck_names_every_deck_there_is(own: tuple[Path, Path]) -> None:
    db, _deck = own
    expected = "k8sprep: no deck '9' (decks: 03 Pods, 05 Storage in Kubernetes)\n"
    for command in (("export", "csv", "9"), ("review", "--deck", "9"), ("import", "9")):
        code, _out, err = k8sprep(*command, "--db", db)
        assert (code, err) == (1, expected), command


def test_imported_decks_win_over_bundled_ones_of_the_same_number(tmp_path: Path) -> None:
    db = tmp_path / "k8sprep.db"
    deck = write_deck(tmp_path / "mine", make_deck(5, "my-storage", 2, title="My Storage"))
    assert k8sprep("import", deck, "--db", db)[0] == 0
    with Store.open(db) as store:
        assert find_known(store, "5").slug == "my-storage"
        assert find_known(store, "storage in kubernetes").slug == "storage-in-kubernetes"
        assert [k.slug for k in known_decks(store)] == ["my-storage", "storage-in-kubernetes"]
    sheet = tmp_path / "five.md"
    assert k8sprep("export", "markdown", "5", "-o", sheet, "--db", db)[0] == 0
    assert sheet.read_text(encoding="utf-8").startswith("# 05 My Storage")


def test_a_database_from_before_version_4_falls_back_to_the_bundled_file(
    tmp_path: Path,
) -> None:
    db = tmp_path / "k8sprep.db"
    assert k8sprep("import", BUNDLED_DECK, "--db", db)[0] == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE deck SET source_path = NULL")
    connection.close()
    with Store.open(db) as store:
        assert store.deck_source("storage-in-kubernetes") is None
        assert deck_source(store, "storage-in-kubernetes") == BUNDLED_DECK.resolve()


def test_short_paths() -> None:
    home, cwd = Path("/home/ada"), Path("/home/ada/prep")
    assert short_path(Path("/home/ada/prep/decks/a.yaml"), cwd=cwd, home=home) == "decks/a.yaml"
    assert short_path(Path("/home/ada/other/a.yaml"), cwd=cwd, home=home) == "~/other/a.yaml"
    assert short_path(Path("/srv/a.yaml"), cwd=cwd, home=home) == "/srv/a.yaml"
    assert short_path(None) == "(no file)"
