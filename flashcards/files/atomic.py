"""Writing a file all at once or not at all: the one atomic writer every file goes through.

Decks, exports, ledgers and backups are written to a temporary name beside their
target (same folder, so same file system), flushed to disk, given the mode a plain
``open()`` would have given them, and renamed over the target in one step; the folder
is then synced so the rename itself survives a power cut. A crash, a full disk or
Ctrl-C leaves the old file as it was and no temporary file behind (but for ``kill -9``,
whose leftovers carry :data:`TEMP_SUFFIX` and the target's name).

Errors are plain :class:`OSError`: each caller says in its own words what was not
written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".tmp"
"""Temporary files are ``.<target name>.<pid>.<random>.tmp``, hidden beside their target;
the writer's pid lets a later run tell an abandoned one (:mod:`flashcards.files.tempfiles`)."""

_COMPANIONS = ("-journal", "-wal", "-shm")
"""Files SQLite may make beside a database written into a temporary file."""


class _DeferredSyncs(threading.local):
    """Folders whose renames wait for one sync at the end of a batch (per thread)."""

    folders: set[Path] | None = None


_deferred = _DeferredSyncs()


@contextlib.contextmanager
def folder_syncs_batched() -> Iterator[None]:
    """Sync each folder written in the block once, when the block ends, not after every file.

    A build writes hundreds of decks into one folder; a folder sync per deck is most of
    what writing costs. Each file is still synced before its rename, so every file is
    the old one or the new one whatever happens; only the renames of the batch become
    durable together at its end (also when it ends by an exception). Nested blocks
    sync at the outermost one's end.
    """
    if _deferred.folders is not None:
        yield
        return
    _deferred.folders = set()
    try:
        yield
    finally:
        folders, _deferred.folders = _deferred.folders, None
        for folder in sorted(folders):
            _sync_folder(folder)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces ``target`` when the block ends.

    Write the new contents to the yielded path (open it, or let SQLite write into it).
    On a clean exit it is synced and renamed over ``target``; on any exception it is
    removed, with the SQLite companions it may have grown, and ``target`` is untouched.

    Raises:
        OSError: the temporary file cannot be made, written, synced or renamed.
    """
    with temporary_beside(target) as temporary:
        yield temporary
        publish(temporary, target)


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A fresh temporary file in ``target``'s folder, removed on exit unless published.

    It has the mode ``target`` will have, and is locked (``flock``) while in use: a
    process killed meanwhile loses the lock with its life, which is how a later run
    tells an abandoned temporary file from one being written.

    Raises:
        OSError: the temporary file cannot be made.
    """
    handle, temporary = _new_temporary(target)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield temporary
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in _COMPANIONS)):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        os.close(handle)


def publish(temporary: Path, target: Path) -> None:
    """Sync ``temporary`` to disk and rename it over ``target`` in one step, durably.

    Raises:
        OSError: the file cannot be synced or renamed; ``target`` is left as it was.
    """
    with temporary.open("rb+") as stream:
        os.fsync(stream.fileno())
    _rename_durably(temporary, target)


def _rename_durably(temporary: Path, target: Path) -> None:
    os.replace(temporary, target)
    if _deferred.folders is None:
        _sync_folder(target.parent)
    else:
        _deferred.folders.add(target.parent)


def temp_prefix(target: Path) -> str:
    """How every temporary file written for ``target`` starts: ``.<target name>.``."""
    return f".{target.name}."


def write_bytes_atomically(target: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a binary stream that replaces ``target`` once ``write`` returns.

    Raises:
        OSError: see :func:`replacing`; ``target`` is left as it was.
    """
    with replacing(target) as temporary, temporary.open("wb") as stream:
        write(stream)


def write_text_atomically(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` in UTF-8 and ``\\n`` line ends, atomically.

    Raises:
        OSError: see :func:`replacing`; ``target`` is left as it was.
    """
    data = memoryview(text.encode("utf-8"))
    # One descriptor from creation to sync: a build writes hundreds of small files.
    handle, temporary = _new_temporary(target)
    try:
        while data:
            data = data[os.write(handle, data) :]
        os.fsync(handle)
        _rename_durably(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    finally:
        os.close(handle)


def _new_temporary(target: Path) -> tuple[int, Path]:
    """An open descriptor and the path of a new temporary file named for ``target``."""
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=temp_prefix(target) + f"{os.getpid()}.", suffix=TEMP_SUFFIX
    )
    try:
        os.fchmod(handle, _file_mode(target))  # mkstemp makes it private (0600)
    except BaseException:
        os.close(handle)
        Path(name).unlink(missing_ok=True)
        raise
    return handle, Path(name)


def _file_mode(target: Path) -> int:
    """The existing file's mode, else 0666 less the process umask (what ``open()`` gives)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
