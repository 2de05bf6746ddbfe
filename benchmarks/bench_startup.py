"""How fast commands start: ``k8sprep --help`` against ``import typer``, ``due`` against ``review``.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Each figure is one whole process (``python -m flashcards ...``), wall time and the CPU
time the child used (user + system, from ``wait4``), median of ``--runs`` runs
interleaved so that every command sees the same machine (it is shared: compare the
ratios, and the CPU figures, not single wall times across calls). Also printed: the
regular expressions compiled while each command starts (from ``re``'s cache).

- ``import typer``: the floor of any Typer command;
- ``--help``: target at most 2x ``import typer``;
- ``due`` and ``review`` (answer: end of input) on an empty database: start-up alone.
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

ROOT = Path(__file__).resolve().parent.parent

COUNT_REGEXES = (
    "import atexit, re, runpy, sys; sys.argv = ['k8sprep', *sys.argv[1:]]\n"
    # k8sprep ends its process as soon as the command is done, after the exit handlers
    "atexit.register(lambda: print(len(re._cache), file=sys.stderr))\n"
    "try: runpy.run_module('flashcards', run_name='__main__')\n"
    "except SystemExit: pass\n"
)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{args} failed with exit code {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def regexes(args: list[str], env: dict[str, str]) -> int:
    """How many regular expressions the command compiles (``re``'s cache holds 512)."""
    result = subprocess.run(
        [sys.executable, "-c", COUNT_REGEXES, *args],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return int(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="k8sprep-startup-") as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
        env.update(K8SPREP_HOME=scratch, K8SPREP_NOW="2026-11-26T09:30:00")
        db = str(Path(scratch) / "empty.db")
        commands = {
            "import typer": ["-c", "import typer"],
            "k8sprep --help": ["-m", "flashcards", "--help"],
            "due (empty db)": ["-m", "flashcards", "due", "--db", db],
            "review (empty db)": ["-m", "flashcards", "review", "--db", db],
        }
        run(commands["review (empty db)"], env)  # creates the database; warms the OS cache
        for args in commands.values():
            run(args, env)
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, args in commands.items():
                timings[name].append(run(args, env))
        counts = {
            name: regexes(args[2:], env) for name, args in commands.items() if args[0] == "-m"
        }
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in timings.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in timings.items()}
    print(f"median of {options.runs} interleaved runs")
    print(f"{'command':20} {'wall s':>7} {'cpu s':>7} {'regexes':>8}")
    for name in commands:
        print(f"{name:20} {wall[name]:7.3f} {cpu[name]:7.3f} {counts.get(name, ''):>8}")
    ratio = wall["k8sprep --help"] / wall["import typer"]
    cpu_ratio = cpu["k8sprep --help"] / cpu["import typer"]
    verdict = "met" if ratio <= 2 else "MISSED"
    print(
        f"target: --help <= 2x import typer -> {verdict} ({ratio:.2f}x wall, {cpu_ratio:.2f}x cpu)"
    )


if __name__ == "__main__":
    main()
