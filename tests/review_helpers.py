"""Helpers shared by the review-store, session and review-command tests."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.parse.deckfile import dump_deck

ROOT = Path(__file__).resolve().parent.parent
KINDS = (Kind.CONCEPT, Kind.FLOW, Kind.RECALL, Kind.INTERVIEW, Kind.PRACTICE)


def make_deck(number: int, slug: str, size: int, *, title: str = "") -> Deck:
    """A deck of ``size`` cards with predictable ids ``<slug>-<i>`` and every kind."""
    cards = []
    for i in range(size):
        kind = KINDS[i % len(KINDS)]
        cards.append(
            Card(
                id=f"{slug}-{i}",
                kind=kind,
                front=f"Question {i} of {slug}?",
                back=f"Answer {i} of {slug}.",
                tags=(f"ch{number:02d}", kind.value),
                source=Source(f"{number:02d}-{slug}.txt", f"Section {i // 3}"),
                wrong_answer=f"Trap {i}" if kind is Kind.INTERVIEW else "",
                diagram=f"[a] -> [b{i}]" if kind is Kind.FLOW else "",
            )
        )
    title = title or slug.replace("-", " ").title()
    return Deck(f"{number:02d} {title}", ChapterInfo(number, slug, title), tuple(cards))


def write_deck(folder: Path, deck: Deck) -> Path:
    """``deck`` as a YAML file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{deck.chapter.number:02d}-{deck.chapter.slug}.yaml"
    path.write_text(dump_deck(deck), encoding="utf-8")
    return path


def k8sprep_env(home: Path, now: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for a ``k8sprep`` subprocess with its own data dir and clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8SPREP_")}
    env["K8SPREP_HOME"] = str(home)
    if now is not None:
        env["K8SPREP_NOW"] = now
    env.update(extra)
    return env


def run_k8sprep(
    args: Sequence[str], *, env: dict[str, str], stdin: str = "", cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flashcards ARGS`` as a real process with piped stdin, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "flashcards", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def table_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` read straight from the SQLite file, bypassing the store."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
