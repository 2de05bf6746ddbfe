"""Temporary files of a killed export (``.x.apkg.<pid>.<random>.tmp``) go on the next export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flashcards.files.tempfiles import DEAD_WRITER_GRACE_S, STALE_AFTER_S, remove_stale_temporaries
from tests.conftest import ROOT

NOW = 1_900_000_000.0


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def make(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"half a package")
    os.utime(path, (NOW - age, NOW - age))
    return path


def test_only_abandoned_files_of_our_own_naming_go(tmp_path: Path) -> None:
    gone, alive = dead_pid(), os.getpid()
    removed = [
        make(tmp_path, f".x.apkg.{gone}.k3j_9x.tmp", DEAD_WRITER_GRACE_S + 5),
        make(tmp_path, ".x.apkg.q8w7e6r5.tmp", STALE_AFTER_S + 5),  # no pid: by age
        make(tmp_path, f".x.apkg.{alive}.zz.tmp", STALE_AFTER_S + 5),  # hung for an hour
    ]
    kept = [
        make(tmp_path, f".x.apkg.{gone}.young.tmp", 5),  # another machine's, maybe: grace
        make(tmp_path, f".x.apkg.{alive}.busy.tmp", DEAD_WRITER_GRACE_S + 5),  # being written
        make(tmp_path, ".x.apkg.q8w7e6r5.tmp2", STALE_AFTER_S + 5),
        make(tmp_path, f".y.apkg.{gone}.other.tmp", STALE_AFTER_S + 5),  # another target's
        make(tmp_path, "x.apkg", STALE_AFTER_S + 5),
        make(tmp_path, ".x.apkg..tmp", STALE_AFTER_S + 5),
    ]
    (tmp_path / f".x.apkg.{gone}.dir.tmp").mkdir()
    (tmp_path / f".x.apkg.{gone}.link.tmp").symlink_to(kept[-2])
    found = remove_stale_temporaries(tmp_path, ".x.apkg.", now=NOW)
    assert sorted(found) == sorted(removed)
    assert all(path.exists() for path in kept) and not any(p.exists() for p in removed)
    assert (tmp_path / f".x.apkg.{gone}.dir.tmp").is_dir()


def test_a_missing_folder_is_nothing_to_clean(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "nope", ".x.") == []


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from exporters.base import write_atomically

def write(handle):
    handle.write(b"x" * 100_000)
    handle.flush()
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))

write_atomically(Path(sys.argv[1]), write)
"""


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_the_next_export_removes_what_a_killed_one_left(tmp_path: Path, how: str) -> None:
    out = tmp_path / "x.apkg"
    ledger_dir = tmp_path / "home"
    ledger_dir.mkdir()
    for target in (out, ledger_dir / "anki-ledger.json"):
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_WRITER, str(target), how], cwd=ROOT, timeout=60
        )
        assert killed.returncode == -getattr(signal, how)
    left = sorted(tmp_path.rglob(".*.tmp"))
    assert len(left) == 2 and not out.exists()
    old = time.time() - DEAD_WRITER_GRACE_S - 5
    for path in left:
        os.utime(path, (old, old))
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
    env["K8SPREP_HOME"] = str(ledger_dir)
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "export", "anki", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists() and sorted(tmp_path.rglob(".*.tmp")) == []


def test_a_build_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    from flashcards.files.decks import load_decks, write_deck
    from flashcards.files.settings import bundled_decks_dir

    deck = load_decks([bundled_decks_dir()])[0]
    target = write_deck(deck, tmp_path)
    leftover = tmp_path / f".{target.name}.999999999.abcd.tmp"  # a pid no process has
    leftover.write_text("half a deck")
    old = time.time() - 2 * DEAD_WRITER_GRACE_S
    os.utime(leftover, (old, old))
    write_deck(deck, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_one_pass_removes_every_decks_leftovers_and_nothing_else(tmp_path: Path) -> None:
    from flashcards.files.tempfiles import remove_stale_temporaries_of

    gone, alive = dead_pid(), os.getpid()
    removed = [
        make(tmp_path, f".05-storage.yaml.{gone}.k3j_9x.tmp", DEAD_WRITER_GRACE_S + 5),
        make(tmp_path, f".06-net.yml.{gone}.abc.tmp", DEAD_WRITER_GRACE_S + 5),
        make(tmp_path, ".07-x.yaml.q8w7e6r5.tmp", STALE_AFTER_S + 5),  # no pid: by age
    ]
    kept = [
        make(tmp_path, f".05-storage.yaml.{alive}.busy.tmp", DEAD_WRITER_GRACE_S + 5),
        make(tmp_path, f".05-storage.yaml.{gone}.young.tmp", 5),
        make(tmp_path, f".x.apkg.{gone}.other.tmp", STALE_AFTER_S + 5),  # not a deck's
        make(tmp_path, ".05-storage.yaml..tmp", STALE_AFTER_S + 5),
        make(tmp_path, "05-storage.yaml", STALE_AFTER_S + 5),
    ]
    found = remove_stale_temporaries_of(tmp_path, (".yaml", ".yml"), now=NOW)
    assert sorted(found) == sorted(removed)
    assert all(path.exists() for path in kept) and not any(p.exists() for p in removed)


def test_a_batch_build_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    from flashcards.files.builder import build_chapters
    from tests.conftest import SEED

    decks = tmp_path / "decks"
    decks.mkdir()
    leftover = decks / ".05-storage-in-kubernetes.yaml.999999999.abcd.tmp"
    leftover.write_text("half a deck")
    old = time.time() - 2 * DEAD_WRITER_GRACE_S
    os.utime(leftover, (old, old))
    [(_, result)] = list(build_chapters([SEED], decks))
    assert not isinstance(result, Exception)
    assert sorted(p.name for p in decks.iterdir()) == ["05-storage-in-kubernetes.yaml"]
