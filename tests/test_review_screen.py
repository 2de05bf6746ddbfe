"""The review screen's two layouts: text as written into a pipe, fitted into a terminal."""

from __future__ import annotations

import time
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
from flashcards.cli.terminal import REVEAL
from flashcards.cli.wrap import display_width
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.schedule.config import Config
from flashcards.schedule.queue import build_queue
from flashcards.schedule.session import ReviewSession, Summary
from flashcards.store import Store

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
        yield ReviewSession(store, queue, clock=lambda: NOW, timer=time.monotonic)


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
    # The diagram is wider than 44 columns: a notice instead of box lines the terminal folds.
    assert DIAGRAM not in second
    assert f"diagram is {len(DIAGRAM)} columns; widen the window" in second
    assert [line for line in second if display_width(line) > 44] == []


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


LAST_KEY = "That was the last card: u undoes it, any other key ends the session."
LAST_LINE = "That was the last card: u undoes it, any other line ends the session."


def test_after_the_last_card_u_undoes_and_the_card_is_answered_again(
    session: ReviewSession,
) -> None:
    tokens = [REVEAL, "5", REVEAL, "4", "u", REVEAL, "5", "x", "5"]
    lines = screen(session, tokens, lambda: None)
    assert lines.count(LAST_KEY) == 2  # after the mis-keyed 4 and after the 5 that replaced it
    undone = lines.index("Undid grade 4 of path.")
    assert lines[undone - 2 : undone] == ["Graded 4: next review 2026-11-27.", LAST_KEY]
    assert lines[undone + 1 : undone + 4] == [
        "",
        "── 05 Storage · 2/2 · flow ──",
        CARDS[1].front,
    ]
    assert lines[-2:] == ["Graded 5: next review 2026-11-27.", LAST_KEY]
    assert not any(line.startswith("Unknown input") for line in lines)  # "x" ended it
    assert session.finished
    assert [(a.card_id, a.grade) for a in session.answers] == [("slow", 5), ("path", 5)]


@pytest.mark.parametrize("end", [["q", "u"], [REVEAL, "u"], ["0", "u"], []])
def test_any_other_key_or_the_end_of_input_ends_after_the_last_card(
    session: ReviewSession, end: list[str]
) -> None:
    # Ctrl-D comes in as "q"; a grade ends too, as there is no card left to grade.
    lines = screen(session, ["5", "5", "5", "5", *end], lambda: None)
    assert lines[-1] == LAST_KEY
    assert session.finished and len(session.answers) == 2


def test_from_lines_the_next_line_is_read_and_u_undoes(session: ReviewSession) -> None:
    out: list[str] = []
    drive(session, ["5", "4", "u", "5", "next"], out.append, keys=False, width=lambda: None)
    assert out.count(LAST_LINE) == 2
    assert "Undid grade 4 of path." in out
    assert [(a.card_id, a.grade) for a in session.answers] == [("slow", 5), ("path", 5)]


def test_quitting_is_not_followed_by_the_offer(session: ReviewSession) -> None:
    # "q" on the last card: the session ends there, the card left for later, no offer.
    lines = screen(session, ["5", "5", "q", "u"], lambda: None)
    assert LAST_KEY not in lines and lines[-1] == "(space or Enter: show answer)"
    assert session.finished and not session.offers_last_undo
    assert session.summary().remaining == 1


def test_the_offer_is_fitted_to_a_narrow_terminal(session: ReviewSession) -> None:
    lines = screen(session, ["5", "5", "5", "5"], lambda: 40)
    assert lines[-2:] == [
        "That was the last card: u undoes it, any",
        "other key ends the session.",
    ]


def test_a_definition_card_shows_its_kind(tmp_path: Path) -> None:
    card = Card(
        id="csi",
        kind=Kind.DEFINITION,
        front="What is CSI?",
        back="CSI is the standard interface between Kubernetes and storage systems.",
        source=Source("05-storage.txt", "CSI drivers automate provisioning and attachment"),
    )
    with Store.open(f"sqlite:///{tmp_path / 'k8sprep.db'}") as store:
        store.sync_decks([Deck("05 Storage", ChapterInfo(5, "storage", "Storage"), (card,))])
        queue = build_queue(store, TODAY, Config(new_per_day=20))
        session = ReviewSession(store, queue, clock=lambda: NOW, timer=time.monotonic)
        lines = screen(session, [REVEAL, "q"], lambda: 80)
    assert lines[1].startswith("── 05 Storage · 1/1 · definition ")
    assert "Q: What is CSI?" in lines
    assert "A: CSI is the standard interface between Kubernetes and storage systems." in lines


# --- the interval preview and the grade keys


