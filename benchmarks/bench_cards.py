"""How fast finding cards is on a big database: 100,000 cards in 50 decks.

Prints, best of ``--runs``:

- resolve: one short id (the hash part) to its card, in process (a scan of the ids);
- short ids: the short id of every card, in process;
- ``cards TEXT``: a whole ``python -m flashcards cards volume`` into a pipe (23,500 match);
- ``cards --deck 7``: a whole process listing one deck's 2,000 cards;
- ``stats``: a whole ``python -m flashcards stats`` into a pipe (no answers logged).

    .venv/bin/python benchmarks/bench_cards.py [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import best_of  # noqa: E402

from flashcards.model import Card, ChapterInfo, Deck, Kind, Source  # noqa: E402
from flashcards.store import Store  # noqa: E402

CARDS = 100_000
DECKS = 50
KINDS = list(Kind)
WORDS = ("volume", "claim", "node", "pod", "disk", "class", "driver", "mount")


def decks() -> list[Deck]:
    per_deck = CARDS // DECKS
    made = []
    for number in range(1, DECKS + 1):
        slug = f"chapter-{number}"
        cards = []
        for i in range(per_deck):
            kind = KINDS[i % len(KINDS)]
            digest = hashlib.sha1(f"{slug}/{i}".encode()).hexdigest()[:10]
            word = WORDS[(i * 7 + number) % len(WORDS)]
            cards.append(
                Card(
                    f"{slug}-{kind.value}-{digest}",
                    kind,
                    f"Question {i} about the {word} of chapter {number}?",
                    f"Answer {i}: the {WORDS[i % len(WORDS)]} matters.",
                    (f"ch{number:02d}",),
                    Source(f"{number:02d}.txt", "Section"),
                )
            )
        made.append(
            Deck(f"{number:02d} Chapter {number}", ChapterInfo(number, slug, slug), tuple(cards))
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        with Store.open(home / "k8sprep.db") as store:
            store.sync_decks(decks())
            some = decks()[20].cards[500].id
            short = some.rsplit("-", 1)[-1]
            resolve = best_of(runs, lambda: store.resolve_card(short))
            shorts = best_of(runs, store.short_ids)
            assert store.resolve_card(short) == some
        env = {**os.environ, "K8SPREP_HOME": str(home), "K8SPREP_NOW": "2026-11-26T09:30"}

        def run(*args: str) -> None:
            subprocess.run([sys.executable, "-m", "flashcards", *args], env=env, check=True,
                           stdout=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip

        search = best_of(runs, lambda: run("cards", "volume"))
        deck = best_of(runs, lambda: run("cards", "--deck", "7"))
        stats = best_of(runs, lambda: run("stats"))
    print(f"{CARDS:,} cards, best of {runs}")
    print(f"resolve a short id:        {resolve * 1000:8.1f} ms")
    print(f"short ids of every card:   {shorts * 1000:8.1f} ms")
    print(f"cards volume (process):    {search:8.2f} s")
    print(f"cards --deck 7 (process):  {deck:8.2f} s")
    print(f"stats (process):           {stats:8.2f} s")


if __name__ == "__main__":
    main()
