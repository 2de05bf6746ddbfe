"""The :class:`Store` façade: one object per open database, used by every command."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.errors import StoreError, UnknownCardError
from flashcards.model import Card, Deck, Kind
from flashcards.schedule.config import Config
from flashcards.schedule.exam import Exam, ExamCounts, Feasibility, Progress
from flashcards.schedule.leech import LeechRule
from flashcards.schedule.sm2 import REDRILL_BELOW
from flashcards.store import answers, reports, sync
from flashcards.store import exam as exam_store
from flashcards.store.connection import (
    Db,
    connect,
    database_url,
    driver_message,
    ensure_schema,
    shown_url,
    sqlite_path,
)
from flashcards.store.values import (
    ACTIVE,
    CARD_COLUMNS,
    STATE_COLUMNS,
    Answer,
    AnsweredToday,
    CardState,
    DeckCount,
    DeckRow,
    DrillFact,
    NextDue,
    ReviewFact,
    ScheduledCard,
    StoredCard,
    SyncReport,
    iso,
    prefixed_columns,
    to_state,
    to_stored_card,
)

if TYPE_CHECKING:  # FSRS loads only for the commands that use it
    from flashcards.schedule.memory import ShadowFSRS
    from flashcards.store.memory_states import MemoryTable

_GET_CARD = (
    f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
    "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id WHERE c.id = :id"
)


class Store:
    """The review database of one user: open with :meth:`open`, close when done."""

    def __init__(self, db: Db, where: str) -> None:
        self.db = db
        self.where = where
        self.fsrs_retention: float | None = None
        """Set (``use_scheduler``) when FSRS sets due dates; None: SM-2."""
        self.leech_rule = LeechRule()
        """What makes a card a leech and what then happens (commands set the config's)."""

    @classmethod
    def open(cls, target: str | Path, *, create: bool = True) -> Store:
        """Open the k8sprep database at ``target``, creating it on first use.

        ``target`` is a file path (``"k8sprep.db"``, a :class:`~pathlib.Path`) or any
        SQLAlchemy URL (``"postgresql+psycopg://..."``, ``"sqlite://"`` for memory).
        Opening never backs up, prints or upgrades: a database from an older release
        raises :class:`~flashcards.errors.SchemaUpgradeNeededError`, untouched.

        Commands that only read (``verify``, ``card``, ``due``...) pass ``create=False``:
        a typo in ``--db`` or a command run before the first review must not leave an
        empty database (and its folder) behind.

        Raises:
            NoDatabaseError: ``create`` is False and there is no database yet; nothing
                was created.
            SchemaUpgradeNeededError: the database needs :func:`flashcards.upgrade`.
            StoreError: the database cannot be opened, or is not a k8sprep database
                (checked before anything is written to it).
        """
        url = database_url(target)
        where = sqlite_path(url) or shown_url(url)
        db = connect(url, create=create)
        try:
            ensure_schema(db, where, create=create)
        except StoreError:
            db.close()
            raise
        except Exception as error:
            db.close()
            raise StoreError(f"{where}: cannot open database ({driver_message(error)})") from None
        return cls(db, where)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- decks and cards

    def card_count(self) -> int:
        """Cards that are not retired."""
        return int(self.db.rows("SELECT COUNT(*) FROM card WHERE NOT retired")[0][0])

    def has_cards(self) -> bool:
        """Whether any card is not retired (cheap, unlike counting 100,000 of them)."""
        return bool(self.db.rows("SELECT 1 FROM card WHERE NOT retired LIMIT 1"))

    def decks(self) -> list[DeckRow]:
        """Every deck that has active cards, in chapter order."""
        return [
            DeckRow(slug, name, int(chapter))
            for slug, name, chapter in self.db.rows(
                "SELECT d.slug, d.name, d.chapter FROM deck d WHERE EXISTS "
                "(SELECT 1 FROM card c WHERE c.deck = d.slug AND NOT c.retired) "
                "ORDER BY d.chapter, d.slug"
            )
        ]

    def deck_source(self, slug: str) -> Path | None:
        """The YAML file deck ``slug`` was last imported from.

        None when the database does not know it: no such deck, or one imported before
        schema version 4 (:func:`flashcards.cli.catalog.deck_source` then falls back
        to the bundled file of that deck). The file may have moved since.
        """
        rows = self.db.rows("SELECT source_path FROM deck WHERE slug = :slug", {"slug": slug})
        return Path(rows[0][0]) if rows and rows[0][0] else None

    def deck_sources(self) -> dict[str, Path | None]:
        """:meth:`deck_source` of every deck :meth:`decks` lists, by slug."""
        rows = self.db.rows(
            "SELECT d.slug, d.source_path FROM deck d WHERE EXISTS "
            "(SELECT 1 FROM card c WHERE c.deck = d.slug AND NOT c.retired)"
        )
        return {slug: Path(source) if source else None for slug, source in rows}

    def sync_decks(self, decks: Sequence[Deck]) -> SyncReport:
        """Make the cards of ``decks`` match their YAML, keeping every review state.

        See :mod:`flashcards.store.sync`.

        Raises:
            StoreError: the same card id or chapter slug appears twice among ``decks``.
        """
        return sync.sync_decks(self.db, decks)

    def get(self, card_id: str) -> StoredCard:
        """One card with its deck and state.

        Raises:
            UnknownCardError: no card has this id.
        """
        rows = self.db.rows(_GET_CARD, {"id": card_id})
        if not rows:
            raise UnknownCardError(
                f"no card with id {card_id!r} (`k8sprep history` lists the ids of answered "
                "cards; every card's id is in its deck YAML)"
            )
        return to_stored_card(rows[0])

    def resolve_card(self, text: str) -> str:
        """The id of the one card ``text`` names: its id, hash part or a unique prefix.

        See :mod:`flashcards.store.card_ids`.

        Raises:
            UnknownCardError: no card matches.
            AmbiguousCardError: several cards match; the message names them.
        """
        from flashcards.store.card_ids import resolve_card_id

        return resolve_card_id(self.db, text)

    def state(self, card_id: str) -> CardState:
        """A card's review state.

        Raises:
            UnknownCardError: no card has this id.
        """
        rows = self.db.rows(
            f"SELECT {STATE_COLUMNS} FROM card_state WHERE card_id = :id", {"id": card_id}
        )
        if not rows:
            raise UnknownCardError(f"no card with id {card_id!r}")
        return to_state(rows[0])

    def set_suspended(self, card_id: str, suspended: bool) -> None:
        """Suspend (never shown again until unsuspended) or unsuspend a card."""
        self.state(card_id)
        with self.db.transaction():
            self.db.run(
                "UPDATE card_state SET suspended = :flag WHERE card_id = :id",
                {"flag": suspended, "id": card_id},
            )

    # --- what to show today (the policy is in flashcards.schedule.queue)

    def due_ids(self, today: date, limit: int, deck: str | None = None) -> list[str]:
        """Cards due on or before ``today``, most overdue first."""
        return self._ids(
            "s.due <= :today", "s.due, s.queue_order", today=today, limit=limit, deck=deck
        )

    def new_ids(self, limit: int, deck: str | None = None) -> list[str]:
        """Never-answered cards in chapter order (deck chapter, then place in the deck)."""
        return self._ids("s.due IS NULL", "s.queue_order", limit=limit, deck=deck)

    def redrill_ids(self, today: date, deck: str | None = None) -> list[str]:
        """Cards whose last answer today was below 4: they come back until graded 4 or 5."""
        return self._ids(
            f"s.last_day = :today AND s.last_grade < {REDRILL_BELOW}",
            "s.last_review, s.queue_order",
            today=today,
            limit=None,
            deck=deck,
        )

    def drill_ids(
        self, today: date, kinds: Sequence[str], limit: int, deck: str | None = None
    ) -> list[str]:
        """Cards of ``kinds`` to drill: due today first, then new ones, then the soonest due.

        Three range scans with a LIMIT, as for the daily queue, so that a big database
        shows its first question at once. ``kinds`` must be :class:`~flashcards.model.Kind`
        values (they are written into the statement).
        """
        chosen = ", ".join(f"'{Kind(kind).value}'" for kind in kinds)
        of_kind = f"c.kind IN ({chosen})"
        found: list[str] = []
        for where, order in (
            ("s.due <= :today", "s.due, s.queue_order"),
            ("s.due IS NULL", "s.queue_order"),
            ("s.due > :today", "s.due, s.queue_order"),
        ):
            found += self._ids(
                f"{where} AND {of_kind}", order, today=today, limit=limit - len(found), deck=deck
            )
        return found

    def cards_of_kinds(self, kinds: Sequence[str], decks: Sequence[str] = ()) -> list[StoredCard]:
        """Active cards of ``kinds`` (Kind values), of ``decks`` (slugs) or all: a mock's pool."""
        chosen = ", ".join(f"'{Kind(kind).value}'" for kind in kinds)
        params = {f"d{n}": slug for n, slug in enumerate(decks)}
        in_decks = f" AND c.deck IN ({', '.join(':' + name for name in params)})" if decks else ""
        rows = self.db.rows(
            f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
            "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id "
            f"WHERE {ACTIVE} AND c.kind IN ({chosen}){in_decks} ORDER BY s.queue_order",
            params,
        )
        return [to_stored_card(row) for row in rows]

    def deck_cards(self, deck: str) -> list[Card]:
        """The active cards of deck ``deck`` (slug), in deck order: a drill's chapter."""
        rows = self.db.rows(
            f"SELECT {CARD_COLUMNS}, {prefixed_columns('s', STATE_COLUMNS)} FROM card c "
            "JOIN deck d ON d.slug = c.deck JOIN card_state s ON s.card_id = c.id "
            "WHERE c.deck = :deck AND NOT c.retired ORDER BY c.position",
            {"deck": deck},
        )
        return [to_stored_card(row).card for row in rows]

    def _ids(
        self,
        where: str,
        order: str,
        *,
        limit: int | None,
        deck: str | None,
        today: date | None = None,
    ) -> list[str]:
        if limit is not None and limit <= 0:
            return []
        sql = (
            f"SELECT c.id FROM card_state s JOIN card c ON c.id = s.card_id "
            f"WHERE {where} AND {ACTIVE}"
            + (" AND c.deck = :deck" if deck else "")
            + f" ORDER BY {order}"
            + (" LIMIT :limit" if limit is not None else "")
        )
        params = {"today": iso(today), "deck": deck, "limit": limit}
        return [r[0] for r in self.db.rows(sql, params)]

    def answered_today(self, today: date) -> AnsweredToday:
        """New cards introduced and due reviews answered (first answers) on ``today``."""
        row = self.db.rows(
            "SELECT COALESCE(SUM(CASE WHEN before_due IS NULL THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN before_due IS NOT NULL THEN 1 ELSE 0 END), 0) "
            "FROM review_log WHERE day = :today AND NOT redrill",
            {"today": iso(today)},
        )[0]
        return AnsweredToday(int(row[0]), int(row[1]))

    # --- the exam (see flashcards.store.exam; the plan is in flashcards.schedule.exam)

    def exam(self) -> Exam | None:
        """The exam set, or None."""
        return exam_store.load_exam(self.db)

    def set_exam(self, settings: Exam | None) -> bool:
        """Store the exam (None: clear it); whether one was set before."""
        had = exam_store.load_exam(self.db) is not None
        if settings is None:
            exam_store.clear_exam(self.db)
        else:
            exam_store.save_exam(self.db, settings)
        return had

    def exam_status(
        self, settings: Exam, config: Config, today: date
    ) -> tuple[Feasibility, Progress]:
        """Whether the exam's cards fit its window and limit from ``today`` on, and where
        the candidate stands with it today."""
        return exam_store.exam_status(self.db, settings, config, today)

    def exam_plan_check(self, settings: Exam, config: Config, today: date) -> Feasibility:
        """Whether the exam's cards fit its window and limit, from ``today`` on."""
        return self.exam_status(settings, config, today)[0]

    def exam_progress(self, settings: Exam, config: Config, today: date) -> Progress:
        """Where the candidate stands with the exam today."""
        return exam_store.exam_progress(self.db, settings, config, today)

    def exam_counts(self, today: date, settings: Exam) -> ExamCounts:
        """What today's exam plan is computed from."""
        return exam_store.exam_counts(self.db, today, settings)

    def unseen_ids(self, settings: Exam, limit: int, deck: str | None = None) -> list[str]:
        """Exam cards not answered since the window started, soonest due first."""
        return exam_store.unseen_ids(self.db, settings, limit, deck) if limit > 0 else []

    def exam_new_ids(self, settings: Exam, limit: int, deck: str | None = None) -> list[str]:
        """Never-answered exam cards in chapter order."""
        return exam_store.exam_new_ids(self.db, settings, limit, deck) if limit > 0 else []

    # --- FSRS memory states from the log (see flashcards.store.memory_states)

    def memory_states(self, shadow: ShadowFSRS) -> MemoryTable:
        """Every answered card's FSRS memory state, replayed from the review log."""
        from flashcards.store import memory_states

        return memory_states.memory_states(self.db, shadow)

    def evaluation_rows(self) -> Iterator[tuple[str, date, int, bool, int]]:
        """``(card_id, day, grade, re-drill, SM-2 interval before)`` per answer, log order."""
        from flashcards.store import memory_states

        return memory_states.evaluation_rows(self.db)

    def active_counts(self, decks: tuple[str, ...] = ()) -> tuple[dict[str, int], set[str]]:
        """Active cards per deck slug (of ``decks`` only, when given), and inactive card ids."""
        from flashcards.store import memory_states

        return memory_states.active_counts(self.db, decks)

    def use_scheduler(self, scheduler: str, desired_retention: float) -> bool:
        """Let ``scheduler`` ("sm2" or "fsrs") set the due dates of the answers to come.

        Nothing already scheduled moves. Returns whether this is a switch from the rule
        of the latest answers (the caller may then say so).
        """
        from flashcards.store import scheduler_rule

        self.fsrs_retention = desired_retention if scheduler == "fsrs" else None
        rule = scheduler_rule.rule_for_retention(self.fsrs_retention)
        return bool(self.db.rows("SELECT 1 FROM review_log LIMIT 1")) and (
            scheduler_rule.current_rule(self.db) != rule
        )

    def fsrs_retention_of(self) -> Callable[[int], float | None]:
        """For a log id, the desired retention FSRS scheduled that answer with (None: SM-2)."""
        from flashcards.store import scheduler_rule

        found = scheduler_rule.periods(self.db)
        return lambda log_id: scheduler_rule.rule_of(found, log_id)[1]

    # --- answers (see flashcards.store.answers)

    def record_review(
        self,
        card_id: str,
        *,
        time: datetime,
        day: date,
        grade: int,
        answer_ms: int = 0,
        typed_answer: str | None = None,
        verdict: str | None = None,
    ) -> Answer:
        """Log one answer and update the card's state, in one committed transaction.

        A drill answer passes what was typed and the grader's verdict along. The answer
        that makes a card a leech (:attr:`leech_rule`) says so in ``Answer.leech`` and,
        under ``"suspend"``, suspends the card in the same transaction.

        Raises:
            UnknownCardError: no card has this id.
            ValueError: ``grade`` is not 0..5.
        """
        return answers.record_review(
            self.db,
            card_id,
            time=time,
            day=day,
            grade=grade,
            answer_ms=answer_ms,
            typed_answer=typed_answer,
            verdict=verdict,
            fsrs_retention=self.fsrs_retention,
            leech=self.leech_rule,
        )

    def undo_review(self, log_id: int, *, expected: Answer | None = None) -> str:
        """Delete one answer's log row and restore the state before it; the card id.

        Raises:
            StoreError: the answer is gone already, is not ``expected`` (see
                :func:`flashcards.store.answers.undo_review`), or the card was
                answered again since.
        """
        return answers.undo_review(self.db, log_id, expected=expected, leech=self.leech_rule)

    # --- reports (see flashcards.store.reports)

    def history(self, card_id: str | None = None) -> Iterator[Answer]:
        """The review log, oldest first (all cards, or one)."""
        return reports.history(self.db, card_id)

    def review_facts(self) -> list[ReviewFact]:
        """Every answer with its card's chapter and kind, oldest first."""
        return reports.review_facts(self.db)

    def drill_facts(self) -> list[DrillFact]:
        """Every drill answer (typed text graded), oldest first."""
        return reports.drill_facts(self.db)

    def scheduled(self) -> list[ScheduledCard]:
        """Due day and easiness of every active card answered at least once."""
        return reports.scheduled(self.db)

    def listed_cards(
        self,
        *,
        deck: str | None = None,
        kind: str | None = None,
        suspended: bool = False,
        min_lapses: int | None = None,
        due_by: date | None = None,
        keep: Callable[[str, str], bool] | None = None,
    ) -> list[StoredCard]:
        """Cards that are not retired, filtered as ``k8sprep cards`` asks, in deck order.

        See :func:`flashcards.store.reports.listed_cards`.
        """
        return reports.listed_cards(
            self.db,
            deck=deck,
            kind=kind,
            suspended=suspended,
            min_lapses=min_lapses,
            due_by=due_by,
            keep=keep,
        )

    def maturity_counts(self, leech_lapses: int) -> dict[str, int]:
        """Cards new, learning, young, mature, suspended, and leeches among them.

        See :func:`flashcards.store.reports.maturity_counts`.
        """
        return reports.maturity_counts(self.db, leech_lapses)

    def short_ids(self) -> dict[str, str]:
        """Every card's shortest unambiguous id (see :mod:`flashcards.store.card_ids`)."""
        from flashcards.store.card_ids import short_ids

        return short_ids(reports.card_ids(self.db))

    def deck_counts(self, today: date) -> list[DeckCount]:
        """Per active deck: due now, never answered, re-drills pending, next due date."""
        return reports.deck_counts(self.db, today)

    def next_due(self, today: date, deck: str | None = None) -> NextDue | None:
        """The first study day after ``today`` with cards due, and how many; None if none."""
        return reports.next_due(self.db, today, deck)
