"""Reading a user's file whole: regular files only, and never more than a cap.

Chapters, decks, history files, the config and the export ledger are read into
memory. ``/dev/zero`` named as one would exhaust memory, and a FIFO (``mkfifo``)
would block the open until some other process writes to it: a hang. So the file
is opened without blocking, must be a regular file, and is read only up to its
cap (checked again while reading, for a file that grows meanwhile).

Caps (each far above any real file of its kind): chapter 4 MiB, deck 16 MiB,
config 1 MiB, export ledger 64 MiB, review history 200 MB.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MiB = 1024 * 1024
_CHUNK = MiB


class FileTooLargeError(OSError):
    """The file holds more than the cap allows; ``size`` is what was seen (at least)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {_amount(limit)}; is this the right file?")
        self.size = size
        self.limit = limit


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises:
        FileTooLargeError: the file is larger than ``limit`` bytes.
        OSError: the file cannot be opened or read, or is no regular file (a FIFO,
            a device, a folder, a socket); ``strerror`` says which, in words.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise FileTooLargeError(info.st_size, limit)
        chunks: list[bytes] = []
        read = 0
        want = info.st_size + 1  # all of it in one read (and no joined copy), then the rest
        while chunk := os.read(fd, min(max(want, _CHUNK), limit + 1 - read)):
            want = 0
            chunks.append(chunk)
            read += len(chunk)
            if read > limit:
                raise FileTooLargeError(read, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _amount(size: int) -> str:
    return f"{size // MiB} MiB" if size % MiB == 0 else f"{size:,} bytes"
