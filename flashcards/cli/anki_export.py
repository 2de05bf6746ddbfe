"""What an export takes from the review database, when there is one.

``export`` works without a database (decks come from YAML); with one it counts
the retired cards for the summary, and ``export anki --with-progress`` /
``--include-retired`` read the schedule, the answers and the retired cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from flashcards.errors import NoDatabaseError, StoreError
from flashcards.model import Card, ChapterInfo, Deck

if TYPE_CHECKING:
    from exporters.anki_progress import Progress, SqliteProgress
    from flashcards.store.connection import Db

RETIRED_TAG = "k8sprep::retired"


@dataclass(frozen=True)
class FromDatabase:
    """The database's part of an export."""

    progress: Progress | SqliteProgress | None = None
    retired: int = 0
    retired_decks: list[Deck] = field(default_factory=list)


def read_database(
    db: str | None, *, with_progress: bool, include_retired: bool, exported: Sequence[Deck]
) -> FromDatabase:
    """Progress, the retired count and (if asked) the retired cards not in ``exported``.

    Raises:
        StoreError: progress or retired cards were asked for and there is no database
            or it cannot be opened; without them, that just means nothing to count
            (a database named by ``--db`` / ``$K8SPREP_DB`` that is not there is
            a warning: the user may have mistyped it).
    """
    from flashcards.cli.opening import open_store, open_to_read
    from flashcards.cli.output import echo
    from flashcards.store.anki_sync import retired_cards, retired_count

    needed = with_progress or include_retired
    try:
        store = open_store(db, create=False) if needed else open_to_read(db)
    except NoDatabaseError as error:  # a named database that is not there
        if needed:
            raise
        echo(f"k8sprep: warning: {error}; exported without it", err=True)
        return FromDatabase()
    except StoreError:  # one that cannot be read: count nothing, unless it was asked for
        if needed:
            raise
        return FromDatabase()
    if store is None:  # no database yet
        return FromDatabase()
    with store:
        retired = retired_count(store.db)
        progress = None
        if with_progress:
            from flashcards.files import settings
            from flashcards.files.settings import load_config

            progress = read_progress(store.db, load_config(settings.config_path()).rollover_hour)
        decks: list[Deck] = []
        if include_retired and retired:
            taken = {card.id for deck in exported for card in deck.cards}
            grouped: dict[str, tuple[Deck, list[Card]]] = {}
            for stored in retired_cards(store.db):
                if stored.card.id in taken:
                    continue
                if stored.deck not in grouped:
                    chapter = ChapterInfo(number=stored.chapter, slug=stored.deck, title="")
                    grouped[stored.deck] = (Deck(stored.deck_name, chapter, ()), [])
                card = replace(stored.card, tags=(*stored.card.tags, RETIRED_TAG))
                grouped[stored.deck][1].append(card)
            decks = [replace(deck, cards=tuple(cards)) for deck, cards in grouped.values()]
    return FromDatabase(progress, retired, decks)


def read_progress(db: Db, rollover_hour: int) -> Progress | SqliteProgress:
    """What an export with progress carries: an SQLite file is left for the package to
    copy from in SQL (its million answers never pass through Python); a server's rows
    are read here."""
    from exporters.anki_progress import SqliteProgress, progress_from_rows
    from flashcards.store import anki_sync

    path = anki_sync.sqlite_file(db)
    if path is None:
        return progress_from_rows(*anki_sync.progress_rows(db), rollover_hour)
    return SqliteProgress(
        database=path,
        rollover_hour=rollover_hour,
        schema=anki_sync.ATTACHED,
        first_day=anki_sync.ATTACHED_FIRST_DAY_SQL,
        states=anki_sync.ATTACHED_STATE_SQL,
        log=anki_sync.ATTACHED_LOG_SQL,
    )
