"""How fast and how small the Anki export is, next to genanki writing the same notes itself.

100,000 cards (the bundled chapter's cards, repeated with unique ids over 20
decks). "genanki" builds the same notes (same note types, fields and tags; the
HTML escaping is done before its clock starts) and calls ``Package.write_to_file``
(a stored, uncompressed zip). "k8sprep" is the whole ``exporters.anki.export``:
HTML escaping, guids, hashing, the mod ledger (read and written), the collection
and a deflated zip. Each side runs in its own process, alternating, ``--runs``
times: the time of the write and the process's peak RSS (``VmHWM``; deck building
included, the same on both sides); medians are reported. The machine is shared: only the
ratios of one call mean anything. Targets: time within 1.2x of genanki's, peak
memory within 1.5x, size at most a third. Also checks that a real Anki collection
imports the deflated package.

"with progress" is ``export anki --with-progress`` on a review database holding
the same cards and ``--log-rows`` answers (1,000,000: every card once a day for
ten days, two answers a second, states from the real answer step), read as the
command reads it (an SQLite file: copied by the package's collection in SQL), the
database file read once before the clock starts (in the OS cache, as a daily one is).
Target: within 2x of the export without progress. "rows through Python" is the
same export from the rows read into Python (what a PostgreSQL database takes).

``--million`` adds one run of each side at 1,000,000 cards: time and memory should
grow linearly in cards (10x for 10x), peak memory within 1.5x of genanki's.

Prints figures only; nothing here asserts. Run:
``.venv/bin/python benchmarks/bench_export.py [--cards N] [--log-rows N] [--runs R] [--million]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import genanki

from exporters.anki import export, genanki_model
from exporters.anki_notetypes import NOTE_TYPES, deck_id_for
from exporters.anki_progress import Progress, SqliteProgress, progress_from_rows
from exporters.base import DEFAULT_ROOT, ExportOptions
from exporters.notes import plan_notes
from flashcards.cli.anki_export import read_progress
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


def database_progress(path: Path, *, through_python: bool) -> Progress | SqliteProgress:
    """What ``export anki --with-progress`` reads from the database (rollover 4 am);
    ``through_python``: the rows themselves, as from a PostgreSQL server."""
    with Store.open(path) as store:
        if through_python:
            return progress_from_rows(*progress_rows(store.db), 4)
        return read_progress(store.db, 4)


def child(kind: str, cards: int, out: Path, database: Path | None) -> None:
    """One measured export in this process: prints its seconds, peak RSS and size."""
    decks = synthetic_decks(cards)
    if kind == "genanki":
        work = genanki_directly(decks, out)
    else:
        ledger = out.with_suffix(".ledger.json")
        ledger.unlink(missing_ok=True)

        def work() -> None:
            progress = None
            if database is not None:
                progress = database_progress(database, through_python=kind == "rows")
            export(decks, out, ExportOptions(now=NOW, ledger_path=ledger, progress=progress))

    if database is not None:
        warm(database)
    start = clock.perf_counter()
    work()
    seconds = clock.perf_counter() - start
    peak_mib = peak_rss_kib() / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib, "bytes": out.stat().st_size}))


def warm(path: Path) -> None:
    """Read the review database once before the clock starts, as the file a candidate
    reviews from daily sits in the OS cache: the figure is the export's, not the disk's
    (this machine's cache gives up files within seconds; a cold read is ~0.8 s more)."""
    with path.open("rb") as stream:
        while stream.read(1 << 20):
            pass


def peak_rss_kib() -> int:
    """This process's peak resident memory (``VmHWM``; ``ru_maxrss`` would carry the
    launching process's peak across ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(kind: str, cards: int, out: Path, database: Path | None = None) -> dict[str, float]:
    """:func:`child` in a fresh process."""
    command = [sys.executable, __file__, "--child", kind, "--cards", str(cards), "--out", str(out)]
    if database is not None:
        command += ["--db", str(database)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


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


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also one run at 1,000,000 cards")
    parser.add_argument("--no-import", action="store_true", help="skip the Anki import check")
    parser.add_argument("--child", choices=["genanki", "k8sprep", "progress", "rows"])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cards, args.out, args.db)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, ours = folder / "genanki.apkg", folder / "k8sprep.apkg"
        database, progressed = folder / "k8sprep.db", folder / "progress.apkg"
        reviewed_database(synthetic_decks(args.cards), database, args.log_rows)
        runs: dict[str, list[dict[str, float]]] = {
            "genanki": [], "k8sprep": [], "progress": [], "rows": []
        }  # fmt: skip
        for _ in range(args.runs):  # alternating, so a busy moment hits every side
            runs["genanki"].append(measure("genanki", args.cards, plain))
            runs["k8sprep"].append(measure("k8sprep", args.cards, ours))
            runs["progress"].append(measure("progress", args.cards, progressed, database))
            runs["rows"].append(measure("rows", args.cards, folder / "rows.apkg", database))
        imported = None if args.no_import else anki_imports(ours, folder)
        million = None
        if args.million:
            million = (
                measure("genanki", 1_000_000, folder / "genanki-1m.apkg"),
                measure("k8sprep", 1_000_000, folder / "k8sprep-1m.apkg"),
            )

    g, k, p, rows = (
        {key: median(runs[side], key) for key in ("seconds", "peak_mib", "bytes")}
        for side in ("genanki", "k8sprep", "progress", "rows")
    )
    mb = 1024 * 1024
    print(f"cards exported: {args.cards:,}; medians of {args.runs} runs, each in its own process")
    print(f"genanki write_to_file:  {g['seconds']:6.2f} s  peak {g['peak_mib']:6.0f} MiB  "
          f"{g['bytes'] / mb:6.1f} MB (stored)")  # fmt: skip
    print(f"k8sprep export:         {k['seconds']:6.2f} s  peak {k['peak_mib']:6.0f} MiB  "
          f"{k['bytes'] / mb:6.1f} MB (deflated)")  # fmt: skip
    print(f"time ratio k8sprep/genanki:   {k['seconds'] / g['seconds']:.2f}x  (target <= 1.2x)")
    print(f"memory ratio k8sprep/genanki: {k['peak_mib'] / g['peak_mib']:.2f}x  (target <= 1.5x)")
    print(f"size ratio k8sprep/genanki:   {k['bytes'] / g['bytes']:.3f}  (target <= 0.333)")
    print(f"with progress ({args.log_rows:,} log rows): {p['seconds']:6.2f} s  "
          f"peak {p['peak_mib']:6.0f} MiB  {p['bytes'] / mb:6.1f} MB (deflated)")  # fmt: skip
    print(f"time ratio with/without progress: {p['seconds'] / k['seconds']:.2f}x  (target <= 2x)")
    rows_ratio = rows["seconds"] / k["seconds"]
    print(f"with progress, rows through Python: {rows['seconds']:6.2f} s  "
          f"peak {rows['peak_mib']:6.0f} MiB = {rows_ratio:.2f}x without")  # fmt: skip
    if imported is not None:
        print(f"Anki imported the deflated package: {imported[0]:,} notes, {imported[1]:,} cards")
    if million is not None:
        big_g, big_k = million
        print(f"1,000,000 cards (once): genanki {big_g['seconds']:6.1f} s peak "
              f"{big_g['peak_mib']:6.0f} MiB; k8sprep {big_k['seconds']:6.1f} s peak "
              f"{big_k['peak_mib']:6.0f} MiB")  # fmt: skip
        print(f"  time ratio k8sprep/genanki {big_k['seconds'] / big_g['seconds']:.2f}x, memory "
              f"{big_k['peak_mib'] / big_g['peak_mib']:.2f}x (target <= 1.5x); k8sprep 1M/100k: "
              f"time {big_k['seconds'] / k['seconds']:.1f}x, "
              f"memory {big_k['peak_mib'] / k['peak_mib']:.1f}x; genanki 1M/100k: "
              f"time {big_g['seconds'] / g['seconds']:.1f}x, "
              f"memory {big_g['peak_mib'] / g['peak_mib']:.1f}x (linear: 10x, "
              "or what genanki itself grows on this machine)")  # fmt: skip


if __name__ == "__main__":
    main()
