"""How fast the pure scheduling core is: SM-2 reviews, log replays and stats.

Prints figures only; nothing here asserts. Run:
``.venv/bin/python benchmarks/bench_scheduling.py``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from timing import best_of

from flashcards.schedule.sm2 import SM2State, replay, review
from flashcards.schedule.stats import ReviewRow, bar_chart, forecast, retention, reviews_per_day

TODAY = date(2026, 11, 27)


def main() -> None:
    rng = random.Random(20261127)
    grades = [rng.choice((3, 4, 4, 5, 5, 2)) for _ in range(100_000)]

    def reviews() -> None:
        state = SM2State()
        for grade in grades:
            state = review(state, grade)

    seconds = best_of(5, reviews)
    each = seconds * 1e6 / len(grades)
    print(f"review(): {len(grades) / seconds:,.0f} reviews/s ({each:.2f} µs each)")

    logs = [[rng.choice((2, 3, 4, 5, 5)) for _ in range(30)] for _ in range(2_000)]
    seconds = best_of(5, lambda: [replay(log) for log in logs])
    print(f"replay(): 2,000 cards x 30 answers in {seconds * 1000:.1f} ms")

    rows = [
        ReviewRow(
            f"c{i % 2000}",
            TODAY - timedelta(days=rng.randrange(365)),
            rng.randrange(6),
            rng.randrange(1, 12),
            rng.choice(("concept", "flow", "recall")),
            rng.random() < 0.8,
        )
        for i in range(100_000)
    ]
    due = [TODAY + timedelta(days=rng.randrange(-10, 60)) for _ in range(2_000)]

    def stats() -> None:
        retention(rows)
        bar_chart(reviews_per_day(rows, TODAY))
        bar_chart(forecast(due, TODAY))

    seconds = best_of(5, stats)
    print(f"stats: retention + 2 charts over 100,000 logged answers in {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
