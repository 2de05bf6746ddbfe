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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flashcards.errors import ExportError
from flashcards.files.gcpause import gc_paused
from flashcards.files.localtime import epoch_ms, iso_epoch_ms_all
from flashcards.schedule.anki_log import revlog_ids

MAX_INT32 = 2**31 - 1
PER_SECOND = 1000
"""Answers one second can hold before their revlog ids run into the next second's."""

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


@dataclass(frozen=True)
class SqliteProgress:
    """Progress still in an SQLite review database, which the package's collection
    attaches (read-only) and copies from in SQL: a million answers never pass through
    Python. The statements come from the store (they know its tables), each against
    the database attached as ``schema``: ``first_day`` (the first study day with an
    answer), ``states`` (the rows of :func:`progress_from_rows`' ``states``, columns
    card_id, due, interval_days, easiness, lapses, suspended, answers) and ``log``
    (every answer: id, then a :data:`LogRow` with columns card_id, answered_at, ease,
    ivl, last_ivl, factor, taken, kind)."""

    database: Path
    rollover_hour: int
    schema: str
    first_day: str
    states: str
    log: str


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
    progress: Progress | SqliteProgress,
    *,
    fallback: date,
    card_rows: Mapping[str, int],
) -> None:
    """Write ``progress`` into a package's collection as genanki left it (schema 11).

    ``fallback`` is the creation day when no answer was ever given (today);
    ``card_rows`` the package's card (its row id in ``cards``) of each card id, as the
    package's writer gave them. Both forms of progress write the same rows. A
    :class:`SqliteProgress` needs a connection opened with ``uri=True`` and no
    transaction of its own open.
    """
    if isinstance(progress, SqliteProgress):
        _apply_attached(connection, progress, fallback=fallback, card_rows=card_rows)
        return
    row_of = _apply_states(connection, progress, fallback=fallback, card_rows=card_rows)
    _insert_log(connection, progress.answers, row_of)


def _apply_states(
    connection: sqlite3.Connection,
    progress: Progress,
    *,
    fallback: date,
    card_rows: Mapping[str, int],
) -> dict[str, int]:
    """Set the creation day and every scheduled card's columns; each such card id's row."""
    day0 = progress.first_day or fallback
    _set_creation(connection, day0, progress.rollover_hour)
    row_of: dict[str, int] = {}
    updates = []
    for card_id, state in progress.states.items():
        if state.due is None and not state.suspended:
            continue  # new in Anki as in the package already
        card_row = card_rows.get(card_id)
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
    return row_of


