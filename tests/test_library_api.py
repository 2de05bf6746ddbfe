"""The public API: the documented examples run as written, and the names stay put."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import flashcards as fc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out like the project root (decks/, seeds/), as the current directory."""
    shutil.copytree(ROOT / "decks", tmp_path / "decks")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("K8SPREP_HOME", str(tmp_path / "home"))
    return tmp_path


def test_the_api_block_runs_as_written(project_copy: Path) -> None:
    text = (project_copy / "seeds/05-storage-in-kubernetes.txt").read_text(encoding="utf-8")
    chapter = fc.parse_chapter(text)  # str -> Chapter (either chapter form)
    deck = fc.build_deck(chapter, source_file="05-storage-in-kubernetes.txt")
    deck = fc.load_deck("decks/05-storage-in-kubernetes.yaml")  # str or Path
    decks = fc.load_decks("decks/")  # a file or a folder
    text = fc.dump_deck(deck)
    assert fc.parse_deck(text) == deck
    state = fc.review(fc.SM2State(), 4)  # the pure SM-2 step
    store = fc.Store.open("k8sprep.db")  # a path, a Path, or an SQLAlchemy URL
    report = store.sync_decks([deck])
    result = fc.export("anki", [deck], "k8sprep.apkg")  # also "csv", "markdown"
    try:
        fc.load_deck("missing.yaml")
    except fc.K8sprepError as error:
        caught = str(error)
    store.close()
    assert isinstance(chapter, fc.Chapter) and chapter.title == "Storage in Kubernetes"
    assert decks == [deck] and state.interval == 1
    assert report.added == len(deck.cards)
    assert result.notes == len(deck.cards) and (project_copy / "k8sprep.apkg").stat().st_size
    assert caught.startswith("missing.yaml: cannot read deck:")
    assert (project_copy / "k8sprep.db").is_file()
    assert not (project_copy / "home").exists()  # the library wrote nothing of its own


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it as a library", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_has_library_examples() -> None:
    assert len(_readme_examples()) >= 2


@pytest.mark.parametrize("number", range(len(_readme_examples())))
def test_a_readme_example_runs_and_prints_what_its_comments_say(
    number: int, project_copy: Path
) -> None:
    code = _readme_examples()[number].replace("/tmp/", f"{project_copy}/")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project_copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    promised = [
        line.split("# ", 1)[1].strip()
        for line in code.splitlines()
        if line.lstrip().startswith("print(") and "# " in line
    ]
    assert len(printed) == len(promised)
    for line, promise in zip(printed, promised, strict=True):
        expected = promise.removesuffix("...").rstrip()
        assert line.startswith(expected), (line, promise)


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in fc.__all__:
        value = getattr(fc, name)
        if name != "__version__":
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
    assert set(fc.__all__) <= set(dir(fc))
    with pytest.raises(AttributeError):
        fc.no_such_name  # noqa: B018


def test_store_open_takes_a_path_object_too(tmp_path: Path) -> None:
    with fc.Store.open(tmp_path / "x.db") as store:
        assert store.card_count() == 0
    assert (tmp_path / "x.db").is_file()


def test_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(fc.ExportError, match=r"no export format 'pdf' \(formats: anki, csv"):
        fc.export("pdf", [], tmp_path / "x.pdf")


def test_py_typed_ships() -> None:
    assert (ROOT / "flashcards" / "py.typed").is_file()
