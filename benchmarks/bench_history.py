"""History round trip against its floors, on the safety benchmark's database.

The database is :mod:`bench_safety`'s: 20,000 cards and about 236,000 answers whose
states follow from their logs. Each round runs, on the same data and in this one call:

- export: ``k8sprep history --json`` to a file, run in this process;
- import: ``k8sprep history import`` of that file into a database holding the cards;
- floor, round trip: the log's rows dumped by the C JSON encoder to a file, read back,
  bulk-inserted (one ``executemany``) and every card's final state set (another);
- floor, import: the same two ``executemany`` statements on rows already in memory;
- rebuild: the same import into an empty database, which makes the cards from the file
  (reported, not compared: the floors hold the cards already).

Prints the medians and the ratios against the targets (export + import within 1.5x
the round-trip floor, import within 2x the import floor). The machine may be shared:
only ratios from one call mean anything.

    .venv/bin/python benchmarks/bench_history.py [--cards 20000] [--rounds 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_safety import LOG_COLUMNS, fill, generate  # noqa: E402

from flashcards.cli import app  # noqa: E402
from flashcards.store import Store  # noqa: E402
from flashcards.store.values import DERIVE_STATE_DECKS  # noqa: E402

TARGETS = {"round trip": 1.5, "import": 2.0}
STATE_SET = (
    "repetitions = ?, interval_days = ?, easiness = ?, due = ?, lapses = ?, last_review = ?, "
    "last_day = ?, last_grade = ?"
)
CARD_COLUMNS = (
    "id, deck, chapter, position, kind, front, back, wrong_answer, diagram, tags, "
    "source_file, source_section, retired"
)


def k8sprep(args: list[str], output: Path | None = None) -> None:
    """Run one command in this process, its output to ``output`` (or discarded)."""
    with (
        open(output or os.devnull, "w", encoding="utf-8") as sink,
        contextlib.redirect_stdout(sink),
    ):
        code = app(args, standalone_mode=False)
    if code:
        raise RuntimeError(f"k8sprep {' '.join(args)} exited with {code}")


def with_cards(live: Path, target: Path) -> None:
    """A database holding the live one's decks and cards, never answered."""
    Store.open(f"sqlite:///{target}").close()
    source = sqlite3.connect(live)
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO deck (slug, name, chapter, title) VALUES (?, ?, ?, ?)",
        source.execute("SELECT slug, name, chapter, title FROM deck"),
    )
    connection.executemany(
        f"INSERT INTO card ({CARD_COLUMNS}) VALUES ({', '.join('?' * 13)})",
        source.execute(f"SELECT {CARD_COLUMNS} FROM card"),
    )
    connection.executemany(
        "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, queue_order, "
        "lapses, suspended) VALUES (?, 0, 0, 250, ?, 0, 0)",
        source.execute("SELECT id, chapter * 1000000 + position FROM card"),
    )
    connection.execute(DERIVE_STATE_DECKS)
    connection.execute("COMMIT")
    connection.close()
    source.close()


def bulk_write(
    target: Path, log_rows: list[list[object]], states: list[tuple[object, ...]]
) -> None:
    """The floor's writes: one executemany for the log, one for the states, one commit."""
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")  # as the store commits
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        f"INSERT INTO review_log ({LOG_COLUMNS.removeprefix('id, ')}) "
        f"VALUES ({', '.join('?' * 16)})",
        [row[1:] for row in log_rows],
    )
    connection.executemany(f"UPDATE card_state SET {STATE_SET} WHERE card_id = ?", states)
    connection.execute("COMMIT")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="k8sprep-bench-history-"))
    os.environ["K8SPREP_HOME"] = str(folder / "home")
    rows = generate(args.cards, random.Random(args.seed))
    live = folder / "live.db"
    Store.open(f"sqlite:///{live}").close()
    connection = sqlite3.connect(live)
    fill(connection, rows, version=2)
    states = connection.execute(
        "SELECT repetitions, interval_days, easiness, due, lapses, last_review, last_day, "
        "last_grade, card_id FROM card_state WHERE last_day IS NOT NULL"
    ).fetchall()
    connection.close()
    template = folder / "cards.db"
    with_cards(live, template)
    history = folder / "history.json"
    floor_file = folder / "floor.json"
    times: dict[str, list[float]] = {}

    def timed(label: str, work: Callable[[], object], target: Path | None = None) -> None:
        if target is not None:
            shutil.copyfile(template, target)
        started = time.perf_counter()
        work()
        times.setdefault(label, []).append(time.perf_counter() - started)

    def floor_round_trip(target: Path) -> None:
        source = sqlite3.connect(live)
        log = source.execute(f"SELECT {LOG_COLUMNS} FROM review_log ORDER BY id").fetchall()
        source.close()
        floor_file.write_text(json.dumps(log), encoding="utf-8")
        bulk_write(target, json.loads(floor_file.read_text(encoding="utf-8")), states)

    log_rows = [list(row) for row in rows[2]]

    def run_round(fresh: Path, floor_db: Path, empty: Path) -> None:
        timed("export", lambda: k8sprep(["history", "--json", "--db", str(live)], history))
        command = ["history", "import", str(history), "--db"]
        timed("import", lambda: k8sprep([*command, str(fresh)]), fresh)
        timed("floor round trip", lambda: floor_round_trip(floor_db), floor_db)
        timed("floor import", lambda: bulk_write(floor_db, log_rows, states), floor_db)
        try:
            timed("rebuild (empty db)", lambda: k8sprep([*command, str(empty)]))
        except RuntimeError as error:  # a release whose files do not carry the cards
            print(f"rebuild into an empty database: {error}")
        for path in (fresh, floor_db, empty):
            path.unlink(missing_ok=True)

    for round_ in range(args.rounds):
        run_round(*(folder / f"{name}{round_}.db" for name in ("f", "g", "e")))
    size_mb = history.stat().st_size / 1e6
    shutil.rmtree(folder, ignore_errors=True)
    median = {label: statistics.median(values) for label, values in times.items() if values}
    print(
        f"database: {args.cards:,} cards, {len(rows[2]):,} answers; history file {size_mb:.1f} MB"
    )
    print(f"medians of {args.rounds} rounds:")
    for label, seconds in median.items():
        print(f"  {label:>20}: {seconds:7.2f} s")
    pairs = {
        "round trip": (median["export"] + median["import"], median["floor round trip"]),
        "import": (median["import"], median["floor import"]),
    }
    for label, (seconds, floor) in pairs.items():
        ratio = seconds / floor
        verdict = "ok" if ratio <= TARGETS[label] else "SLOW"
        print(
            f"  {label:>20}: {ratio:5.2f}x its floor ({seconds:.2f} s vs {floor:.2f} s; "
            f"target <= {TARGETS[label]}x)  {verdict}"
        )


if __name__ == "__main__":
    main()
