"""Timing helpers shared by the benchmark scripts (imported as ``timing`` from beside them)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Fastest of ``runs`` wall-clock timings, in seconds (the machine is shared)."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)
