"""Chapter files -> deck files: the I/O edge of ``k8sprep build``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from flashcards.errors import ChapterError, DeckFileError, K8sprepError
from flashcards.files.atomic import PublishBatch, published_together, write_text_atomically
from flashcards.files.decks import (
    deck_filename,
    read_deck_text,
    remove_stale_deck_temporaries,
    write_deck,
)
from flashcards.files.reading import FileTooLargeError, read_regular_file
from flashcards.model import Deck, Kind
from flashcards.parse.cards import build_deck_reporting, with_existing_ids
from flashcards.parse.chapter import ParsedChapter, ParseWarning, parse_chapter
from flashcards.parse.deckfile import dump_deck, parse_deck
from flashcards.parse.merge import MergeReport, merge_decks, record

CHAPTER_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
BACKUP_SUFFIX = ".bak"
"""``--fresh`` keeps the replaced deck as ``05-x.yaml.bak``, which no command loads as a deck."""
MAX_CHAPTER_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class BuildResult:
    """What building one chapter produced."""

    chapter_path: Path
    deck_path: Path
    deck: Deck
    warnings: tuple[ParseWarning, ...]
    kept: MergeReport = field(default_factory=MergeReport)
    backup: Path | None = None

    def counts(self) -> Counter[Kind]:
        """Cards per kind."""
        return Counter(card.kind for card in self.deck.cards)


def chapter_paths(paths: Sequence[Path]) -> list[Path]:
    """Chapter files named by ``paths``; folders expand to their .txt/.md files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in CHAPTER_SUFFIXES))
        elif path.exists():  # a FIFO or device too: read_chapter says what it is
            found.append(path)
        else:
            raise ChapterError("no such chapter file or folder", path=str(path))
    return found


def read_chapter(path: Path) -> ParsedChapter:
    """Read and parse one chapter file (UTF-8, with or without BOM, LF or CRLF)."""
    try:
        data = read_regular_file(path, MAX_CHAPTER_BYTES)
    except FileTooLargeError as error:
        raise ChapterError(
            f"{error.size / 1_000_000:.1f} MB is far larger than a chapter "
            f"(limit {MAX_CHAPTER_BYTES // (1024 * 1024)} MiB); is this the right file?",
            path=str(path),
        ) from None
    except OSError as error:
        raise ChapterError(f"cannot read: {error.strerror or error}", path=str(path)) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ChapterError("binary data (NUL bytes), not a chapter text", path=str(path), line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ChapterError("not UTF-8 text, not a chapter", path=str(path), line=line) from None
    return parse_chapter(text, str(path))


def build_chapters(
    paths: Sequence[Path], out_dir: Path, *, fresh: bool = False
) -> Iterator[tuple[Path, BuildResult | K8sprepError]]:
    """Build every chapter of ``paths`` into ``out_dir``, yielding each one's result or error.

    One chapter's error does not stop the others. The decks are published together
    when the last chapter is built (:class:`PublishBatch`: one sync for all, not one per
    deck); until then the old decks stay, and an exception out of the loop (Ctrl-C)
    leaves them all as they were. The folder is swept once for leftovers of killed builds.

    Raises:
        DeckFileError: the decks cannot be published at the end (each is its old
            self or its new one).
    """
    claimed: dict[Path, Path] = {}
    remove_stale_deck_temporaries(out_dir)
    try:
        with published_together() as batch:
            for path in paths:
                try:
                    yield path, build_chapter(path, out_dir, claimed, fresh=fresh, batch=batch)
                except K8sprepError as error:
                    yield path, error
    except OSError as error:
        raise DeckFileError(
            f"decks not written: {error.strerror or error}", path=str(out_dir)
        ) from None


def build_chapter(
    path: Path,
    out_dir: Path,
    claimed: dict[Path, Path] | None = None,
    *,
    fresh: bool = False,
    batch: PublishBatch | None = None,
) -> BuildResult:
    """Parse one chapter and write its deck, keeping the ids and hand edits of the deck it replaces.

    ``claimed`` maps the decks written so far in this build to their chapters, so
    two files of one chapter (its site copy and its Markdown) never silently
    overwrite each other's deck. ``fresh`` builds from the chapter alone (ids are
    still kept) after copying the old deck to ``<deck>.bak``. A deck the build would
    leave byte for byte as it is is not written again. ``batch`` as for :func:`write_deck`.
    """
    parsed = read_chapter(path)
    deck, unreached = build_deck_reporting(parsed.chapter, path.name)
    warnings = tuple(sorted((*parsed.warnings, *unreached), key=lambda w: w.line))
    target = out_dir / deck_filename(deck)
    if claimed is not None:
        if target in claimed:
            raise ChapterError(
                f"not built: {claimed[target]} already made {target} from the same chapter "
                f"number and title; build one of the two",
                path=str(path),
            )
        claimed[target] = path
    recorded = record(deck)
    text: str | None = dump_deck(recorded)
    existing, unchanged = None, False
    if target.exists():
        try:
            on_disk = read_deck_text(target)
            # The deck on disk is exactly what this build writes (chapter and deck
            # untouched since the last build): it has nothing to merge, no need to parse it.
            unchanged = on_disk == text
            existing = recorded if unchanged else parse_deck(on_disk, str(target))
        except K8sprepError as error:
            raise ChapterError(
                f"not rebuilt: the existing deck {target} does not load ({error}); "
                "fix or move it first so its card ids are not lost",
                path=str(path),
            ) from None
    if unchanged and not fresh:
        return BuildResult(path, target, recorded, warnings)
    if existing is None:
        deck, kept, backup = recorded, MergeReport(), None
    else:
        table = existing.generated_table()
        generated = tuple(c for c in existing.cards if existing.generated is None or c.id in table)
        deck = with_existing_ids(deck, replace(existing, cards=generated))
        if fresh:
            backup = target.with_name(target.name + BACKUP_SUFFIX)
            _save_copy(target, backup, batch)
            deck, kept = record(deck), MergeReport()
        else:
            (deck, kept), backup = merge_decks(deck, existing), None
        text = None
    written = write_deck(deck, out_dir, text, batch=batch)
    return BuildResult(path, written, deck, warnings, kept, backup)


def _save_copy(target: Path, backup: Path, batch: PublishBatch | None) -> None:
    """Copy the old deck to ``backup``; in a batch, it is published before the new deck."""
    try:
        old = target.read_text(encoding="utf-8")
        if batch is None:
            write_text_atomically(backup, old)
        else:
            batch.write_text(backup, old)
    except OSError as error:
        raise ChapterError(
            f"not rebuilt: cannot save the old deck first: {error.strerror or error}",
            path=str(backup),
        ) from None
