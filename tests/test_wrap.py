"""Wrapping review text to the terminal: words whole, diagrams and lists as written."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from flashcards.cli.wrap import display_width, fit_items, is_preformatted, wrap_text

DIAGRAM = "\n".join(
    [
        "┌────────────┐    ┌────────────┐    ┌────────────┐",
        "│   pod fs   │ -> │  scratch   │ -> │ persistent │",
        "└─────┬──────┘    └─────┬──────┘    └─────┬──────┘",
        "      │                 │                 │",
        "      v                 v                 v",
        "  ephemeral        cache space        real data",
    ]
)


def test_a_short_line_is_left_exactly_as_written() -> None:
    assert wrap_text("Claims talk intent,  volumes provide reality.", 80) == [
        "Claims talk intent,  volumes provide reality."
    ]


def test_a_long_line_breaks_between_words() -> None:
    text = (
        "The controller must create, attach, and mount real storage before the pod becomes ready."
    )
    assert wrap_text(text, 40) == [
        "The controller must create, attach, and",
        "mount real storage before the pod",
        "becomes ready.",
    ]


def test_a_hyphenated_word_is_not_broken_at_its_hyphen() -> None:
    assert wrap_text("removes ticket-driven storage work", 20) == [
        "removes",
        "ticket-driven",
        "storage work",
    ]


def test_a_word_longer_than_the_width_stands_alone_unbroken() -> None:
    word = "persistentvolumeclaim-templates-for-statefulsets"
    assert wrap_text(f"use {word} here", 20) == ["use", word, "here"]


def test_prefix_starts_the_first_line_and_indents_the_rest() -> None:
    text = "They let workloads request storage intent without embedding backend details."
    assert wrap_text(text, 40, prefix="A: ") == [
        "A: They let workloads request storage",
        "   intent without embedding backend",
        "   details.",
    ]


def test_each_line_of_the_text_wraps_on_its_own_under_the_prefix() -> None:
    text = "Not all writes deserve durability.\nPersistent data needs an explicit contract."
    assert wrap_text(text, 30, prefix="A: ") == [
        "A: Not all writes deserve",
        "   durability.",
        "   Persistent data needs an",
        "   explicit contract.",
    ]


def test_blank_lines_stay_blank_without_trailing_spaces() -> None:
    assert wrap_text("one two\n\nthree four", 7, prefix="> ") == [
        "> one",
        "  two",
        "",
        "  three",
        "  four",
    ]


def test_list_lines_stay_lines_and_hang_under_their_text() -> None:
    text = (
        "Self-check, did you:\n"
        "1. List one workload you know and separate cache data from durable data.\n"
        "2. Choose a claim size.\n"
        "- Decide whether StatefulSet or managed service feels saner."
    )
    assert wrap_text(text, 40) == [
        "Self-check, did you:",
        "1. List one workload you know and",
        "   separate cache data from durable",
        "   data.",
        "2. Choose a claim size.",
        "- Decide whether StatefulSet or managed",
        "  service feels saner.",
    ]


def test_a_diagram_is_never_wrapped_or_reindented() -> None:
    text = "Stages:\n" + DIAGRAM + "\nDone."
    assert wrap_text(text, 20, prefix="A: ") == [
        "A: Stages:",
        *DIAGRAM.split("\n"),
        "   Done.",
    ]


def test_a_diagram_on_the_first_line_leaves_the_prefix_on_its_own_line() -> None:
    assert wrap_text(DIAGRAM, 30, prefix="A: ") == ["A:", *DIAGRAM.split("\n")]


def test_preformatted_lines_are_recognised() -> None:
    assert all(is_preformatted(line) for line in DIAGRAM.split("\n"))
    assert is_preformatted("    kubectl get pvc -o wide")
    assert is_preformatted("NAME      STATUS   VOLUME")
    assert not is_preformatted("1. List one workload you know.")
    assert not is_preformatted("pod fs (ephemeral) → scratch (cache space) → persistent")
    assert not is_preformatted("Two spaces.  After a period is prose.")


def test_wide_characters_count_two_columns() -> None:
    assert display_width("ab") == 2
    assert display_width("日本") == 4
    assert display_width("e\u0301") == 1
    assert wrap_text("日本語 日本語 日本語", 13) == ["日本語 日本語", "日本語"]


def test_fit_items_keeps_each_item_whole() -> None:
    items = ["space/Enter reveal", "0-5 grade", "u undo", "s suspend", "q quit"]
    assert fit_items("Keys: ", items, 40) == [
        "Keys: space/Enter reveal · 0-5 grade",
        "      u undo · s suspend · q quit",
    ]
    assert fit_items("Keys: ", items, 200) == ["Keys: " + " · ".join(items)]


def test_fit_items_puts_an_item_too_wide_on_its_own_line() -> None:
    assert fit_items("", ["a", "b" * 12, "c"], 8) == ["a", "b" * 12, "c"]


WORD = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Z", "C", "M")),
    min_size=1,
    max_size=15,
)
PROSE_LINE = st.lists(WORD, min_size=0, max_size=25).map(" ".join)


def _prose(lines: list[str]) -> str:
    return "\n".join(line for line in lines if not is_preformatted(line))


@given(st.lists(PROSE_LINE, min_size=1, max_size=5).map(_prose), st.integers(1, 120))
def test_wrapped_text_rejoins_to_the_same_words(text: str, width: int) -> None:
    assert " ".join(wrap_text(text, width)).split() == text.split()


@given(
    st.lists(PROSE_LINE, min_size=1, max_size=5).map(_prose),
    st.integers(1, 120),
    st.sampled_from(["", "A: ", "✗ Trap to avoid: "]),
)
@example(text="", width=1, prefix="✗ Trap to avoid: ")
def test_no_line_is_wider_than_the_width_unless_it_is_one_long_word(
    text: str, width: int, prefix: str
) -> None:
    for line in wrap_text(text, width, prefix=prefix):
        if display_width(line) > width:
            body = line.removeprefix(prefix.rstrip()).strip()  # a prefix wider than width
            body = re.sub(r"^(\d+[.)]|[-*•])\s+", "", body)  # a list marker and its word
            assert len(body.split()) <= 1, line


@given(st.lists(PROSE_LINE, min_size=1, max_size=5).map(_prose), st.integers(20, 120))
def test_wrapping_twice_changes_nothing(text: str, width: int) -> None:
    once = wrap_text(text, width)
    assert wrap_text("\n".join(once), width) == once
