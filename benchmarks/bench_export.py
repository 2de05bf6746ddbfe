"""How fast and how small the Anki export is, next to genanki writing the same notes itself.

100,000 cards (the bundled chapter's cards, repeated with unique ids over 20
decks). "genanki" builds the same notes (same note types, fields and tags) and
calls ``Package.write_to_file`` (a stored, uncompressed zip). "k8sprep" is the
whole ``exporters.anki.export``: HTML escaping, hashing, the mod ledger (read
and written), genanki's collection writer and a deflated zip. Each side's
fastest of several runs is reported (the machine is shared, timings are noisy).
Targets: time within 1.5x of genanki's, size at most a third of it. Also checks
that a real Anki collection imports the deflated package.

"with progress" is ``export anki --with-progress`` on a review database holding
the same cards and ``--log-rows`` answers (1,000,000: every card once a day for
ten days, two answers a second, states from the real answer step): reading the
states and the log, and the export carrying them. Target: within 2x of the
export without progress.

Prints figures only; nothing here asserts. Run:
``.venv/bin/python benchmarks/bench_export.py [--cards N] [--log-rows N] [--runs R]``.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import genanki
from timing import best_of

from exporters.anki import export, genanki_model
from exporters.anki_notetypes import NOTE_TYPES, deck_id_for
from exporters.anki_progress import Progress, progress_from_rows
from exporters.base import DEFAULT_ROOT, ExportOptions
from exporters.notes import plan_notes
from flashcards.files.decks import load_decks
from flashcards.model import Deck
from flashcards.schedule.answer import answer_card
from flashcards.schedule.records import CardState
from flashcards.store import Store
from flashcards.store.anki_sync import progress_rows

NOW = 1_800_000_000
DECKS = 20


def synthetic_decks(total: int) -> list[Deck]:
    """``total`` cards copied from the bundled decks, with unique ids and texts, in 20 decks."""
    source = [card for deck in load_decks() for card in deck.cards]
    template = load_decks()[0]
    per_deck = -(-total // DECKS)
    decks = []
    made = 0
    for number in range(1, DECKS + 1):
        cards = []
        while len(cards) < per_deck and made < total:
            card = source[made % len(source)]
            cards.append(replace(card, id=f"{card.id}-{made}", front=f"{card.front} #{made}"))
            made += 1
        chapter = replace(template.chapter, number=number, slug=f"chapter-{number}")
        decks.append(Deck(f"{number:02d} Chapter {number}", chapter, tuple(cards)))
    return decks


def genanki_directly(decks: list[Deck], out: Path) -> Callable[[], None]:
    """genanki writing the same notes as the exporter, the way its README shows."""
    # Escaped fields and tags prepared once, outside the timing; genanki computes each
    # note's guid itself (its default, a hash of the fields), as it always does.
    planned = plan_notes(decks, DEFAULT_ROOT)
    models = {kind: genanki_model(nt) for kind, nt in NOTE_TYPES.items()}

    def write() -> None:
        by_name: dict[str, genanki.Deck] = {}
        for note in planned:
            deck = by_name.get(note.deck_name)
            if deck is None:
                deck = by_name[note.deck_name] = genanki.Deck(
                    deck_id_for(note.deck_name), note.deck_name
                )
            deck.add_note(
                genanki.Note(
                    model=models[note.card.kind],
                    fields=list(note.fields),
                    tags=list(note.tags),
                )
            )
        genanki.Package(list(by_name.values())).write_to_file(str(out), timestamp=NOW)

    return write


def reviewed_database(decks: list[Deck], path: Path, log_rows: int) -> None:
    """A review database holding ``decks`` and ``log_rows`` answers spread over the cards."""
    card_ids = [card.id for deck in decks for card in deck.cards]
    first_day = date(2026, 1, 1)
    grades = (4, 5, 3, 4, 2, 4, 4, 5, 3, 4)
    log: list[tuple[object, ...]] = []
    at: dict[str, CardState] = {}
    step = 0
    while len(log) < log_rows:  # day by day, as a log grows
        day = first_day + timedelta(days=step)
        for number, card_id in enumerate(card_ids[: log_rows - len(log)]):
            state = at.get(card_id, CardState())
            after, redrill = answer_card(state, grades[(number + step) % len(grades)], day=day)
            moment = datetime.combine(day, time(5)) + timedelta(seconds=number // 2)
            log.append(
                (card_id, moment.isoformat(), day.isoformat(), after.last_grade, redrill, 2000,
                 state.sm2.repetitions, state.sm2.interval, state.sm2.easiness_hundredths,
                 None if state.due is None else state.due.isoformat(), state.lapses,
                 after.sm2.repetitions, after.sm2.interval, after.sm2.easiness_hundredths,
                 None if after.due is None else after.due.isoformat(), after.lapses)
            )  # fmt: skip
            at[card_id] = replace(after, last_review=moment)
        step += 1
    states = []
    for card_id, state in at.items():
        assert state.due is not None and state.last_day is not None
        assert state.last_review is not None
        states.append(
            (state.sm2.repetitions, state.sm2.interval, state.sm2.easiness_hundredths,
             state.due.isoformat(), state.lapses, state.last_review.isoformat(),
             state.last_day.isoformat(), state.last_grade, card_id)
        )  # fmt: skip
    with Store.open(path) as store:
        store.sync_decks(decks)
        connection = store.db.sqlite
        assert connection is not None
        with store.db.transaction():
            connection.executemany(
                "INSERT INTO review_log (card_id, answered_at, day, grade, redrill, answer_ms, "
                "before_repetitions, before_interval, before_easiness, before_due, "
                "before_lapses, after_repetitions, after_interval, after_easiness, after_due, "
                "after_lapses) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                log,
            )
            connection.executemany(
                "UPDATE card_state SET repetitions = ?, interval_days = ?, easiness = ?, "
                "due = ?, lapses = ?, last_review = ?, last_day = ?, last_grade = ? "
                "WHERE card_id = ?",
                states,
            )


def read_progress(path: Path) -> Progress:
    """What ``export anki --with-progress`` reads from the database."""
    with Store.open(path) as store:
        return progress_from_rows(*progress_rows(store.db), 4)


def anki_imports(package: Path, folder: Path) -> tuple[int, int]:
    """Notes and cards a fresh Anki collection holds after importing ``package``."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageRequest

    col = Collection(str(folder / "check.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
        return col.note_count(), col.card_count()
    finally:
        col.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-import", action="store_true", help="skip the Anki import check")
    args = parser.parse_args()

    decks = synthetic_decks(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, ours, ledger = folder / "genanki.apkg", folder / "k8sprep.apkg", folder / "l.json"
        genanki_seconds = best_of(args.runs, genanki_directly(decks, plain))

        def fresh_export() -> None:
            ledger.unlink(missing_ok=True)
            export(decks, ours, ExportOptions(now=NOW, ledger_path=ledger))

        ours_seconds = best_of(args.runs, fresh_export)
        result = export(decks, ours, ExportOptions(now=NOW + 60, ledger_path=ledger))
        unchanged_seconds = best_of(
            args.runs, lambda: export(decks, ours, ExportOptions(now=NOW + 60, ledger_path=ledger))
        )
        plain_size, ours_size = plain.stat().st_size, ours.stat().st_size
        imported = None if args.no_import else anki_imports(ours, folder)

        database, progressed = folder / "k8sprep.db", folder / "progress.apkg"
        reviewed_database(decks, database, args.log_rows)

        def export_with_progress() -> None:
            ledger.unlink(missing_ok=True)
            options = ExportOptions(now=NOW, ledger_path=ledger, progress=read_progress(database))
            export(decks, progressed, options)

        progress_seconds = best_of(args.runs, export_with_progress)
        progress_size = progressed.stat().st_size

    mb = 1024 * 1024
    print(
        f"cards exported:          {args.cards:,} ({result.notes:,} notes, {result.cards:,} cards)"
    )
    print(f"genanki write_to_file:   {genanki_seconds:6.2f} s  {plain_size / mb:6.1f} MB (stored)")
    print(f"k8sprep export (fresh):  {ours_seconds:6.2f} s  {ours_size / mb:6.1f} MB (deflated)")
    print(f"k8sprep export (again):  {unchanged_seconds:6.2f} s  (ledger unchanged)")
    print(f"time ratio k8sprep/genanki: {ours_seconds / genanki_seconds:.2f}x  (target <= 1.5x)")
    print(f"size ratio k8sprep/genanki: {ours_size / plain_size:.3f}  (target <= 0.333)")
    print(
        f"with progress ({args.log_rows:,} log rows): {progress_seconds:6.2f} s  "
        f"{progress_size / mb:6.1f} MB (deflated)"
    )
    print(
        f"time ratio with/without progress: {progress_seconds / ours_seconds:.2f}x  (target <= 2x)"
    )
    if imported is not None:
        print(f"Anki imported the deflated package: {imported[0]:,} notes, {imported[1]:,} cards")


if __name__ == "__main__":
    main()
