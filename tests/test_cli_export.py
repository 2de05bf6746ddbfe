"""``k8sprep export anki|csv|markdown`` through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.files.settings import bundled_decks_dir
from flashcards.parse.deckfile import dump_deck
from tests.export_samples import anki_collection, import_package, notes_by_field, storage_deck

BUNDLED = bundled_decks_dir() / "05-storage-in-kubernetes.yaml"
NOW_ISO = "2027-01-15T09:30:00"
runner = CliRunner()


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "decks" / "05-storage-in-kubernetes.yaml"
    path.parent.mkdir()
    path.write_text(dump_deck(storage_deck()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", NOW_ISO)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def test_export_anki_writes_a_package_and_reports_it(
    tmp_path: Path, deck_file: Path, isolated_home: Path
) -> None:
    out = tmp_path / "cards.apkg"
    code, stdout, stderr = run("export", "anki", deck_file, "-o", out)
    assert (code, stderr) == (0, "")
    assert stdout == f"Wrote 6 notes (7 cards) from 1 deck, 6 new or changed, to {out}\n"
    assert (isolated_home / "anki-ledger.json").is_file()

    first = out.read_bytes()
    code, stdout, _ = run("export", "anki", deck_file, "--out", out)
    assert stdout == f"Wrote 6 notes (7 cards) from 1 deck, 0 new or changed, to {out}\n"
    assert out.read_bytes() == first


def test_root_and_ledger_options(tmp_path: Path, deck_file: Path) -> None:
    out = tmp_path / "cards.apkg"
    ledger = tmp_path / "my-ledger.json"
    code, _, stderr = run(
        "export", "anki", deck_file.parent, "-o", out, "--root", "Interviews", "--ledger", ledger
    )
    assert (code, stderr) == (0, "")
    assert ledger.is_file()
    expected_mod = int(datetime.fromisoformat(NOW_ISO).timestamp())
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, out)
        assert col.decks.id_for_name("Interviews::05 Storage in Kubernetes")
        assert {note.mod for note in notes_by_field(col).values()} == {expected_mod}


def test_a_deck_named_twice_is_exported_once(tmp_path: Path, deck_file: Path) -> None:
    out = tmp_path / "s.md"
    code, stdout, _ = run("export", "markdown", deck_file, deck_file.parent, "-o", out)
    assert (code, stdout) == (0, f"Wrote 6 notes (6 cards) from 1 deck to {out}\n")
    assert out.read_text(encoding="utf-8").count("# 05 Storage in Kubernetes") == 1


def test_export_csv_and_markdown(tmp_path: Path, deck_file: Path) -> None:
    code, stdout, _ = run("export", "csv", deck_file, "-o", tmp_path / "c.csv")
    assert (code, stdout) == (0, f"Wrote 7 notes (7 cards) from 1 deck to {tmp_path / 'c.csv'}\n")
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").startswith("#separator:Comma\n")
    code, stdout, _ = run("export", "markdown", deck_file, "-o", tmp_path / "s.md")
    assert (code, stdout) == (0, f"Wrote 6 notes (6 cards) from 1 deck to {tmp_path / 's.md'}\n")
    assert (tmp_path / "s.md").read_text(encoding="utf-8").startswith("# 05 Storage in Kubernetes")


def test_default_output_goes_to_the_current_folder(
    tmp_path: Path, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for fmt, name in (("anki", "k8sprep.apkg"), ("csv", "k8sprep.csv"), ("markdown", "k8sprep.md")):
        code, stdout, _ = run("export", fmt, deck_file)
        assert code == 0 and stdout.endswith(f" to {name}\n")
        assert (tmp_path / name).is_file()


@pytest.mark.skipif(not BUNDLED.exists(), reason="bundled deck not built yet")
@pytest.mark.parametrize("args", [(), ("5",), ("05",), ("storage-in-kubernetes",)])
def test_bundled_decks_by_default_or_by_key(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "sheet.md"
    code, stdout, stderr = run("export", "markdown", *args, "-o", out)
    assert (code, stderr) == (0, "")
    assert "from 1 deck" in stdout or "decks" in stdout
    assert "# 05 Storage in Kubernetes" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["anki", "csv", "markdown"])
def test_unknown_and_missing_decks_are_one_line_errors(tmp_path: Path, fmt: str) -> None:
    code, stdout, stderr = run("export", fmt, tmp_path / "nope.yaml", "-o", tmp_path / "x")
    assert (code, stdout) == (1, "")
    assert stderr == f"k8sprep: {tmp_path / 'nope.yaml'}: no such deck file or folder\n"
    code, _, stderr = run("export", fmt, "no-such-chapter", "-o", tmp_path / "x")
    assert code == 1
    assert stderr.startswith("k8sprep: no deck 'no-such-chapter' (decks: ")
    assert stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_a_broken_deck_file_names_its_line(tmp_path: Path, deck_file: Path) -> None:
    text = deck_file.read_text(encoding="utf-8").replace("kind: recall", "kind: riddle")
    deck_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  kind: riddle") + 1
    code, _, stderr = run("export", "anki", deck_file, "-o", tmp_path / "x.apkg")
    assert code == 1
    assert stderr.startswith(f"k8sprep: {deck_file}:{line}: ")
    assert "Traceback" not in stderr
    assert not (tmp_path / "x.apkg").exists()


@pytest.mark.parametrize("fmt", ["anki", "csv", "markdown"])
def test_unwritable_output_is_a_one_line_error(tmp_path: Path, deck_file: Path, fmt: str) -> None:
    missing = tmp_path / "no-such-folder" / "out"
    code, _, stderr = run("export", fmt, deck_file, "-o", missing)
    assert code == 1
    assert stderr == f"k8sprep: {missing}: folder {missing.parent} does not exist\n"
    code, _, stderr = run("export", fmt, deck_file, "-o", tmp_path)
    assert (code, stderr) == (1, f"k8sprep: {tmp_path}: is a folder, not a file\n")


def test_a_broken_ledger_stops_the_export_and_keeps_the_old_package(
    tmp_path: Path, deck_file: Path, isolated_home: Path
) -> None:
    out = tmp_path / "cards.apkg"
    run("export", "anki", deck_file, "-o", out)
    before = out.read_bytes()
    ledger = isolated_home / "anki-ledger.json"
    ledger.write_text("[]", encoding="utf-8")
    code, _, stderr = run("export", "anki", deck_file, "-o", out)
    assert code == 1
    assert stderr.startswith(f"k8sprep: {ledger}: not a version 1 export ledger; delete it")
    assert out.read_bytes() == before


def test_help_describes_every_export_command() -> None:
    for fmt, words in (
        ("anki", "updates the notes"),
        ("csv", "File > Import"),
        ("markdown", "study sheet"),
    ):
        code, stdout, _ = run("export", fmt, "--help")
        assert code == 0
        assert words in " ".join(stdout.split())
        assert "--out" in stdout


def test_the_cli_starts_without_loading_exporters_or_genanki() -> None:
    probe = (
        "import sys, flashcards.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('genanki', 'exporters')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_real_process_exports(tmp_path: Path, deck_file: Path, isolated_home: Path) -> None:
    out = tmp_path / "cards.apkg"
    env = {**os.environ, "K8SPREP_HOME": str(isolated_home), "K8SPREP_NOW": NOW_ISO}
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "export", "anki", str(deck_file), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Wrote 6 notes (7 cards)")
    with anki_collection(tmp_path / "col.anki2") as col:
        import_package(col, out)
        assert (col.note_count(), col.card_count()) == (6, 7)
