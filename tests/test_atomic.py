"""The one atomic writer: all or nothing, the mode a plain ``open()`` gives, no leftovers."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashcards.files.atomic import replacing, write_text_atomically
from flashcards.files.decks import load_decks, write_deck
from flashcards.files.settings import bundled_decks_dir


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_built_deck_gets_the_umask_mode_not_the_temp_files(
    tmp_path: Path, umask_027: None
) -> None:
    deck = load_decks([bundled_decks_dir()])[0]
    written = write_deck(deck, tmp_path)
    assert mode(written) == 0o640  # 0666 less the umask, as open() would give


def test_an_export_gets_the_same_mode_as_a_deck(tmp_path: Path, umask_027: None) -> None:
    from exporters import EXPORTERS, ExportOptions

    decks = load_decks([bundled_decks_dir()])
    for name in ("anki", "csv", "markdown"):
        out = tmp_path / f"out.{name}"
        EXPORTERS[name](decks, out, ExportOptions(now=1))
        assert mode(out) == 0o640, name


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("old")
    target.chmod(0o604)
    write_text_atomically(target, "new")
    assert (target.read_text(), mode(target)) == ("new", 0o604)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deck.yaml"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_text("half")
        Path(f"{temporary}-journal").write_text("sqlite's companion")
        raise RuntimeError("disk full halfway")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.yaml"]


def test_a_missing_folder_is_an_os_error_for_the_caller_to_word(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_text_atomically(tmp_path / "nowhere" / "x.txt", "text")


def _count_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import flashcards.files.atomic as atomic

    calls: list[int] = []
    real = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    return calls


def test_a_batch_publishes_every_file_at_its_end_with_one_sync_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "0.yaml").write_text("old")
    fsyncs = _count_fsyncs(monkeypatch)
    with atomic.published_together() as batch:
        for index in range(5):
            batch.write_text(one / f"{index}.yaml", f"one {index}")
            batch.write_text(two / f"{index}.yaml", f"two {index}")
        assert (one / "0.yaml").read_text() == "old"  # nothing replaced before the end
        assert not (two / "4.yaml").exists()
    assert [(one / f"{i}.yaml").read_text() for i in range(5)] == [f"one {i}" for i in range(5)]
    assert sorted(p.name for p in two.iterdir()) == [f"{i}.yaml" for i in range(5)]
    # Linux: one syncfs for the files, then one fsync per folder for the renames.
    assert len(fsyncs) == (2 if sys.platform.startswith("linux") else 12)


def test_without_syncfs_a_batch_syncs_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    monkeypatch.setattr(atomic, "_syncfs_each_folder", lambda folders: False)
    fsyncs = _count_fsyncs(monkeypatch)
    with atomic.published_together() as batch:
        for index in range(3):
            batch.write_text(tmp_path / f"{index}.yaml", "x")
    assert len(fsyncs) == 3 + 1  # each file, then the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.yaml", "1.yaml", "2.yaml"]


def test_a_batch_ended_by_an_error_publishes_nothing_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    import flashcards.files.atomic as atomic

    (tmp_path / "a.yaml").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic.published_together() as batch:
        batch.write_text(tmp_path / "a.yaml", "new")
        batch.write_text(tmp_path / "b.yaml", "new")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]
    assert (tmp_path / "a.yaml").read_text() == "old"


def test_a_rename_failing_at_publish_keeps_the_renames_made_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text("old")
    real = atomic.os.replace

    def refuse_b(source: Path, target: Path) -> None:
        if Path(target).name == "b.yaml":
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(atomic.os, "replace", refuse_b)
    with pytest.raises(OSError, match="Input/output"), atomic.published_together() as batch:
        for name in ("a", "b", "c"):
            batch.write_text(tmp_path / f"{name}.yaml", "new")
    texts = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert texts == {"a.yaml": "new", "b.yaml": "old", "c.yaml": "old"}


def test_a_batch_write_that_fails_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    def full_disk(descriptor: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", full_disk)
    with atomic.published_together() as batch, pytest.raises(OSError, match="No space"):
        batch.write_text(tmp_path / "a.yaml", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_text_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    target = tmp_path / "deck.yaml"
    target.write_text("old")

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_text_atomically(target, "new " * 10_000)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.yaml"]
    assert target.read_text() == "old"
