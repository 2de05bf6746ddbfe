"""Writing a file all at once or not at all: the one atomic writer every file goes through.

Decks, exports, ledgers and backups are written to a temporary name beside their
target (same folder, so same file system), flushed to disk, given the mode a plain
``open()`` would have given them, and renamed over the target in one step; the folder
is then synced so the rename itself survives a power cut. A crash, a full disk or
Ctrl-C leaves the old file as it was and no temporary file behind (but for ``kill -9``,
whose leftovers carry :data:`TEMP_SUFFIX` and the target's name). A build publishes its
decks as one :class:`PublishBatch`: one sync for them all, then the renames.

Errors are plain :class:`OSError`: each caller says in its own words what was not
written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".tmp"
"""Temporary files are ``.<target name>.<pid>.<random>.tmp``, hidden beside their target;
the writer's pid lets a later run tell an abandoned one (:mod:`flashcards.files.tempfiles`)."""

_COMPANIONS = ("-journal", "-wal", "-shm")
"""Files SQLite may make beside a database written into a temporary file."""


class PublishBatch:
    """Text files written now and published together when the batch ends.

    A build writes hundreds of small decks; syncing each one before its rename costs a
    journal commit per file, most of what writing costs. A batch leaves each file as a
    temporary beside its target, then makes them all durable with one sync (``syncfs``
    per file system on Linux, an ``fsync`` each elsewhere), renames them over their
    targets in the order written, and syncs each folder once. Every target is its old
    self or its new one whatever happens: a ``kill -9`` or power cut before the renames
    leaves the old files and temporaries that the next write sweeps away.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def write_text(self, target: Path, text: str) -> None:
        """Write ``text`` (UTF-8) to a temporary file that replaces ``target`` at :meth:`publish`.

        Raises:
            OSError: the temporary file cannot be made or written (it is removed).
        """
        handle, temporary = _new_temporary(target)
        try:
            _write_all(handle, text)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        finally:
            os.close(handle)
        self._pending.append((temporary, target))

    def publish(self) -> None:
        """Sync every file written, then rename each over its target and sync the folders.

        Raises:
            OSError: the files cannot be synced or renamed; the renames already made
                stay, the other targets are left as they were.
        """
        pending, self._pending = self._pending, []
        renamed = 0
        try:
            _sync_files([temporary for temporary, _ in pending])
            for temporary, target in pending:
                os.replace(temporary, target)
                renamed += 1
        finally:
            _remove_quietly(temporary for temporary, _ in pending[renamed:])
        for folder in sorted({target.parent for _, target in pending}):
            _sync_folder(folder)

    def discard(self) -> None:
        """Remove every file written: no target changes."""
        pending, self._pending = self._pending, []
        _remove_quietly(temporary for temporary, _ in pending)


@contextlib.contextmanager
def published_together() -> Iterator[PublishBatch]:
    """A :class:`PublishBatch` published when the block ends, or discarded if it raises.

    Raises:
        OSError: see :meth:`PublishBatch.publish`.
    """
    batch = PublishBatch()
    try:
        yield batch
    except BaseException:  # Ctrl-C in a build: every deck stays as it was
        batch.discard()
        raise
    batch.publish()


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
    _sync_folder(target.parent)


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
    batch = PublishBatch()
    batch.write_text(target, text)
    batch.publish()


def _write_all(handle: int, text: str) -> None:
    data = memoryview(text.encode("utf-8"))
    while data:
        data = data[os.write(handle, data) :]


def _sync_files(paths: list[Path]) -> None:
    """Make the data of every file in ``paths`` durable, with as few syncs as the OS allows.

    Linux syncs a whole file system with one ``syncfs``: one journal commit for all of
    them, where an ``fsync`` each commits once per file. Elsewhere, and when
    ``syncfs`` fails, each file is synced on its own.
    """
    if len(paths) > 1 and _syncfs_each_folder({path.parent for path in paths}):
        return
    for path in paths:
        with path.open("rb+") as stream:
            os.fsync(stream.fileno())


def _syncfs_each_folder(folders: set[Path]) -> bool:
    """``syncfs`` the file system of each folder; False where that cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only here: a build's batch end, on Linux

    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    for folder in folders:
        try:
            descriptor = os.open(folder, os.O_RDONLY)
        except OSError:
            return False
        try:
            if syncfs(descriptor) != 0:
                return False
        finally:
            os.close(descriptor)
    return True


def _remove_quietly(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


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
