"""The review screen's two layouts: text as written into a pipe, fitted into a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from flashcards.cli.review_screen import (
    GRADE_ITEMS,
    LEGEND,
    Width,
    drive,
    legend,
    summary_lines,
)
from flashcards.cli.wrap import display_width
from flashcards.config import Config
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.queue import build_queue
from flashcards.session import ReviewSession, Summary
from flashcards.store import Store
from flashcards.terminal import REVEAL

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)
BACK = (
    "The controller must create, attach, and mount real storage before the pod becomes "
    "ready. That workflow can take noticeable time, especially on fresh nodes."
)
DIAGRAM = "[claim] -> [class] -> [volume] -> [attachment] -> [mount] -> [pod ready] -> [traffic]"
CARDS = (
    Card(
        id="slow",
        kind=Kind.INTERVIEW,
        front="Why can dynamic provisioning still feel slow on freshly autoscaled nodes?",
        back=BACK,
        wrong_answer="Because Kubernetes storage is always slower than local disks, whatever "
        "the backend.",
        source=Source("05-storage.txt", "Interview Q&A"),
    ),
    Card(
        id="path",
        kind=Kind.FLOW,
        front="What are the stages of “csi path”, in order? (CSI drivers automate provisioning)",
        back="claim (request) → csi (provision) → disk (attach mount)",
        source=Source("05-storage.txt", "CSI drivers automate provisioning and attachment"),
        diagram=DIAGRAM,
    ),
)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[ReviewSession]:
    with Store.open(f"sqlite:///{tmp_path / 'k8sprep.db'}") as store:
        store.sync_decks([Deck("05 Storage", ChapterInfo(5, "storage", "Storage"), CARDS)])
        queue = build_queue(store, TODAY, Config(new_per_day=20))
        yield ReviewSession(store, queue, clock=lambda: NOW)


def screen(session: ReviewSession, tokens: Iterable[str], width: Width) -> list[str]:
    """Every line ``drive`` writes for ``tokens``, with ``width`` as the width source."""
    out: list[str] = []
    drive(session, tokens, out.append, keys=True, width=width)
    return "\n".join(out).split("\n")


def test_a_pipe_gets_every_text_as_written(session: ReviewSession) -> None:
    lines = screen(session, [REVEAL, "x", REVEAL, "q"], lambda: None)
    assert lines == [
        "",
        "── 05 Storage · 1/2 · interview ──",
        CARDS[0].front,
        "(space or Enter: show answer)",
        "",
        BACK,
        "",
        "Trap to avoid: " + CARDS[0].wrong_answer,
        "",
        "Source: 05-storage.txt § Interview Q&A",
        LEGEND,
        "Unknown input 'x': space/Enter reveal · 0-5 grade · u undo · s suspend · q quit.",
        "Grade it: 0, 1, 2, 3, 4, 5 "
        "(space/Enter reveal · 0-5 grade · u undo · s suspend · q quit).",
    ]


def test_a_terminal_80_wide_gets_the_card_fitted(session: ReviewSession) -> None:
    lines = screen(session, [REVEAL, "x", REVEAL, "q"], lambda: 80)
    assert lines == [
        "",
        "── 05 Storage · 1/2 · interview " + "─" * 48,
        "Q: Why can dynamic provisioning still feel slow on freshly autoscaled nodes?",
        "   (space or Enter: show answer)",
        "",
        "A: The controller must create, attach, and mount real storage before the pod",
        "   becomes ready. That workflow can take noticeable time, especially on fresh",
        "   nodes.",
        "",
        "✗ Trap to avoid: Because Kubernetes storage is always slower than local disks,",
        "                 whatever the backend.",
        "",
        "Source: 05-storage.txt § Interview Q&A",
        "Grade: 0 blackout · 1 wrong, familiar · 2 wrong, easy to recall",
        "       3 right, hard · 4 right, hesitant · 5 perfect",
        "Unknown input 'x': space/Enter reveal · 0-5 grade · u undo · s suspend · q quit.",
        "Grade it: 0, 1, 2, 3, 4, 5.",
        "Keys: space/Enter reveal · 0-5 grade · u undo · s suspend · q quit",
    ]


def test_the_width_is_read_again_for_each_card(session: ReviewSession) -> None:
    columns = [200]

    def tokens() -> Iterator[str]:
        yield REVEAL
        columns[0] = 44  # the window is made narrower before the card is graded
        yield "5"
        yield REVEAL

    lines = screen(session, tokens(), lambda: columns[0])
    first = lines[: lines.index("Graded 5: next review 2026-11-27.")]
    assert "A: " + BACK in first  # 200 columns: the answer on one line
    assert LEGEND in first
    second = lines[len(first) + 1 :]
    assert second[:5] == [
        "",
        "── 05 Storage · 2/2 · flow " + "─" * 17,  # across the 44 columns
        "Q: What are the stages of “csi path”, in",
        "   order? (CSI drivers automate",
        "   provisioning)",
    ]
    # The diagram is wider than 44 columns and shown as drawn all the same.
    assert DIAGRAM in second
    assert [line for line in second if display_width(line) > 44] == [DIAGRAM]


@pytest.mark.parametrize("width", range(30, 121))
def test_the_legend_fits_and_keeps_every_meaning_whole(width: int) -> None:
    lines = legend(width)
    assert all(display_width(line) <= width for line in lines)
    for item in GRADE_ITEMS:
        assert sum(item in line for line in lines) == 1
    if width >= len(LEGEND):
        assert lines == [LEGEND]
    elif width >= 64:  # lapses above passes
        assert [line.split()[0 if i else 1] for i, line in enumerate(lines)] == ["0", "3"]


def test_the_legend_is_one_line_when_it_fits_and_two_at_80() -> None:
    assert legend(None) == legend(200) == [LEGEND]
    assert legend(80) == [
        "Grade: 0 blackout · 1 wrong, familiar · 2 wrong, easy to recall",
        "       3 right, hard · 4 right, hesitant · 5 perfect",
    ]


def test_the_summary_fits_the_terminal_and_stays_whole_in_a_pipe() -> None:
    summary = Summary(answered=12, passed=9, redrills=3, remaining=2, suspended=1)
    plain = summary_lines(summary, TODAY, (date(2026, 11, 27), 14), lambda: None)
    assert (
        plain[1] == "Session over: 12 answered · 75% graded 3 or more · 3 re-drills · 1 suspended."
    )
    narrow = summary_lines(summary, TODAY, (date(2026, 11, 27), 14), lambda: 40)
    assert all(len(line) <= 40 for line in narrow)
    assert " ".join(narrow).split() == " ".join(plain).split()
