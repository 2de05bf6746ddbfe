"""The one atomic writer: all or nothing, the mode a plain ``open()`` gives, no leftovers."""

from __future__ import annotations

import os
import stat
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


def test_a_batch_syncs_each_folder_once_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    synced: list[Path] = []
    real_sync = atomic._sync_folder
    monkeypatch.setattr(
        atomic, "_sync_folder", lambda folder: (synced.append(folder), real_sync(folder))
    )
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    with atomic.folder_syncs_batched():
        for index in range(5):
            write_text_atomically(one / f"{index}.yaml", "x")
            write_text_atomically(two / f"{index}.yaml", "y")
        with atomic.folder_syncs_batched():  # nested: still the outer block's
            write_text_atomically(one / "inner.yaml", "z")
        assert synced == []
        assert (one / "4.yaml").read_text() == "x"  # each file is in place at once
    assert sorted(synced) == [one, two]
    write_text_atomically(one / "after.yaml", "w")  # outside a batch: synced at once
    assert synced[-1] == one and len(synced) == 3


def test_a_batch_ended_by_an_error_still_syncs_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashcards.files.atomic as atomic

    synced: list[Path] = []
    monkeypatch.setattr(atomic, "_sync_folder", synced.append)
    with pytest.raises(KeyboardInterrupt), atomic.folder_syncs_batched():
        write_text_atomically(tmp_path / "a.yaml", "x")
        raise KeyboardInterrupt
    assert synced == [tmp_path] and (tmp_path / "a.yaml").read_text() == "x"


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
