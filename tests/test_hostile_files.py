"""Special files, huge numbers and edited times: one line naming the file, never a hang,
a traceback or memory exhausted.

Every case runs the real ``k8sprep`` process (``python -m flashcards``) with a
timeout, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flashcards.files.reading import FileTooLargeError, read_regular_file
from tests.conftest import BUNDLED_DECK, ROOT, SEED

NOW = "2026-11-26T10:00"


def k8sprep(home: Path, *args: str, now: str | None = NOW, stdin: str = "") -> tuple[int, str]:
    """Run the CLI for real; returns the exit code and stderr (a hang fails after 30 s)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
    env["K8SPREP_HOME"] = str(home)
    if now is not None:
        env["K8SPREP_NOW"] = now
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=30,
    )
    return done.returncode, done.stderr


def assert_one_line(code: int, stderr: str, *names: str) -> None:
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("k8sprep: ") and stderr.count("\n") == 1, stderr
    for name in names:
        assert name in stderr, stderr


# --- special files: regular files only, with a cap


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["import", "{file}"],
        ["decks", "{file}"],
        ["export", "csv", "{file}", "-o", "{tmp}/out.csv"],
        ["history", "import", "{file}", "--db", "{tmp}/new.db"],
        ["build", "{file}", "-o", "{tmp}/decks"],
    ],
    ids=["import", "decks", "export", "history-import", "build"],
)
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_special_files_are_refused_in_one_line(
    tmp_path: Path, fifo: Path, args: list[str], special: str
) -> None:
    file = str(fifo) if special == "fifo" else special
    argv = [a.format(file=file, tmp=tmp_path) for a in args]
    code, stderr = k8sprep(tmp_path / "home", *argv)
    assert_one_line(code, stderr, file, "not a regular file")


def test_a_fifo_among_the_chapters_of_a_folder(tmp_path: Path) -> None:
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "05-storage.txt").write_text(SEED.read_text(encoding="utf-8"))
    os.mkfifo(chapters / "06-pipe.txt")
    code, stderr = k8sprep(tmp_path / "home", "build", str(chapters), "-o", str(tmp_path / "d"))
    assert code == 1 and "06-pipe.txt: cannot read: not a regular file (a pipe)" in stderr
    assert (tmp_path / "d" / "05-storage-in-kubernetes.yaml").exists()  # the others still build


@pytest.mark.parametrize("name", ["config.toml", "anki-ledger.json"])
def test_a_fifo_as_config_or_ledger(tmp_path: Path, name: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.mkfifo(home / name)
    args = ["due"] if name == "config.toml" else ["export", "anki", "-o", str(tmp_path / "x.apkg")]
    code, stderr = k8sprep(home, *args)
    assert_one_line(code, stderr, str(home / name), "not a regular file (a pipe)")


def test_a_folder_named_as_a_deck(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"not a regular file \(a folder\)"):
        read_regular_file(tmp_path, 100)


def test_the_cap_holds_and_a_file_at_the_cap_reads(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 1000)
    assert read_regular_file(path, 1000) == b"x" * 1000
    with pytest.raises(FileTooLargeError) as caught:
        read_regular_file(path, 999)
    assert caught.value.size == 1000 and "larger than 999 bytes" in str(caught.value)


def test_an_oversized_deck_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: 17 MiB of nothing, no disk used
        handle.truncate(17 * 1024 * 1024)
    code, stderr = k8sprep(tmp_path / "home", "decks", str(big))
    assert_one_line(code, stderr, str(big), "larger than 16 MiB")


# --- numbers and times no file should hold


@pytest.mark.parametrize(
    "now", ["0001-01-01T00:00", "9999-12-31T23:59:59", "0001-01-01T00:00+14:00"]
)
@pytest.mark.parametrize("command", ["due", "stats", "review", "export anki -o {tmp}/x.apkg"])
def test_k8sprep_now_out_of_range_is_one_line(tmp_path: Path, now: str, command: str) -> None:
    argv = command.format(tmp=tmp_path).split()
    code, stderr = k8sprep(tmp_path / "home", *argv, now=now, stdin="q\n")
    assert_one_line(code, stderr, "K8SPREP_NOW", "out of range")


@pytest.mark.parametrize("now", ["1970-01-02T00:00", "8998-12-31T23:59:59"])
def test_k8sprep_now_at_the_edges_of_the_range_works(tmp_path: Path, now: str) -> None:
    home = tmp_path / "home"
    for command in (["review"], ["due"], ["stats"], ["export", "anki", "-o", f"{tmp_path}/x.apkg"]):
        code, stderr = k8sprep(home, *command, now=now, stdin="4\n5\nq\n")
        assert (code, stderr) == (0, ""), (command, stderr)


@pytest.fixture
def history(tmp_path: Path) -> list[dict[str, object]]:
    """A real history: three answers given through `review`."""
    home = tmp_path / "home"
    assert k8sprep(home, "review", stdin="4\n5\n3\nq\n")[0] == 0
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "history", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "K8SPREP_HOME": str(home), "K8SPREP_NOW": NOW},
        cwd=ROOT,
        timeout=30,
        check=True,
    )
    entries: list[dict[str, object]] = json.loads(done.stdout)
    assert len(entries) == 3
    return entries


def import_edited(tmp_path: Path, entries: list[dict[str, object]]) -> tuple[int, str]:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    return k8sprep(tmp_path / "other", "history", "import", str(path), "--db", f"{tmp_path}/n.db")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("answer_ms", 10**30, "answer_ms must be from 0 to 9,223,372,036,854,775,807"),
        ("id", 2**63, "id must be from 0 to"),
        ("time", "9999-12-31T10:00:00", "does not fall on study day '2026-11-26'"),
        ("time", "2026-11-28T10:00:00", "does not fall on study day"),
    ],
)
def test_edited_history_is_refused_in_one_line(
    tmp_path: Path, history: list[dict[str, object]], field: str, value: object, says: str
) -> None:
    history[1][field] = value
    code, stderr = import_edited(tmp_path, history)
    assert_one_line(code, stderr, "edited.json:", says)
    assert not (tmp_path / "n.db").exists() or "imported" not in stderr


def test_a_number_too_long_to_read_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text('[{"id": ' + "9" * 5000 + "}]", encoding="utf-8")
    code, stderr = k8sprep(tmp_path / "home", "history", "import", str(path))
    assert_one_line(code, stderr, "h.json:1: not valid JSON: a number far too long")


def test_a_time_before_the_rollover_belongs_to_the_day_before(
    tmp_path: Path, history: list[dict[str, object]]
) -> None:
    """01:30 on the 27th is still study day 26 (any rollover hour from 2 to 23): accepted."""
    for entry in history:
        entry["time"] = "2026-11-27T01:30:00"
    code, stderr = import_edited(tmp_path, history)
    assert (code, stderr) == (0, "")


def test_a_ledger_mod_beyond_any_time_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = str(tmp_path / "x.apkg")
    assert k8sprep(home, "export", "anki", "-o", out) == (0, "")
    ledger = home / "anki-ledger.json"
    data = json.loads(ledger.read_text())
    guid = next(iter(data["notes"]))
    data["notes"][guid] = ["changed", 2**62]
    ledger.write_text(json.dumps(data))
    code, stderr = k8sprep(home, "export", "anki", "-o", out)
    assert_one_line(code, stderr, str(ledger), "bad entry")


def test_bundled_deck_still_loads_through_the_cap() -> None:
    assert read_regular_file(BUNDLED_DECK, 16 * 1024 * 1024) == BUNDLED_DECK.read_bytes()