def test_the_preview_groups_the_0_to_5_keys_and_names_anki_buttons() -> None:
    from flashcards.cli.grade_keys import ANKI, SM2
    from flashcards.cli.review_screen import interval_label, preview

    intervals = {0: 1, 1: 1, 2: 1, 3: 17, 4: 17, 5: 17}
    assert preview(intervals, SM2, 100) == ["Next: 0–2 again · 3–5 in 17d"]
    assert preview({0: 1, 1: 1, 2: 1, 3: 2, 4: 6, 5: 9}, SM2, 100) == [
        "Next: 0–2 again · 3 in 2d · 4 in 6d · 5 in 9d"
    ]
    assert preview(intervals, ANKI, 100) == ["Next: Again today · Hard 17d · Good 17d · Easy 17d"]
    assert preview(None, SM2, 100) == ["Next: 0–3 again today · 4–5 done for today"]
    assert preview(None, ANKI, 100) == [
        "Next: Again today · Hard today · Good done for today · Easy done for today"
    ]
    assert preview(intervals, ANKI, 30) == [
        "Next: Again today · Hard 17d",
        "      Good 17d · Easy 17d",
    ]
    assert [interval_label(d) for d in (1, 29, 45, 400)] == ["1d", "29d", "1.5mo", "1.1y"]


def test_anki_keys_grade_with_sm2_qualities(session: ReviewSession) -> None:
    from flashcards.cli.grade_keys import ANKI

    out: list[str] = []
    drive(
        session,
        [REVEAL, REVEAL, REVEAL, "1"],
        out.append,
        keys=True,
        width=lambda: None,
        grading=ANKI,
    )
    assert [a.grade for a in session.answers] == [4, 1]
    text = "\n".join(out)
    assert "Grade: 1 Again · 2 Hard · 3 Good · 4 Easy · space Good" in text
    assert "Graded Good (4): next review 2026-11-27." in text
    assert "Graded Again (1): again later today; next review 2026-11-27." in text


def test_a_redraw_token_draws_the_card_again_on_a_cleared_screen(session: ReviewSession) -> None:
    from flashcards.cli.fullscreen import CLEAR, Paint
    from flashcards.cli.terminal import REDRAW

    out: list[str] = []
    drive(
        session,
        [REVEAL, REDRAW, "q"],
        out.append,
        keys=True,
        width=lambda: 100,
        paint=Paint(raw=True),
        full_screen=True,
    )
    assert [chunk.startswith(CLEAR) for chunk in out] == [True, True, True]
    assert "(space or Enter: show answer)" in out[0]
    for chunk in out[1:]:  # revealed, then drawn again: the whole card, the hint left out
        assert "Q: " + CARDS[0].front[:40] in chunk and "A: " + BACK[:40] in chunk
        assert "show answer" not in chunk
    assert "\x1b[1m" not in "".join(out)  # no colour without it


def test_a_full_screen_too_short_leaves_out_the_source_first(session: ReviewSession) -> None:
    from flashcards.cli.fullscreen import Paint
    from flashcards.cli.terminal import REDRAW

    out: list[str] = []
    rows = [60]

    def tokens() -> Iterator[str]:
        yield REVEAL  # drawn at 60 rows
        rows[0] = len(out[-1].split("\n"))  # the card and the newline after it: one too many
        yield REDRAW
        yield "q"

    drive(
        session,
        tokens(),
        out.append,
        keys=True,
        width=lambda: 40,
        height=lambda: rows[0],
        paint=Paint(raw=True),
        full_screen=True,
    )
    tall, short = out[1].split("\n"), out[2].split("\n")
    assert any(line.startswith("Source: ") for line in tall)
    assert not any(line.startswith("Source: ") for line in short)
    assert len(short) < rows[0] and short[0] == tall[0]  # the header stays on top
    assert any(line.startswith("A: ") for line in short)


def test_full_screen_lines_carry_no_control_characters_from_card_text(tmp_path: Path) -> None:
    from flashcards.cli.fullscreen import Paint

    hostile = Card(
        id="x",
        kind=Kind.INTERVIEW,
        front="Q\x1b]0;owned\x07?",
        back="A\x1b[2J.",
        wrong_answer="T\x9b1m",
        source=Source("f.txt", "S\x1b[31m"),
    )
    with Store.open(f"sqlite:///{tmp_path / 'k.db'}") as store:
        store.sync_decks([Deck("01 X\x1b[5m", ChapterInfo(1, "x", "X"), (hostile,))])
        queue = build_queue(store, TODAY, Config())
        review = ReviewSession(store, queue, clock=lambda: NOW, timer=time.monotonic)
        out: list[str] = []
        drive(
            review,
            [REVEAL, "x", "q"],
            out.append,
            keys=True,
            width=lambda: 100,
            paint=Paint(raw=True, colour=True),
            full_screen=True,
        )
    text = "\n".join(out)
    for bad in ("\x1b]", "\x07", "\x9b", "\x1b[2J.", "\x1b[31m", "\x1b[5m"):
        assert bad not in text
