"""``k8sprep build`` and ``k8sprep decks`` as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.files.decks import load_deck

from .conftest import BUNDLED_DECK, ROOT, SEED

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A course author's folder with the seed in ./seeds."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bundled_decks_are_not_stale(tmp_path: Path) -> None:
    """Rebuilding seeds/ must not change decks/: commit the rebuilt decks."""
    out = tmp_path / "decks"
    shutil.copytree(ROOT / "decks", out)
    result = runner.invoke(app, ["build", str(ROOT / "seeds"), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    for built in sorted(out.glob("*.yaml")):
        assert built.read_text(encoding="utf-8") == (ROOT / "decks" / built.name).read_text(
            encoding="utf-8"
        ), f"decks/{built.name} is stale: run `k8sprep build` and commit it"
    assert sorted(p.name for p in out.glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "decks").glob("*.yaml")
    )


def test_build_defaults_to_seeds_into_decks(workdir: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "decks/05-storage-in-kubernetes.yaml: "
        "15 concept, 4 definition, 5 flow, 4 recall, 4 interview, 1 practice\n"
    )
    built = load_deck(workdir / "decks" / "05-storage-in-kubernetes.yaml")
    bundled = load_deck(BUNDLED_DECK)
    # The bundled deck keeps the ids it had before its fronts were reworded: only they differ.
    assert [replace(card, id="") for card in built.cards] == [
        replace(card, id="") for card in bundled.cards
    ]
    assert [fingerprint for _, fingerprint in built.generated or ()] == [
        fingerprint for _, fingerprint in bundled.generated or ()
    ]


def test_rebuild_keeps_ids_of_the_existing_deck(workdir: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    before = load_deck(workdir / "decks" / "05-storage-in-kubernetes.yaml")
    seed = workdir / "seeds" / "05-storage-in-kubernetes.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace(
            "Why do PVCs help app teams?", "Why do PVCs help teams?"
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["build"]).exit_code == 0
    after = load_deck(workdir / "decks" / "05-storage-in-kubernetes.yaml")
    assert [c.id for c in after.cards] == [c.id for c in before.cards]
    assert "Why do PVCs help teams?" in [c.front for c in after.cards]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "seeds/bad.txt:1: empty file, not a chapter"),
        (
            b"hello\nworld\n",
            "seeds/bad.txt:1: no title line: a chapter starts with '05. Title — Subtitle'",
        ),
        (b"05. T\n\x00\x01\x02", "seeds/bad.txt:2: binary data (NUL bytes), not a chapter text"),
        (b"05. T \xff\xfe\n", "seeds/bad.txt:1: not UTF-8 text, not a chapter"),
    ],
)
def test_a_file_that_is_not_a_chapter(workdir: Path, content: bytes, message: str) -> None:
    (workdir / "seeds" / "bad.txt").write_bytes(content)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert result.stderr == f"k8sprep: {message}\n"
    # the good chapter beside it is still built, and nothing is written for the bad one
    assert [p.name for p in (workdir / "decks").iterdir()] == ["05-storage-in-kubernetes.yaml"]


def test_a_huge_file_is_refused(workdir: Path) -> None:
    big = workdir / "seeds" / "big.txt"
    with big.open("wb") as stream:
        stream.write(b"05. Big - file\n" + b"word " * 2_100_000)
    result = runner.invoke(app, ["build", str(big)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"k8sprep: {big}: 10.5 MB is far larger than a chapter")
    assert not (workdir / "decks").exists()


def test_unplaced_text_is_warned_not_dropped(workdir: Path) -> None:
    seed = workdir / "seeds" / "05-storage-in-kubernetes.txt"
    lines = seed.read_text(encoding="utf-8").splitlines()
    lines.insert(60, "An odd remark in the recall list")
    seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0
    assert result.stderr == (
        "k8sprep: warning: seeds/05-storage-in-kubernetes.txt:61: expected a '- ' list item, "
        "not placed: 'An odd remark in the recall list'\n"
    )


def test_build_without_seeds_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert result.stderr == "k8sprep: seeds: no chapters given and no ./seeds folder here\n"


def test_refuses_to_overwrite_a_broken_hand_edited_deck(workdir: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    deck = workdir / "decks" / "05-storage-in-kubernetes.yaml"
    deck.write_text(deck.read_text(encoding="utf-8") + "  oops: [\n", encoding="utf-8")
    broken = deck.read_bytes()
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert (
        "not rebuilt: the existing deck decks/05-storage-in-kubernetes.yaml does not load"
        in result.stderr
    )
    assert deck.read_bytes() == broken


def test_many_chapters_show_progress(workdir: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    for number in range(10, 35):
        (workdir / "seeds" / f"{number}.txt").write_text(
            text.replace("05. Storage in Kubernetes", f"{number}. Topic {number}"), encoding="utf-8"
        )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.stderr
    assert len(list((workdir / "decks").glob("*.yaml"))) == 26
    assert "Building" in result.stderr


def test_decks_lists_counts(workdir: Path) -> None:
    result = runner.invoke(app, ["decks"])
    assert result.exit_code == 0
    first, total = result.stdout.splitlines()
    assert first.startswith(
        "05 Storage in Kubernetes  (33 cards: 15 concept, 4 definition, 5 flow, 4 recall, "
        "4 interview, 1 practice)"
    )
    assert total == "total: 33 cards"


def test_decks_reports_a_broken_deck_on_one_line(tmp_path: Path) -> None:
    deck = tmp_path / "x.yaml"
    deck.write_text("version: 1\ndeck: X\ncards: 3\n", encoding="utf-8")
    result = runner.invoke(app, ["decks", str(deck)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"k8sprep: {deck}:1: missing 'chapter'\nk8sprep: {deck}:3: 'cards' must be a list\n"
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_wrong_flag_is_a_usage_error() -> None:
    result = runner.invoke(app, ["build", "--bogus"])
    assert result.exit_code == 2
    assert "No such option: --bogus" in result.stderr


def test_real_process_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flashcards", "decks"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "K8SPREP_HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "05 Storage in Kubernetes  (33 cards" in result.stdout


@pytest.mark.slow
def test_wheel_ships_the_bundled_decks(tmp_path: Path) -> None:
    """A plain install works away from the checkout: decks are package data."""
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("k8sprep-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        assert "flashcards/_bundled/decks/05-storage-in-kubernetes.yaml" in archive.namelist()
        archive.extractall(site)
    result = subprocess.run(
        [sys.executable, "-c", "from flashcards.cli import app; app()", "decks"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site), "K8SPREP_HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "site/flashcards/_bundled/decks/05-storage-in-kubernetes.yaml" in result.stdout


def test_two_files_of_one_chapter_do_not_overwrite_each_other(workdir: Path) -> None:
    shutil.copy(ROOT / "tests" / "fixtures" / "05-storage-in-kubernetes.md", workdir / "seeds")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert result.stderr == (
        "k8sprep: seeds/05-storage-in-kubernetes.txt: not built: "
        "seeds/05-storage-in-kubernetes.md already made decks/05-storage-in-kubernetes.yaml "
        "from the same chapter number and title; build one of the two\n"
    )
    assert [p.name for p in (workdir / "decks").iterdir()] == ["05-storage-in-kubernetes.yaml"]


def test_a_rebuild_leaves_an_unchanged_deck_untouched(workdir: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    deck = workdir / "decks" / "05-storage-in-kubernetes.yaml"
    os.utime(deck, (1_000_000_000, 1_000_000_000))
    before = deck.stat()
    assert runner.invoke(app, ["build"]).exit_code == 0
    after = deck.stat()
    assert (after.st_ino, after.st_mtime) == (before.st_ino, 1_000_000_000)
    with deck.open("a", encoding="utf-8") as stream:
        stream.write("# mine\n")  # no longer what the build writes: written again
    os.utime(deck, (1_000_000_000, 1_000_000_000))
    assert runner.invoke(app, ["build"]).exit_code == 0
    assert deck.stat().st_mtime != 1_000_000_000


def test_one_broken_chapter_does_not_stop_the_others(workdir: Path) -> None:
    from flashcards.files.builder import build_chapters

    bad = workdir / "seeds" / "00-bad.txt"
    bad.write_text("no title here\n", encoding="utf-8")
    files = sorted((workdir / "seeds").iterdir())
    results = list(build_chapters(files, workdir / "decks"))
    assert [path for path, _ in results] == files
    assert isinstance(results[0][1], Exception) and "no title line" in str(results[0][1])
    assert not isinstance(results[1][1], Exception)
    assert results[1][1].deck_path.is_file()
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1 and "00-bad.txt:1: no title line" in result.output
    assert "05-storage-in-kubernetes.yaml: " in result.output


def _three_chapters_built(workdir: Path) -> list[Path]:
    """The seed and two fixture chapters built once, each deck then marked by hand."""
    for name in ("06-service-mesh-network-policy.txt", "07-scheduling-ml-workloads.txt"):
        shutil.copy(ROOT / "tests" / "fixtures" / name, workdir / "seeds")
    assert runner.invoke(app, ["build"]).exit_code == 0
    decks = sorted((workdir / "decks").iterdir())
    for deck in decks:
        deck.write_text(deck.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    return decks


def test_a_build_stopped_midway_leaves_every_deck_as_it_was(workdir: Path) -> None:
    from flashcards.files.builder import build_chapters

    decks = _three_chapters_built(workdir)
    before = {deck: deck.read_text(encoding="utf-8") for deck in decks}
    built = build_chapters(sorted((workdir / "seeds").iterdir()), workdir / "decks")
    next(built), next(built)
    built.close()  # what Ctrl-C between two chapters does to the loop
    assert sorted((workdir / "decks").iterdir()) == decks  # no temporaries either
    assert {deck: deck.read_text(encoding="utf-8") for deck in decks} == before


def test_decks_that_cannot_be_published_are_one_line_and_the_old_decks_stay(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    decks = _three_chapters_built(workdir)
    before = {deck: deck.read_text(encoding="utf-8") for deck in decks}

    def read_only_disk(source: object, target: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(atomic.os, "replace", read_only_disk)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        f"k8sprep: {Path('decks')}: decks not written: Read-only file system"
    ]
    assert sorted((workdir / "decks").iterdir()) == decks
    assert {deck: deck.read_text(encoding="utf-8") for deck in decks} == before


def test_a_build_killed_while_publishing_leaves_old_or_new_decks_never_half(
    workdir: Path,
) -> None:
    """``kill -9`` between two renames: each deck is its old self or its new one, whole."""
    decks = _three_chapters_built(workdir)
    before = {deck: deck.read_text(encoding="utf-8") for deck in decks}
    killer = (
        "import os, signal, sys\n"
        "import flashcards.files.atomic as atomic\n"
        "from flashcards.cli import app\n"
        "real, done = os.replace, []\n"
        "def replace(source, target):\n"
        "    if done: os.kill(os.getpid(), signal.SIGKILL)\n"
        "    real(source, target); done.append(target)\n"
        "atomic.os.replace = replace\n"
        "sys.argv = ['k8sprep', 'build']\n"
        "app()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", killer], cwd=workdir, env=env, check=False)
    assert run.returncode == -9
    after = {deck: deck.read_text(encoding="utf-8") for deck in decks}
    assert not after[decks[0]].endswith("# mine\n")  # renamed before the kill: the new deck
    assert load_deck(decks[0]).cards
    assert {deck: after[deck] for deck in decks[1:]} == {d: before[d] for d in decks[1:]}
    leftovers = sorted(p.name for p in (workdir / "decks").iterdir() if p not in decks)
    assert len(leftovers) == 2 and all(name.endswith(".tmp") for name in leftovers)
    assert runner.invoke(app, ["build"]).exit_code == 0  # the next build publishes them all
    assert not any(deck.read_text(encoding="utf-8").endswith("# mine\n") for deck in decks)
