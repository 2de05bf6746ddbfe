"""Backup files: their timestamped names, rotation, and writing them all at once or not at all.

Every file in ``backups/`` is written to a temporary name beside it, flushed, then
renamed in one step, so a crash or a full disk never leaves half a backup under a
backup's name.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from pathlib import Path

from flashcards.errors import StoreError
from flashcards.files import atomic
from flashcards.store.connection import driver_message

DEFAULT_KEEP = 10
"""Backups kept in the backup folder when neither ``--keep`` nor ``backups_keep`` says."""

BACKUP_KIND = "k8sprep"
PRE_RESTORE_KIND = "pre-restore"
SUFFIX = ".db"
_STAMP = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")


# --- names and rotation (pure)


def backup_filename(kind: str, now: datetime, attempt: int = 0) -> str:
    """``k8sprep-20261126-093000.db``; a second backup in the same second gets ``-2``."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return f"{kind}-{stamp}{'' if attempt < 2 else f'-{attempt}'}{SUFFIX}"


def backups_of_kind(names: list[str], kind: str) -> list[str]:
    """The names in ``names`` that :func:`backup_filename` made for ``kind``, oldest first."""
    found = []
    for name in names:
        if name.startswith(f"{kind}-") and name.endswith(SUFFIX):
            stamp = name[len(kind) + 1 : -len(SUFFIX)]
            if _STAMP.match(stamp):
                found.append(name)

    def order(name: str) -> tuple[str, int]:
        stamp = name[len(kind) + 1 : -len(SUFFIX)]
        base, _, attempt = stamp[:15], stamp[15:16], stamp[16:]
        return base, int(attempt or 0)

    return sorted(found, key=order)


def backups_to_remove(
    names: list[str], kind: str, keep: int, *, written: str | None = None
) -> list[str]:
    """The oldest backups of ``kind`` beyond the newest ``keep``.

    ``written``, the backup just made, counts as the newest whatever its name says:
    after the clock moved back its time stamp is older than the others', and
    rotation must never delete the one copy that holds today's answers.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    mine = backups_of_kind(names, kind)
    if written in mine:
        mine.remove(written)
        mine.append(written)
    return mine[: max(0, len(mine) - keep)]


# --- writing files


def free_name(folder: Path, kind: str, now: datetime) -> Path:
    """A backup name for ``now`` in ``folder`` that no file has yet."""
    attempt = 0
    while (folder / backup_filename(kind, now, attempt)).exists():
        attempt = 2 if attempt == 0 else attempt + 1
    return folder / backup_filename(kind, now, attempt)


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A fresh temporary file in ``target``'s folder, removed unless published: the one
    atomic writer's (:func:`flashcards.files.atomic.temporary_beside`), locked while in
    use, which is how :func:`remove_stale` tells a killed process's leftovers."""
    make_dir(target.parent)
    with ExitStack() as stack:
        try:
            temporary = stack.enter_context(atomic.temporary_beside(target))
        except OSError as error:
            raise StoreError(
                f"{target.parent}: cannot write here ({error.strerror or error})"
            ) from None
        yield temporary


_OURS = re.compile(
    r"\.(?:\.restore-.+|(?:k8sprep|pre-restore|pre-migration-v\d+)-\d{8}-\d{6}(?:-\d+)?\.db)"
    r"\.(?:[0-9]{1,10}\.)?[a-z0-9_]{8}\.tmp"
)
STALE_AFTER_S = 5.0
"""A temporary file this new may belong to a process that has not locked it yet."""


def _companion_of(name: str) -> str | None:
    """The temporary file ``name`` is an SQLite companion of (``x.tmp-wal`` -> ``x.tmp``)."""
    for suffix in ("-journal", "-wal", "-shm"):
        base = name.removesuffix(suffix)
        if base != name and base.endswith(".tmp") and len(base) > len(".tmp"):
            return base
    return None


def remove_stale(folder: Path) -> list[Path]:
    """Remove what a killed backup or restore left in ``folder``; return what was removed.

    Only files of :func:`temporary_beside`'s naming for backups and restores, and only
    when no running process holds their lock: a restore running in another terminal
    keeps its files.
    """
    removed: list[Path] = []
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return removed
    present = set(names)
    for name in names:
        path = folder / name
        base = _companion_of(name)
        if base is not None and _OURS.fullmatch(base):
            if base not in present:  # its temporary file is gone: an orphan
                with suppress(OSError):
                    path.unlink()
                    removed.append(path)
        elif _OURS.fullmatch(name) and _abandoned(path):
            _remove_with_companions(path)
            removed.append(path)
    return removed


def _abandoned(path: Path) -> bool:
    try:
        if time.time() - path.stat().st_mtime < STALE_AFTER_S:
            return False
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live process holds it
    finally:
        os.close(handle)
    return True


def _remove_with_companions(temporary: Path) -> None:
    for leftover in (temporary, *(Path(f"{temporary}{s}") for s in ("-journal", "-wal", "-shm"))):
        with suppress(OSError):
            leftover.unlink(missing_ok=True)


def publish(temporary: Path, target: Path) -> None:
    """Flush ``temporary`` to disk and rename it to ``target`` in one step."""
    try:
        atomic.publish(temporary, target)
    except OSError as error:
        raise StoreError(f"{target}: not written ({error.strerror or error})") from None


def make_dir(folder: Path) -> None:
    """Create ``folder`` and its parents, or say in one line why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"{folder}: cannot create the folder ({error.strerror or error})"
        ) from None


def nonempty(path: Path) -> bool:
    """Whether ``path`` is a file with something in it (an empty one holds no database)."""
    return path.is_file() and path.stat().st_size > 0


def write_failure(error: Exception) -> str:
    """Why SQLite could not write a copy, in the words of a backup message."""
    text = driver_message(error)
    return "disk full" if "full" in text else text