def _is_time(stamp: object) -> bool:
    try:
        datetime.fromisoformat(stamp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _insert_log(
    connection: sqlite3.Connection, answers: Sequence[LogRow], row_of: Mapping[str, int]
) -> None:
    """The answers of the cards in ``row_of`` as revlog rows."""
    stamps = [answer[1] for answer in answers]
    try:
        moments = iso_epoch_ms_all(stamps)
    except (TypeError, ValueError):  # a damaged database: name the first answer at fault
        bad = next((answer[:2] for answer in answers if not _is_time(answer[1])), None)
        which = "an answer" if bad is None else f"the answer to {bad[0]} at {bad[1]!r:.60}"
        raise ExportError(f"review log: {which} has no time to export") from None
    # over the whole log, so an answer's id does not depend on which decks go out
    ids = revlog_ids(moments, [len(stamp) > 19 for stamp in stamps])
    del stamps, moments
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
    with _revlog_indexes_after(connection):
        connection.executemany("INSERT INTO revlog VALUES (?,?,-1,?,?,?,?,?,?)", revlog)


@contextmanager
def _revlog_indexes_after(connection: sqlite3.Connection) -> Iterator[None]:
    """Run the block without the revlog's indexes, then build them: a million rows go in
    twice as fast."""
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'revlog' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        connection.execute(sql)


def _apply_attached(
    connection: sqlite3.Connection,
    progress: SqliteProgress,
    *,
    fallback: date,
    card_rows: Mapping[str, int],
) -> None:
    """:func:`apply_progress` from a review database the collection attaches and reads,
    all in one transaction (one snapshot of the review database)."""
    connection.commit()  # ATTACH is refused inside a transaction
    uri = progress.database.resolve().as_uri() + "?mode=ro"
    connection.execute(f"ATTACH DATABASE ? AS {progress.schema}", (uri,))
    try:
        connection.execute("BEGIN")
        first_day = connection.execute(progress.first_day).fetchone()[0]
        day0 = fallback if first_day is None else date.fromisoformat(first_day)
        _set_creation(connection, day0, progress.rollover_hour)
        _copy_states(connection, progress.states, day0, card_rows)
        with _revlog_indexes_after(connection):
            if not _copy_log(connection, progress.log):
                answers = connection.execute(
                    "SELECT card_id, answered_at, ease, ivl, last_ivl, factor, taken, kind "
                    f"FROM ({progress.log}) ORDER BY id"
                ).fetchall()
                row_of = dict(connection.execute("SELECT card_id, cid FROM temp.export_card"))
                _insert_log(connection, answers, row_of)
        connection.execute("DROP TABLE temp.export_card")
        connection.commit()
    finally:
        if connection.in_transaction:
            connection.rollback()
        connection.execute(f"DETACH DATABASE {progress.schema}")


def _copy_states(
    connection: sqlite3.Connection, states: str, day0: date, card_rows: Mapping[str, int]
) -> None:
    """:func:`_apply_states` in SQL: the same columns from the same states, and
    ``temp.export_card`` for the cards that have a schedule."""
    connection.execute(
        "CREATE TEMP TABLE package_card (card_id TEXT PRIMARY KEY, cid INTEGER) WITHOUT ROWID"
    )
    connection.executemany("INSERT INTO temp.package_card VALUES (?, ?)", card_rows.items())
    connection.execute(
        "CREATE TEMP TABLE export_card (card_id TEXT PRIMARY KEY, cid INTEGER) WITHOUT ROWID"
    )
    scheduled = "s.due IS NULL THEN 0 ELSE"
    connection.execute(
        "CREATE TEMP TABLE card_schedule AS SELECT p.cid, "
        f"CASE WHEN s.due IS NULL THEN {NEW} ELSE {REVIEW} END AS type, "
        f"CASE WHEN s.suspended THEN {SUSPENDED_QUEUE} ELSE {REVIEW} END AS queue, "
        f"CASE WHEN {scheduled} MIN(CAST(julianday(s.due) - julianday(?) AS INTEGER), "
        f"{MAX_INT32}) END AS due, "
        f"CASE WHEN {scheduled} MIN(s.interval_days, {MAX_INT32}) END AS ivl, "
        f"CASE WHEN {scheduled} s.easiness * 10 END AS factor, "
        f"CASE WHEN {scheduled} s.answers END AS reps, "
        f"CASE WHEN {scheduled} s.lapses END AS lapses, s.card_id "
        f"FROM ({states}) AS s JOIN temp.package_card AS p ON p.card_id = s.card_id "
        "WHERE s.due IS NOT NULL OR s.suspended",
        (day0.isoformat(),),
    )
    connection.execute(
        "UPDATE cards SET type = k.type, queue = k.queue, due = k.due, ivl = k.ivl, "
        "factor = k.factor, reps = k.reps, lapses = k.lapses "
        "FROM temp.card_schedule AS k WHERE cards.id = k.cid"
    )
    connection.execute("INSERT INTO temp.export_card SELECT card_id, cid FROM temp.card_schedule")
    connection.execute("DROP TABLE temp.card_schedule")
    connection.execute("DROP TABLE temp.package_card")


def _copy_log(connection: sqlite3.Connection, log: str) -> bool:
    """The answers of the cards in ``temp.export_card`` as revlog rows, copied in SQL;
    False (and nothing copied) for a log whose ids need :func:`_insert_log`.

    Every answer of the log, in log order, takes its second's next free millisecond
    (:class:`_NextIds`, the fast case of :func:`flashcards.schedule.anki_log.revlog_ids`),
    so an id does not depend on which decks go out. Rows of cards not in the package
    have no card (NULL) and are left out by ``OR IGNORE``. An answer not on a whole
    second (it came from Anki with its millisecond), or a second with more answers
    than milliseconds, needs the general walk: the copy is then rolled back.
    """
    ids = _NextIds()
    connection.create_function("k8sprep_revlog_id", 1, ids.function())
    connection.execute("SAVEPOINT revlog")
    try:
        # The log is scanned in id order (its primary key): the order ids are given in.
        connection.execute(
            "INSERT OR IGNORE INTO revlog SELECT k8sprep_revlog_id(l.answered_at), c.cid, -1, "
            f"l.ease, l.ivl, l.last_ivl, l.factor, l.taken, l.kind FROM ({log}) AS l "
            "LEFT JOIN temp.export_card AS c ON c.card_id = l.card_id ORDER BY l.id"
        )
        general = ids.irregular or ids.crowded()
        if general:
            connection.execute("ROLLBACK TO revlog")
        connection.execute("RELEASE revlog")
    finally:
        connection.create_function("k8sprep_revlog_id", 1, None)
    return not general


class _NextIds:
    """Its :meth:`function` is called once per answer, in log order, with its moment
    (ISO local time to the second): the first millisecond of that second not taken yet.

    Each minute is converted to epoch milliseconds once, as
    :func:`flashcards.files.localtime.iso_epoch_ms_all` does (time-zone changes fall
    on whole minutes). A log in time order gives each second's answers one after
    another, so the last moment and its next free millisecond are kept in the closure
    and written to :attr:`taken` only when the moment changes (and by :meth:`crowded`).
    A moment of any other form sets :attr:`irregular` (raising would only abort the
    statement with a generic error).
    """

    def __init__(self) -> None:
        self.taken: dict[int, int] = {}
        self.minutes: dict[str, int] = {}
        self.irregular = False
        self._flush: Callable[[], None] = lambda: None

    def function(self) -> Callable[[object], int]:
        """The function SQLite calls: a closure over locals, called a million times."""
        taken, minutes, second_ms = self.taken, self.minutes, _SECOND_MS
        last_stamp: object = _NO_STAMP  # equal to no stamp (not even a NULL's None)
        last_minute = ""
        minute_ms = moment = free = 0

        def next_id(stamp: object) -> int:
            nonlocal last_stamp, last_minute, minute_ms, moment, free
            if stamp != last_stamp:
                if type(stamp) is not str or len(stamp) != 19:  # the general walk says why
                    self.irregular = True
                    return -1
                offset = second_ms.get(stamp[17:])
                if offset is None:
                    self.irregular = True
                    return -1
                if stamp[:16] != last_minute:
                    found = minutes.get(stamp[:16])
                    if found is None:
                        try:
                            found = epoch_ms(datetime.fromisoformat(stamp[:16]))
                        except ValueError:
                            self.irregular = True
                            return -1
                        minutes[stamp[:16]] = found
                    last_minute, minute_ms = stamp[:16], found
                if last_stamp is not _NO_STAMP:
                    taken[moment] = free
                last_stamp, moment = stamp, minute_ms + offset
                free = taken.get(moment, moment)
            free += 1
            return free - 1

        def flush() -> None:
            if last_stamp is not _NO_STAMP:
                taken[moment] = free

        self._flush = flush
        return next_id

    def crowded(self) -> bool:
        """Whether a second took more ids than it has milliseconds (they may collide)."""
        self._flush()
        return any(after - moment > PER_SECOND for moment, after in self.taken.items())


_NO_STAMP = object()
_SECOND_MS = {f"{second:02d}": second * 1000 for second in range(100)}
"""A moment's seconds (two ASCII digits) as milliseconds; 60-99 spill into the next
minute, as the general walk counts them."""


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
