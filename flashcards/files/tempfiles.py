"""Cleaning up the temporary files a killed write left behind.

Every file k8sprep writes goes first to a temporary file beside it (``.x.apkg.<pid>.<random>.tmp``)
that is renamed over the target once complete. ``kill -9``, a power cut or a second
SIGTERM leaves that temporary file where it was, and nothing else ever removes it: a
big package left a few times over fills the folder. The next write of the same
target removes such leftovers, only those of its own naming, and only when they are
surely abandoned:

- the writer's pid is in the name and no such process runs (after a short grace
  period, for a writer on another machine sharing the folder), or
- the file has not been written to for :data:`STALE_AFTER_S` (names without a pid).
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from flashcards.files.atomic import TEMP_SUFFIX

STALE_AFTER_S = 3600.0
"""A temporary file untouched this long is abandoned: an export takes seconds."""
DEAD_WRITER_GRACE_S = 60.0
"""How old a temporary file of a process that is gone must be before it goes."""


def remove_stale_temporaries(
    folder: Path, prefix: str, suffix: str = ".tmp", *, now: float | None = None
) -> list[Path]:
    """Delete abandoned ``{prefix}*{suffix}`` files in ``folder``; returns what went.

    Best effort: a file that cannot be examined or removed is left alone, never an error.
    """
    moment = time.time() if now is None else now
    return [
        path
        for name in _names_in(folder)
        if name.startswith(prefix)
        and name.endswith(suffix)
        and (path := _removed_if_abandoned(folder, name, prefix, suffix, moment)) is not None
    ]


def remove_stale_temporaries_of(
    folder: Path, target_suffixes: tuple[str, ...], *, now: float | None = None
) -> list[Path]:
    """Like :func:`remove_stale_temporaries` for every target in ``folder`` whose name ends
    with one of ``target_suffixes``, in one pass over the folder.

    A build writes hundreds of decks into one folder: a pass per deck would read the
    folder hundreds of times.
    """
    moment = time.time() if now is None else now
    removed = []
    for name in _names_in(folder):
        if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
            continue
        for target_suffix in target_suffixes:  # .<target><suffix>.[<pid>.]<random>.tmp
            end = name.rfind(target_suffix + ".") + len(target_suffix) + 1
            if end > len(target_suffix) + 1:
                path = _removed_if_abandoned(folder, name, name[:end], TEMP_SUFFIX, moment)
                if path is not None:
                    removed.append(path)
                break
    return removed


def _names_in(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []


def _removed_if_abandoned(
    folder: Path, name: str, prefix: str, suffix: str, moment: float
) -> Path | None:
    """Delete ``folder / name`` if it is a regular file surely abandoned; the path if it went."""
    if len(name) <= len(prefix) + len(suffix):
        return None  # not one of ours: ours have a random part
    path = folder / name
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return None
        age = moment - info.st_mtime
        writer = _writer_pid(name[len(prefix) : len(name) - len(suffix)])
        gone = writer is not None and not _running(writer)
        if age > STALE_AFTER_S or (gone and age > DEAD_WRITER_GRACE_S):
            path.unlink()
            return path
    except OSError:
        pass
    return None


def _writer_pid(middle: str) -> int | None:
    """The pid at the start of ``<pid>.<random>``, if the name carries one."""
    pid, dot, _ = middle.partition(".")
    return int(pid) if dot and pid.isdigit() and 0 < len(pid) <= 10 else None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or no way to tell: keep the file
    return True
