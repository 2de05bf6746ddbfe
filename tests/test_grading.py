"""The typed-answer grader on fixed examples, and the labelled set it is measured on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import flashcards
from flashcards.drill.grading import Verdict, grade_answer, key_points, normalise
from flashcards.files.decks import load_deck
from flashcards.model import Card, Kind
from tests.conftest import BUNDLED_DECK

LABELLED = Path(__file__).parent / "fixtures" / "graded_answers.yaml"
DECK = load_deck(BUNDLED_DECK)
PVC = next(card for card in DECK.cards if card.front == "Why do PVCs help app teams?")
SLOW = next(c for c in DECK.cards if c.front == "Why can dynamic provisioning still feel slow?")


def grade(card: Card, text: str) -> flashcards.drill.grading.Grade:
    return grade_answer(card, text, chapter=DECK.cards)


def test_the_model_answer_itself_is_right_with_every_point() -> None:
    for card in DECK.cards:
        if card.kind in (Kind.INTERVIEW, Kind.RECALL):
            result = grade(card, card.back)
            assert result.verdict is Verdict.RIGHT, card.id
            assert result.suggested_grade == 5
            assert all(point.covered for point in result.key_points)
            assert result.score > result.trap_score


def test_the_trap_itself_is_a_trap_graded_a_fail() -> None:
    result = grade(PVC, "Because PVs are deprecated.")
    assert result.verdict is Verdict.TRAP
    assert result.suggested_grade == 1
    assert result.trap_score > 0.9
    assert not any(point.covered for point in result.key_points)


def test_a_negated_trap_is_not_a_trap() -> None:
    alone = grade(PVC, "It is not that PVs are deprecated.")
    assert alone.verdict is not Verdict.TRAP
    assert alone.trap_score < grade(PVC, "PVs are deprecated.").trap_score / 2
    refuted = grade(
        PVC,
        "It is not that PVs are deprecated; claims let workloads request storage without "
        "backend details, so manifests stay portable.",
    )
    assert refuted.verdict is Verdict.RIGHT
    assert (refuted.suggested_grade or 0) >= 4


@pytest.mark.parametrize(
    "denial",
    [
        "PVs are not deprecated.",
        "PVs aren't deprecated at all.",
        "That PVs are deprecated is a myth.",
    ],
)
def test_a_negation_that_reaches_the_trap_denies_it(denial: str) -> None:
    result = grade(PVC, denial)
    assert result.verdict is not Verdict.TRAP
    assert result.trap_score < grade(PVC, "PVs are deprecated.").trap_score / 2


def test_a_negation_elsewhere_says_the_trap_in_other_words() -> None:
    """ "no longer supported" asserts a change; it does not deny that PVs are deprecated."""
    result = grade(PVC, "PVs are deprecated and no longer supported.")
    assert result.verdict is Verdict.TRAP
    assert result.suggested_grade == 1


@pytest.mark.parametrize("blank", ["", "   ", "I don't know", "no idea", "IDK.", "?", "Dunno"])
def test_a_blank_or_no_idea_is_wrong_graded_zero(blank: str) -> None:
    result = grade(SLOW, blank)
    assert (result.verdict, result.suggested_grade) == (Verdict.WRONG, 0)
    assert (result.score, result.trap_score) == (0.0, 0.0)
    assert [point.covered for point in result.key_points] == [False, False]


def test_an_unrelated_answer_is_wrong_and_a_paraphrase_is_right() -> None:
    assert grade(SLOW, "Because etcd replicates file contents to every node.").verdict is (
        Verdict.WRONG
    )
    result = grade(
        SLOW, "The volume has to be created, attached and mounted on the node before it starts."
    )
    assert result.verdict is Verdict.RIGHT
    assert [point.covered for point in result.key_points] == [True, False]
    assert result.suggested_grade == 4


def test_abbreviations_count_as_their_long_form() -> None:
    card = Card(
        "c-1",
        Kind.RECALL,
        "How do PersistentVolumeClaims reach storage?",
        "A PersistentVolumeClaim is bound to a PersistentVolume by the control plane.",
    )
    short = grade_answer(card, "The PVC gets bound to a PV by the control plane.")
    assert short.verdict is Verdict.RIGHT
    assert all(point.covered for point in short.key_points)


def test_normalising_and_key_points() -> None:
    assert normalise("  It’s  NOT\u00a0so!  ") == "it's not so"
    assert key_points("One claim. Two claims!\nTakeaway: not a point.") == [
        "One claim.",
        "Two claims!",
    ]


def test_the_grader_is_the_library_function() -> None:
    assert flashcards.grade_answer is grade_answer


def test_a_card_graded_alone_or_edited_since_its_chapter_was_read() -> None:
    assert grade_answer(PVC, "Because PVs are deprecated.").verdict is Verdict.TRAP
    edited = Card(PVC.id, PVC.kind, PVC.front, PVC.back, wrong_answer="Claims are free.")
    # the chapter holds the old copy of the card: the edited trap is what counts
    assert grade_answer(edited, "Claims are free.", chapter=DECK.cards).verdict is Verdict.TRAP
    old_trap = grade_answer(edited, "Because PVs are deprecated.", chapter=DECK.cards)
    assert old_trap.verdict is not Verdict.TRAP


def test_the_labelled_set_is_complete_and_split_by_card() -> None:
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    cards = data["cards"]
    assert len(cards) >= 30
    assert len({card["id"] for card in cards}) == len(cards)
    splits = [card["split"] for card in cards]
    assert set(splits) == {"tuning", "held-out"}
    assert abs(splits.count("tuning") - splits.count("held-out")) <= 1
    for card in cards:
        assert card["kind"] in ("interview", "recall")
        assert card["question"] and card["model"] and card["trap"] and card["chapter"]
        assert len(card["right"]) == 4 and len(card["trap_answers"]) == 3
        assert len(card["wrong"]) == 3 and isinstance(card["blank"], str)
        every = [*card["right"], *card["trap_answers"], *card["wrong"]]
        assert all(isinstance(text, str) and text for text in every)
        assert card["model"] not in every  # written apart from the model answer


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_gets_a_verdict_and_scores_in_range(text: str) -> None:
    for card in (PVC, SLOW):
        result = grade(card, text)
        assert 0.0 <= result.score <= 1.0 and 0.0 <= result.trap_score <= 1.0
        assert result.suggested_grade is None or 0 <= result.suggested_grade <= 5
        assert (result.suggested_grade is None) == (result.verdict is Verdict.UNSURE)
        assert len(result.key_points) == 2
