"""k8sprep's schedule and answers written into an Anki package (``export anki --with-progress``).

Anki imports a card's scheduling and its review log only with "Import any learning
progress" (``with_scheduling``), and only for cards the collection does not hold
yet; cards it already has keep Anki's own schedule. For those it imports, a review
card's ``due`` counts days from the *package's* creation day, and the importer
moves it by the difference between the two collections' "today". So the package
is given a creation day (``crt``) of its own, the earliest study day any answer was
given, with k8sprep's rollover hour and the local UTC offset (Anki's newer,
daylight-saving-proof day numbering), and each card's due day is counted from it:
after the import the card is due on the same calendar study day as in k8sprep.

Each answer becomes one ``revlog`` row whose id is the answer's moment in epoch
milliseconds (what Anki's statistics read). Answers logged to the second get the
first free millisecond of that second, answers that came from Anki keep their own
(:func:`flashcards.schedule.anki_log.revlog_ids`), so exporting twice gives the
same ids and Anki, which skips a revlog id it already holds, never doubles the
history; ``import-anki`` knows the ids for the same reason.

Grades map 0-2 -> Again, 3 -> Hard, 4 -> Good, 5 -> Easy. "Spot the trap" cards
have no k8sprep schedule and stay new.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from genanki.util import guid_for

from flashcards.files.gcpause import gc_paused
from flashcards.files.localtime import iso_epoch_ms_all
from flashcards.schedule.anki_log import revlog_ids

MAX_INT32 = 2**31 - 1

# Anki's card type / queue numbers.
NEW, REVIEW = 0, 2
SUSPENDED_QUEUE = -1


@dataclass(frozen=True)
class CardProgress:
    """A card's schedule as k8sprep holds it; ``due is None``: never answered."""

    due: date | None
    interval: int
    easiness_hundredths: int
    lapses: int
    suspended: bool
    answers: int


LogRow = tuple[str, str, int, int, int, int, int, int]
"""One answer as :func:`flashcards.store.anki_sync.progress_rows` reads it: card id,
answered at (ISO local time), then Anki's revlog ease, ivl, lastIvl, factor, time and
type. Kept as the row itself: a million of them go out in one export."""


@dataclass(frozen=True)
class Progress:
    """Every card's schedule, every answer (oldest first), the first study day with an
    answer (None: none yet) and the study-day rollover."""

    states: Mapping[str, CardProgress]
    answers: Sequence[LogRow]
    first_day: date | None
    rollover_hour: int


def progress_from_rows(
    states: Sequence[tuple[Any, ...]],
    answers: Sequence[LogRow],
    first_day: str | None,
    rollover_hour: int,
) -> Progress:
    """:class:`Progress` from what :func:`flashcards.store.anki_sync.progress_rows` reads."""
    with gc_paused():
        return _progress(states, answers, first_day, rollover_hour)


def _progress(
    states: Sequence[tuple[Any, ...]],
    answers: Sequence[LogRow],
    first_day: str | None,
    rollover_hour: int,
) -> Progress:
    return Progress(
        states={
            row[0]: CardProgress(
                due=None if row[1] is None else date.fromisoformat(row[1]),
                interval=int(row[2]),
                easiness_hundredths=int(row[3]),
                lapses=int(row[4]),
                suspended=bool(row[5]),
                answers=int(row[6]),
            )
            for row in states
        },
        answers=answers,
        first_day=None if first_day is None else date.fromisoformat(first_day),
        rollover_hour=rollover_hour,
    )


def apply_progress(
    connection: sqlite3.Connection,
    progress: Progress,
    *,
    fallback: date,
    guids: Mapping[str, str] | None = None,
) -> None:
    """Write ``progress`` into a package's collection as genanki left it (schema 11).

    ``fallback`` is the creation day when no answer was ever given (today);
    ``guids`` the note guid of each card id in the package, when already known
    (hashing a hundred thousand ids again costs a second).
    """
    day0 = progress.first_day or fallback
    _set_creation(connection, day0, progress.rollover_hour)
    cards = dict(
        connection.execute(
            "SELECT n.guid, c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE c.ord = 0"
        )
    )
    row_of: dict[str, int] = {}
    updates = []
    for card_id, state in progress.states.items():
        if state.due is None and not state.suspended:
            continue  # new in Anki as in the package already
        guid = guid_for(card_id) if guids is None else guids.get(card_id)
        card_row = None if guid is None else cards.get(guid)
        if card_row is None:
            continue
        row_of[card_id] = card_row
        if state.due is None:
            updates.append((NEW, SUSPENDED_QUEUE, 0, 0, 0, 0, 0, card_row))
            continue
        updates.append(
            (
                REVIEW,
                SUSPENDED_QUEUE if state.suspended else REVIEW,
                min((state.due - day0).days, MAX_INT32),
                min(state.interval, MAX_INT32),
                state.easiness_hundredths * 10,
                state.answers,
                state.lapses,
                card_row,
            )
        )
    connection.executemany(
        "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
        "lapses = ? WHERE id = ?",
        updates,
    )
    answers = progress.answers
    stamps = [answer[1] for answer in answers]
    ids = revlog_ids(
        iso_epoch_ms_all(stamps), [len(stamp) > 19 for stamp in stamps]
    )  # over the whole log, so an answer's id does not depend on which decks go out
    del stamps
    row_get = row_of.get
    revlog = [
        (revlog_id, card_row, ease, ivl, last_ivl, factor, taken, kind)
        for (card_id, _, ease, ivl, last_ivl, factor, taken, kind), revlog_id in zip(
            answers, ids, strict=True
        )
        if (card_row := row_get(card_id)) is not None
    ]
    revlog.sort()  # in id order, each row is an append
    # revlog: id, cid, usn (-1: not synced), ease, ivl, lastIvl, factor, time, type.
    # A million rows go in twice as fast with the indexes built afterwards.
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'revlog' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    connection.executemany("INSERT INTO revlog VALUES (?,?,-1,?,?,?,?,?,?)", revlog)
    for _, sql in indexes:
        connection.execute(sql)


def _set_creation(connection: sqlite3.Connection, day0: date, rollover_hour: int) -> None:
    """Give the collection its creation day, rollover hour and UTC offset (v2 day numbering).

    ``crt`` is noon of ``day0``: Anki takes the creation *date* in the creation-time
    offset, and noon is on that date whatever the rollover hour.
    """
    noon = datetime.combine(day0, time(12)).astimezone()
    offset = noon.utcoffset() or timedelta(0)
    (conf_text,) = connection.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_text)
    conf.update(
        schedVer=2,
        rollover=rollover_hour,
        creationOffset=-int(offset.total_seconds() // 60),  # minutes west of UTC
    )
    connection.execute(
        "UPDATE col SET crt = ?, conf = ?", (int(noon.timestamp()), json.dumps(conf))
    )
