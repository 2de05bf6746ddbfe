"""Hostile and broken input, tried for real: YAML tags, odd numbers, unsafe file names.

Every case must end in a ``K8sprepError`` (one clean line from the CLI) or a clean
result, never a traceback, and never leave a deck file half-written or outside its
folder; a review database on a full disk or read-only loses no answer half-way.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.errors import ChapterError, DeckFileError, DeckProblems, K8sprepError
from flashcards.files.builder import read_chapter
from flashcards.files.decks import MAX_FILENAME_BYTES, deck_filename, load_deck, write_deck
from flashcards.model import Card, ChapterInfo, Deck, Kind
from flashcards.parse.controls import strip_controls
from flashcards.parse.deckfile import dump_deck, parse_deck

ROOT = Path(__file__).resolve().parent.parent
DECK_TEXT = (ROOT / "decks" / "05-storage-in-kubernetes.yaml").read_text(encoding="utf-8")
SEED_TEXT = (ROOT / "seeds" / "05-storage-in-kubernetes.txt").read_text(encoding="utf-8")

WINDOWS_RESERVED = ("CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "con.txt", "Nul")


def small_deck(title: str = "Storage", slug: str = "", number: int = 5) -> Deck:
    card = Card(id="c-1", kind=Kind.CONCEPT, front="What is a PV?", back="A volume.")
    return Deck(f"{number:02d} {title}", ChapterInfo(number, slug, title), (card,))


# --- YAML: only plain data is ever constructed


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object:os.system x",
        "!!python/name:os.system ''",
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!binary aGVsbG8=",
        "!!timestamp 2001-12-14",
        "!custom thing",
    ],
)
def test_yaml_tags_are_refused_and_never_run(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "ran"
    front = value.format(marker=marker)
    text = DECK_TEXT.replace("  front: ", f"  front: {front}\n  x_front: ", 1)
    text = text.replace("  x_front: ", "  wrong_answer: ", 1)
    with pytest.raises(DeckProblems) as caught:
        parse_deck(text, "evil.yaml")
    assert any("evil.yaml:15:" in str(p) for p in caught.value.problems), str(caught.value)
    assert "is not allowed in a deck" in str(caught.value)
    assert not marker.exists()


def test_python_tag_on_the_whole_document_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(DeckProblems, match=r"evil.yaml:1: the deck must be a mapping"):
        parse_deck(text, "evil.yaml")
    assert not marker.exists()


def test_nested_aliases_do_not_expand() -> None:
    """A "billion laughs" document is refused at once, not expanded."""
    tags = "".join(
        f"  - &t{i} [" + ", ".join([f"*t{i - 1}" if i else "x"] * 10) + "]\n" for i in range(30)
    )
    text = (
        "version: 1\ndeck: d\nchapter: {number: 1, title: t}\ncards:\n"
        "- id: x\n  kind: concept\n  front: f\n  back: b\n  tags:\n" + tags
    )
    with pytest.raises(DeckProblems, match=r"<deck>:10: a tag must be a single value"):
        parse_deck(text)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("010", "'010'"),  # YAML 1.1 octal, which Python's int() refuses
        ("0x_", "'0x_'"),
        ("0b_", "'0b_'"),
        ("1:30", "'1:30'"),  # YAML 1.1 sexagesimal
        ("!!int abc", "'abc'"),
        ("9" * 5000, "'" + "9" * 39 + "…'"),  # beyond Python's int-from-text limit
    ],
)
def test_integers_python_cannot_read_are_clean_errors(value: str, shown: str) -> None:
    text = DECK_TEXT.replace("  number: 5", f"  number: {value}", 1)
    with pytest.raises(DeckProblems) as caught:
        parse_deck(text, "d.yaml")
    assert str(caught.value) == f"d.yaml:4: chapter 'number' must be a whole number, not {shown}"


def test_non_utf8_deck_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(DECK_TEXT.encode()[:40] + b"\n\xff\xfe\n")
    with pytest.raises(DeckFileError, match=r"d.yaml:3: not UTF-8 text"):
        load_deck(path)


# --- deck file names: always one plain, short name inside the given folder


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd",
        "/etc/cron.d/evil",
        "..",
        "a/../../b",
        "nul\x00byte",
        "back\\slash\\..\\..",
        "~/.ssh/authorized_keys",
        "x" * 5000,
        "é" * 300,
        "",
        "   ",
        "🙂🙂",
        *WINDOWS_RESERVED,
    ],
)
def test_deck_filename_is_sanitised(tmp_path: Path, title: str) -> None:
    for deck in (small_deck(title=title), small_deck(title="ok", slug=title)):
        name = deck_filename(deck)
        assert name.startswith("05-") and name.endswith(".yaml")
        assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        assert ".." not in name and len(name.encode()) <= 100
        assert name.removesuffix(".yaml").upper() not in WINDOWS_RESERVED
        folder = tmp_path / "decks"
        written = write_deck(deck, folder)
        assert written.parent == folder and written.name == name
        if deck.chapter.title.strip():  # a deck must have a title to load again
            chapter = deck.chapter  # loading drops control characters such as NUL
            clean = replace(
                chapter, title=strip_controls(chapter.title), slug=strip_controls(chapter.slug)
            )
            assert load_deck(written) == replace(
                deck, name=strip_controls(deck.name), chapter=clean
            )
    assert sorted(p.parent for p in tmp_path.rglob("*") if p.is_file()) == [
        tmp_path / "decks"
    ] * len(list((tmp_path / "decks").iterdir()))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(min_size=0, max_size=400),
    slug=st.text(max_size=400),
    number=st.integers(-(10**6), 10**6),
)
def test_any_title_writes_inside_the_folder(
    tmp_path: Path, title: str, slug: str, number: int
) -> None:
    deck = small_deck(title=title, slug=slug, number=number)
    name = deck_filename(deck)
    assert len(name.encode()) <= MAX_FILENAME_BYTES
    assert os.sep not in name and "\x00" not in name and not name.startswith(".")
    written = write_deck(deck, tmp_path / "out")
    assert written.resolve().parent == (tmp_path / "out").resolve()


def test_symlinked_deck_name_pointing_outside_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("precious\n")
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / deck_filename(small_deck())).symlink_to(outside)
    with pytest.raises(DeckFileError, match="would land outside"):
        write_deck(small_deck(), folder)
    assert outside.read_text() == "precious\n"


def test_giant_chapter_number_is_refused_not_written(tmp_path: Path) -> None:
    deck = small_deck(number=10**300)
    with pytest.raises(DeckFileError, match="unsafe deck file name"):
        write_deck(deck, tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- chapters: bytes that are not a chapter


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.txt:1: empty file, not a chapter"),
        (b"\n \n\t\n", "x.txt:1: empty file, not a chapter"),
        (b"05. Title\nsome\x00thing", "x.txt:2: binary data (NUL bytes), not a chapter text"),
        (b"05. Title\n\xc3\x28\n", "x.txt:2: not UTF-8 text, not a chapter"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.txt:3: binary data (NUL bytes), not a chapter text"),
        (
            b"no title here\n",
            "x.txt:1: no title line: a chapter starts with '05. Title — Subtitle'",
        ),
    ],
)
def test_bytes_that_are_not_a_chapter(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(ChapterError) as caught:
        read_chapter(path)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_bom_and_crlf_chapter_reads_like_the_plain_one(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.replace("\n", "\r\n").encode())
    plain = tmp_path / "y.txt"
    plain.write_text(SEED_TEXT, encoding="utf-8")
    assert read_chapter(path).chapter == read_chapter(plain).chapter


def test_build_with_hostile_title_writes_only_inside_out(tmp_path: Path) -> None:
    _title, rest = SEED_TEXT.split("\n", 1)
    chapter = tmp_path / "evil.txt"
    chapter.write_text("05. ../../../../tmp/evil/" + "x" * 400 + " — sub\n" + rest)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(chapter), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p != chapter]
    assert len(files) == 1 and files[0].parent == out
    assert files[0].name.startswith("05-tmp-evil-xxx") and len(files[0].name) <= 100


def test_bad_chapter_leaves_existing_deck_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    deck = out / "05-storage-in-kubernetes.yaml"
    deck.write_text(DECK_TEXT.replace("version: 2", "version: [", 1))
    before = deck.read_bytes()
    chapter = tmp_path / "05.txt"
    chapter.write_text(SEED_TEXT)
    result = CliRunner().invoke(app, ["build", str(chapter), "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith(f"k8sprep: {chapter}: not rebuilt: the existing deck")
    assert deck.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [deck.name]  # no temporary left behind


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child: writes past ``limit`` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_build_onto_a_full_disk_is_one_line_and_keeps_the_old_deck(tmp_path: Path) -> None:
    """The kernel refuses writes past 4 KiB (RLIMIT_FSIZE): a real write failure."""
    out = tmp_path / "out"
    out.mkdir()
    old = out / "05-storage-in-kubernetes.yaml"
    old.write_text(DECK_TEXT)
    chapter = tmp_path / "05.txt"
    chapter.write_text(SEED_TEXT.replace("Storage", "Storage!"))
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "build", str(chapter), "--out", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size(4096),
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"k8sprep: {old}: deck not written: File too large\n"
    assert old.read_text() == DECK_TEXT
    assert [p.name for p in out.iterdir()] == [old.name]


def test_build_into_a_full_tmpfs(tmp_path: Path) -> None:
    """The same on a real 64 KiB file system that fills up (needs root to mount)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE test covers it")
    try:
        (disk / "filler").write_bytes(b"x" * (64 * 1024 - 8192))
        with pytest.raises(DeckFileError) as caught:
            write_deck(parse_deck(DECK_TEXT), disk)
        assert str(caught.value).endswith("deck not written: No space left on device")
        assert [p.name for p in disk.iterdir()] == ["filler"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_every_refusal_is_a_k8sprep_error() -> None:
    """Broken decks produce the library's own errors, which the CLI prints as one line."""
    for text in ("", "[]", "version: 1", "{", "\t", "cards: 5", DECK_TEXT[:300]):
        with pytest.raises(K8sprepError):
            parse_deck(text)
    assert parse_deck(dump_deck(parse_deck(DECK_TEXT))) == parse_deck(DECK_TEXT)


# --- the review database on a full disk or read-only: one line, nothing half-written


def _answered_db(tmp_path: Path) -> Path:
    from flashcards.files.decks import load_decks
    from flashcards.store import Store

    path = tmp_path / "k8sprep.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_decks(load_decks())
    return path


def _verified(path: Path) -> int:
    """Open ``path`` afresh, check it, and return how many answers it logs."""
    from flashcards.store import Store
    from flashcards.store.verify import verify_database

    with Store.open(f"sqlite:///{path}") as store:
        report = verify_database(store.db)
    assert report.ok, report.problems
    return report.answers


def test_answers_on_a_full_database_fail_whole(tmp_path: Path) -> None:
    """SQLite's page limit makes the file full for real; each answer is all or nothing."""
    from datetime import datetime, timedelta

    from flashcards.errors import StoreError
    from flashcards.files.decks import load_decks
    from flashcards.store import Store

    path = _answered_db(tmp_path)
    ids = [card.id for card in load_decks()[0].cards]
    saved = 0
    with Store.open(f"sqlite:///{path}") as store:
        assert store.db.sqlite is not None
        pages = store.db.sqlite.execute("PRAGMA page_count").fetchone()[0]
        store.db.sqlite.execute(f"PRAGMA max_page_count = {pages + 1}")
        moment = datetime(2026, 12, 1, 9, 0)
        with pytest.raises(StoreError) as caught:
            for step in range(10_000):
                when = moment + timedelta(days=step // len(ids))
                store.record_review(ids[step % len(ids)], time=when, day=when.date(), grade=4)
                saved += 1
        assert str(caught.value) == "not saved, nothing changed: the disk is full"
        assert len(list(store.history())) == saved  # the failed answer left no trace
    assert saved > 0 and _verified(path) == saved


def _review(db: str, home: Path, lines: str, **limits: int) -> subprocess.CompletedProcess[str]:
    def apply() -> None:
        if "fsize" in limits:
            _limit_file_size(limits["fsize"])()

    return subprocess.run(
        [sys.executable, "-m", "flashcards", "review", "--db", db],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=apply,
        env={**os.environ, "K8SPREP_HOME": str(home), "K8SPREP_NOW": "2026-12-01T09:00"},
    )


def test_review_when_the_disk_fills_up(tmp_path: Path) -> None:
    """A real review process whose files may not grow (RLIMIT_FSIZE): clean stop, valid file."""
    path = _answered_db(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    done = _review(str(path), tmp_path, "4\n" * 40, fsize=path.stat().st_size + 4096)
    assert done.returncode == 1, done.stdout[-500:]
    assert done.stderr.startswith("k8sprep: not saved, nothing changed: "), done.stderr
    assert done.stderr.count("\n") == 1
    saved = done.stdout.count("Graded 4")
    assert saved < 19 and _verified(path) == saved


def test_review_on_a_read_only_database(tmp_path: Path) -> None:
    path = _answered_db(tmp_path)
    before = path.read_bytes()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    done = _review(read_only, tmp_path, "4\n4\n")
    assert done.returncode == 1
    assert done.stderr == "k8sprep: not saved, nothing changed: the database is read-only\n"
    assert path.read_bytes() == before
    assert _verified(path) == 0


def _mount(args: list[str]) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_review_on_a_full_tmpfs_and_a_read_only_mount(tmp_path: Path) -> None:
    """The same on real file systems: a 1 MiB tmpfs filled up, and a read-only bind mount."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)]):
        pytest.skip("cannot mount here (needs root); RLIMIT_FSIZE and mode=ro tests cover it")
    try:
        path = disk / "k8sprep.db"
        shutil.copyfile(_answered_db(tmp_path), path)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 24 * 1024))
        done = _review(str(path), tmp_path, "4\n" * 40)
        assert done.returncode == 1
        assert done.stderr.startswith("k8sprep: "), done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        saved = done.stdout.count("Graded 4")
        (disk / "filler").unlink()
        assert _verified(path) == saved
        frozen = tmp_path / "frozen"
        frozen.mkdir()
        assert _mount(["--bind", str(disk), str(frozen)])
        try:
            assert _mount(["-o", "remount,ro,bind", str(frozen)])
            done = _review(str(frozen / "k8sprep.db"), tmp_path, "4\n")
            assert done.returncode == 1
            assert done.stderr.startswith("k8sprep: "), done.stderr
            assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        finally:
            subprocess.run(["umount", str(frozen)], check=True)
        assert _verified(path) == saved
    finally:
        subprocess.run(["umount", str(disk)], check=True)
