"""How fast ``k8sprep drill`` starts and grades on the 100,000-card benchmark database.

Uses the database :mod:`bench_review` generates and caches (50 decks of 2,000 cards,
1,000,000 logged answers). Prints against the targets:

- first question: process start to the first question on screen (``python -m flashcards
  drill`` with piped stdin), median of several runs; target < 0.5 s;
- first grade: from start until the verdict of a typed first answer is on screen
  (it loads the card's 2,000-card chapter and indexes it once), median; no target,
  printed for the record;
- for comparison, ``k8sprep review``'s first card timed in the same runs, alternating
  (the machine is shared: the ratio is steadier than either figure).

    .venv/bin/python benchmarks/bench_drill.py [--runs 7] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_review import NOW, ROOT, build_database, cache_path, first_card_seconds, working_copy

FIRST_QUESTION = "· drill ──"
TARGET_S = 0.5


def drill_seconds(db: Path, home: Path) -> tuple[float, float]:
    """``(first question, first verdict)`` seconds after starting ``k8sprep drill``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
    env.update(K8SPREP_HOME=str(home), K8SPREP_NOW=NOW.isoformat())
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "drill", "--db", str(db), "--kinds", "interview"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stdin is not None
    first = verdict = None
    for line in process.stdout:
        if first is None and FIRST_QUESTION in line:
            first = time.perf_counter() - start
            process.stdin.write("what component does it\n")
            process.stdin.flush()
        elif line.startswith("Verdict: "):
            verdict = time.perf_counter() - start
            process.stdin.write("q\n")  # quit before confirming: nothing is written
            process.stdin.close()
            break
    process.stdout.read()
    if process.wait(timeout=60) != 0 or first is None or verdict is None:
        raise SystemExit(f"drill failed: {process.stderr.read() if process.stderr else ''}")
    return first, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="process starts to time")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    options = parser.parse_args()
    source = cache_path()
    if options.rebuild or not source.exists():
        print(f"building {source} ...", file=sys.stderr)
        build_database(source)
    with tempfile.TemporaryDirectory(prefix="k8sprep-bench-") as scratch:
        folder = Path(scratch)
        db = working_copy(source, folder)
        drill_seconds(db, folder)  # warm the OS cache and bytecode once
        runs, reviews = [], []
        for _ in range(options.runs):
            runs.append(drill_seconds(db, folder))
            reviews.append(first_card_seconds(db, folder))
    first = statistics.median(r[0] for r in runs)
    review = statistics.median(reviews)
    verdict = statistics.median(r[1] for r in runs)
    status = "ok" if first < TARGET_S else "MISSED"
    print(f"first question: {first:.3f} s (median of {len(runs)})  target < {TARGET_S} s  {status}")
    print(f"first verdict:  {verdict:.3f} s (median; loads and indexes a 2,000-card chapter)")
    print(f"review's first card, same runs: {review:.3f} s (drill / review = {first / review:.2f})")


if __name__ == "__main__":
    main()
