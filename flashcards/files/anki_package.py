"""Reading the review log out of a package Anki exported (``.apkg`` or ``.colpkg``).

A package is a zip holding one collection (an SQLite file): ``collection.anki21b``
(zstd-compressed, what Anki writes since 2.1.50), else ``collection.anki21`` or
``collection.anki2`` (older Anki, or "Support older Anki versions"). Only the
collection is extracted, to a temporary file, and never more than
:data:`MAX_COLLECTION_BYTES` of it, whatever the zip's headers claim: a zip bomb or
a multi-gigabyte file stops there. Anything that is not such a package, is damaged,
or was made by an Anki newer than this reader is one :class:`AnkiPackageError`.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flashcards.errors import K8sprepError

MAX_COLLECTION_BYTES = 1 << 30
"""1 GiB: a collection of a hundred thousand cards with years of reviews is far smaller."""

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
"""Names of the collection inside a package, the newest format first."""

KNOWN_PACKAGE_VERSIONS = range(1, 4)
"""Versions of the package ``meta`` entry this reader understands (Anki 2.1.50 - 25.x)."""

KNOWN_SCHEMAS = range(11, 19)
"""Collection schema versions (``col.ver``) this reader understands."""

_CHUNK = 1 << 20


class AnkiPackageError(K8sprepError):
    """A file that is not a readable Anki package; the message names the file."""


@dataclass(frozen=True)
class RevlogEntry:
    """One row of Anki's review log, with the guid and template of its card's note."""

    revlog_id: int
    guid: str
    ord: int
    ease: int
    kind: int
    time_ms: int


def read_revlog(path: Path) -> list[RevlogEntry]:
    """Every review logged in the package at ``path``, oldest first.

    Raises:
        AnkiPackageError: not a file, not a zip, a damaged zip, no collection inside,
            a collection too large, or one this reader cannot read.
    """
    if not path.is_file():
        raise AnkiPackageError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise AnkiPackageError(f"{path}: not an Anki package (.apkg or .colpkg is a zip file)")
    with tempfile.TemporaryDirectory(prefix="k8sprep-anki-") as folder:
        collection = Path(folder) / "collection.sqlite"
        _extract_collection(path, collection)
        return _read_collection(path, collection)


def _extract_collection(path: Path, out: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            _check_meta(path, archive, names)
            name = next((n for n in COLLECTIONS if n in names), None)
            if name is None:
                raise AnkiPackageError(f"{path}: not an Anki package (no collection inside)")
            if archive.getinfo(name).file_size > MAX_COLLECTION_BYTES:
                raise _too_large(path)
            with archive.open(name) as source, out.open("wb") as target:
                if name.endswith("b"):
                    _unzstd(path, source, target)
                else:
                    _copy_capped(path, source, target)
    except AnkiPackageError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
        raise AnkiPackageError(f"{path}: damaged Anki package ({error})") from None
    except OSError as error:
        raise AnkiPackageError(f"{path}: cannot read: {error.strerror or error}") from None


def _check_meta(path: Path, archive: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse a package whose ``meta`` says it is newer than this reader knows."""
    if "meta" not in names or archive.getinfo("meta").file_size > 1024:
        return
    version = _varint_field_1(archive.read("meta"))
    if version is not None and version not in KNOWN_PACKAGE_VERSIONS:
        raise AnkiPackageError(
            f"{path}: made by an Anki newer than k8sprep can read (package version {version})"
        )


def _varint_field_1(data: bytes) -> int | None:
    """Field 1 of a protobuf message, when it is a varint (the package version)."""
    if not data or data[0] != 0x08:
        return None
    value, shift = 0, 0
    for byte in data[1:10]:
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
    return None


def _copy_capped(path: Path, source: IO[bytes], target: IO[bytes]) -> None:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise _too_large(path)
        target.write(chunk)


def _unzstd(path: Path, source: IO[bytes], target: IO[bytes]) -> None:
    import zstandard

    decompressor = zstandard.ZstdDecompressor(max_window_size=1 << 27)
    try:
        with decompressor.stream_reader(source, read_across_frames=True) as reader:
            _copy_capped(path, reader, target)
    except zstandard.ZstdError as error:
        raise AnkiPackageError(f"{path}: damaged Anki package ({error})") from None


def _too_large(path: Path) -> AnkiPackageError:
    return AnkiPackageError(
        f"{path}: collection larger than {MAX_COLLECTION_BYTES >> 20} MiB; refused"
    )


def _read_collection(path: Path, collection: Path) -> list[RevlogEntry]:
    try:
        connection = sqlite3.connect(f"file:{collection}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise AnkiPackageError(f"{path}: unreadable collection ({error})") from None
    try:
        version = connection.execute("SELECT ver FROM col").fetchone()
        if version is None or int(version[0]) not in KNOWN_SCHEMAS:
            shown = None if version is None else version[0]
            raise AnkiPackageError(
                f"{path}: an Anki collection of version {shown}, which k8sprep cannot read"
            )
        rows = connection.execute(
            "SELECT r.id, n.guid, c.ord, r.ease, r.type, r.time FROM revlog r "
            "JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id"
        ).fetchall()
    except (sqlite3.Error, TypeError, ValueError) as error:
        raise AnkiPackageError(f"{path}: unreadable collection ({error})") from None
    finally:
        connection.close()
    return [
        RevlogEntry(int(a), str(b), int(c), int(d), int(e), int(f)) for a, b, c, d, e, f in rows
    ]
