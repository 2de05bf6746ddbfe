"""How long the data-safety commands take on a heavy learner's database.

The database holds 20,000 cards and every answer a learner would have given them over
a year or so (about 400,000 log rows with re-drills), generated through the real SM-2
core so that ``verify`` finds every state consistent. Prints, against targets:

- backup: ``take_backup`` of the live file (online backup API, checked copy);
- restore: ``restore_database`` of that backup over the live file: every row checked and
  every card's log replayed into a fresh database, then the safety copy and the swap;
- verify: integrity check plus replay of every card's log;
- upgrade: opening the same data in the first schema (version 1), backup and migrate;
- history: ``history --json``-shaped export of the whole log, then re-import by replay.

    .venv/bin/python benchmarks/bench_safety.py [--cards 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashcards.schedule.sm2 import SM2State, review  # noqa: E402
from flashcards.schedule.studyday import due_date  # noqa: E402
from flashcards.store import Store  # noqa: E402
from flashcards.store.backup import restore_database, take_backup  # noqa: E402
from flashcards.store.history_export import history_json  # noqa: E402
from flashcards.store.history_io import import_history, parse_history  # noqa: E402
from flashcards.store.migrations import sqlite_layout  # noqa: E402
from flashcards.store.upgrade import upgrade  # noqa: E402
from flashcards.store.values import DERIVE_STATE_DECKS  # noqa: E402
from flashcards.store.verify import verify_database  # noqa: E402

TARGETS_S = {"backup": 2.0, "restore": 5.0, "verify": 15.0, "upgrade": 10.0, "history": 60.0}
START = date(2025, 11, 1)
TODAY = date(2026, 11, 26)
GRADES = (0, 1, 2, 3, 3, 4, 4, 4, 5, 5)
LOG_COLUMNS = (
    "id, card_id, answered_at, day, grade, redrill, answer_ms, before_repetitions, "
    "before_interval, before_easiness, before_due, before_lapses, after_repetitions, "
    "after_interval, after_easiness, after_due, after_lapses"
)
"""The columns every schema version has (version 3 added the drill answer's two)."""


def generate(cards: int, rng: random.Random) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Card, state and log rows whose states follow from their logs (store rules)."""
    card_rows, state_rows, log_rows = [], [], []
    log_id = 0
    for index in range(cards):
        card_id = f"bench-{index // 400:02d}-{index:06d}"
        deck = f"deck-{index // 400:02d}"
        chapter, position = index // 400 + 1, index % 400
        card_rows.append((card_id, deck, chapter, position))
        sm2, due, lapses, last = SM2State(), None, 0, None
        day = START + timedelta(days=rng.randrange(60))
        for _ in range(rng.randrange(0, 16) if rng.random() < 0.9 else 0):
            grade = rng.choice(GRADES)
            first = True
            while True:
                before = (sm2, due, lapses)
                if first:
                    after_sm2 = review(sm2, grade)
                    lapse = grade < 3 and sm2.repetitions > 0
                    sm2, due, lapses = after_sm2, due_date(day, after_sm2.interval), lapses + lapse
                log_id += 1
                moment = datetime.combine(day, datetime.min.time()) + timedelta(
                    hours=9, seconds=log_id % 30000
                )
                log_rows.append(
                    (log_id, card_id, moment.isoformat(), day.isoformat(), grade, not first, 4000,
                     *_flat(before), *_flat((sm2, due, lapses)))
                )  # fmt: skip
                last = (moment.isoformat(), day.isoformat(), grade)
                if grade >= 4:
                    break
                first, grade = False, rng.choice((2, 3, 4, 4, 5))
            day = (due or day) + timedelta(days=rng.randrange(0, 4))
            if day > TODAY:  # a learner's history up to today
                break
        state_rows.append(
            (card_id, sm2.repetitions, sm2.interval, sm2.easiness_hundredths,
             None if due is None else due.isoformat(), chapter * 1_000_000 + position, lapses,
             *(last or (None, None, None)), False)
        )  # fmt: skip
    return card_rows, state_rows, log_rows


def _flat(state: tuple) -> tuple:
    sm2, due, lapses = state
    return (
        sm2.repetitions,
        sm2.interval,
        sm2.easiness_hundredths,
        None if due is None else due.isoformat(),
        lapses,
    )


def fill(connection: sqlite3.Connection, rows: tuple, *, version: int) -> None:
    card_rows, state_rows, log_rows = rows
    decks = sorted({(deck, chapter) for _, deck, chapter, _ in card_rows})
    with connection:
        connection.executemany(
            "INSERT INTO deck (slug, name, chapter, title) VALUES (?, ?, ?, ?)",
            [(slug, slug, chapter, slug) for slug, chapter in decks],
        )
        connection.executemany(
            "INSERT INTO card (id, deck, chapter, position, kind, front, back, wrong_answer, "
            "diagram, tags, source_file, source_section, retired) "
            "VALUES (?, ?, ?, ?, 'concept', 'What is ' || ?1 || '?', 'An answer of about "
            "this length, like a card back.', '', '', '[]', 'x.txt', 'Section', 0)",
            card_rows,
        )
        if version >= 2:
            connection.executemany(
                "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, due, "
                "queue_order, lapses, last_review, last_day, last_grade, suspended) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                state_rows,
            )
        else:
            connection.executemany(
                "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, due, "
                "lapses, last_review, last_day, last_grade, suspended) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row[:5] + row[6:] for row in state_rows],
            )
        connection.executemany(
            f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES ({', '.join('?' * 17)})", log_rows
        )
        if any(row[1] == "deck" for row in connection.execute("PRAGMA table_info(card_state)")):
            connection.execute(DERIVE_STATE_DECKS)


def timed(label: str, results: dict[str, float], action) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = action()
    results[label] = time.perf_counter() - started
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="k8sprep-bench-safety-"))
    os.environ["K8SPREP_HOME"] = str(folder / "home")
    rows = generate(args.cards, random.Random(args.seed))
    live = folder / "live.db"
    Store.open(f"sqlite:///{live}").close()
    connection = sqlite3.connect(live)
    fill(connection, rows, version=2)
    connection.close()
    url = f"sqlite:///{live}"
    now = datetime(2026, 11, 26, 9, 30)
    results: dict[str, float] = {}
    size_mb = live.stat().st_size / 1e6
    backup = folder / "backup.db"
    timed("backup", results, lambda: take_backup(url, now=now, target=backup))
    timed("restore", results, lambda: restore_database(url, backup, now=now))
    with Store.open(url) as store:
        report = timed("verify", results, lambda: verify_database(store.db))
    assert report.ok, report.problems[:3]  # type: ignore[attr-defined]
    old = folder / "v1.db"
    connection = sqlite3.connect(old)
    for statement in sqlite_layout(1):
        connection.execute(statement)
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("application", "k8sprep"), ("schema_version", "1")]
    )
    fill(connection, rows, version=1)
    connection.close()
    timed("upgrade", results, lambda: upgrade(old, backup_dir=folder / "backups", now=now))
    fresh = folder / "fresh.db"

    def history_round_trip() -> None:
        with Store.open(url) as store:
            text = history_json(store.db)
        with Store.open(f"sqlite:///{fresh}") as store:
            connection = store.db.sqlite
            assert connection is not None
            connection.executemany(
                "INSERT INTO deck (slug, name, chapter, title) VALUES (?, ?, ?, ?)",
                sqlite3.connect(live).execute("SELECT * FROM deck").fetchall(),
            )
            source = sqlite3.connect(live)
            cols = "id, deck, chapter, position, kind, front, back, wrong_answer, diagram, tags"
            connection.executemany(
                f"INSERT INTO card ({cols}, source_file, source_section, retired) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 0)",
                source.execute(f"SELECT {cols} FROM card").fetchall(),
            )
            connection.executemany(
                "INSERT INTO card_state (card_id, repetitions, interval_days, easiness, "
                "queue_order, lapses, suspended) VALUES (?, 0, 0, 250, ?, 0, 0)",
                source.execute("SELECT id, chapter * 1000000 + position FROM card").fetchall(),
            )
            connection.execute(DERIVE_STATE_DECKS)
            source.close()
            import_history(store, parse_history(text, "history.json"), "history.json")

    timed("history", results, history_round_trip)
    shutil.rmtree(folder, ignore_errors=True)
    answers = len(rows[2])
    print(f"database: {args.cards:,} cards, {answers:,} answers, {size_mb:.1f} MB")
    for label, seconds in results.items():
        verdict = "ok" if seconds <= TARGETS_S[label] else "SLOW"
        print(f"{label:>8}: {seconds:7.2f} s   (target < {TARGETS_S[label]:.0f} s)  {verdict}")


if __name__ == "__main__":
    main()
