"""Grade a typed answer against a card's model answer and its trap, offline and fast.

No offline measure of meaning is safe enough to set a grade alone, so several weak
signals are combined and the grader says ``unsure`` whenever they disagree: the key
points of the model answer (its claims) and how many of their terms the answer has,
with the chapter's abbreviations expanded (PV is PersistentVolume); a fuzzy
token-set similarity; and BM25 over all model answers and traps of the chapter, which
tells whether the answer is nearest this card's model answer, its trap or something
else. Terms the question already uses count little: repeating the question is no
evidence. ``trap`` needs the answer to be clearly closer to the trap than to the model
answer, and a trap said in the negative ("it is not that PVs are deprecated") is a
refutation, not the trap. The thresholds were tuned on the tuning half of
tests/fixtures/graded_answers.yaml only; benchmarks/bench_grading.py reports the
held-out half.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flashcards.drill.bm25 import BM25
from flashcards.model import Card
from flashcards.parse.terms import Vocabulary, abbreviations_in, inverse_document_frequency


class Verdict(StrEnum):
    """What the grader makes of an answer."""

    RIGHT = "right"
    PARTLY = "partly"
    WRONG = "wrong"
    TRAP = "trap"
    UNSURE = "unsure"


@dataclass(frozen=True)
class KeyPoint:
    """One claim of the model answer and whether the typed answer covers it."""

    text: str
    covered: bool


@dataclass(frozen=True)
class Grade:
    """The grader's view of one answer.

    ``score`` is how close the answer is to the model answer and ``trap_score`` how
    close to the trap (both 0..1); ``suggested_grade`` is an SM-2 grade 0-5, or None
    when the candidate should grade from the key points themselves.
    """

    verdict: Verdict
    suggested_grade: int | None
    score: float
    trap_score: float
    key_points: tuple[KeyPoint, ...]


SUGGESTED = {Verdict.TRAP: 1, Verdict.WRONG: 1, Verdict.PARTLY: 2}
"""Suggested grade per verdict; ``right`` is 4, or 5 with every key point covered."""

NO_ANSWER = frozenset(
    """i don't know|i do not know|dont know|don't know|no idea|not sure|idk|pass|skip|
    no clue|i have no idea|?|-|dunno|i forgot|forgot|not a clue""".replace("\n", "").split("|")
)

# Thresholds, tuned on the tuning half of the labelled set.
TERM_SHARE, FUZZY_SHARE, BM25_SHARE = 0.45, 0.2, 0.35
"""How the term coverage, fuzzy similarity and relative BM25 score make up a score."""
QUESTION_WEIGHT = 0.25
"""Weight of a term the question already uses."""
POINT_COVERED = 0.3
"""Weighted share of a key point's terms an answer needs for the point to count."""
RIGHT_SCORE = 0.3
PARTLY_SCORE = 0.2
WRONG_SCORE = 0.18
TRAP_SCORE = 0.4
TRAP_MARGIN = 0.2
NEAREST_TIE = 0.95
"""A document within 5% of the best BM25 score is as near as the best."""
REFUTED = 0.25
"""What a negated trap keeps of its trap score."""

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|cannot|can't|isn't|aren't|wasn't|weren't|doesn't|don't|"
    r"didn't|won't|wouldn't|shouldn't|mustn't|hasn't|haven't|nothing|neither|myth|wrong|"
    r"misconception|false|untrue)\b|n't\b"
)
_REFUTATION = re.compile(r"\b(?:myth|misconception|false|untrue|not true|isn't true|wrong)\b")
_CHANGE = re.compile(r"\b(?:no longer|not any ?more|not anymore)\b")
"""Phrases with a negation word that assert a change, not a denial ("no longer supported")."""
_FILLER = frozenset("that the a an it is are was were be they this these those so really".split())
NEGATION_REACH = 2
"""How many words after a negation (fillers skipped) it reaches: "not deprecated", "not
that PVs ...", but not "cannot write to pod-local storage" against a trap about storage."""
_CLAUSE = re.compile(r"[.;:!?,()]+|\s(?:but|though|although|however|whereas|instead)\s")
_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s'/.-]+")
_TAKEAWAY = "takeaway:"


def normalise(text: str) -> str:
    """Unicode-, case-, space- and punctuation-folded text (apostrophes unified)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", text.casefold())).strip()


def key_points(model_answer: str) -> list[str]:
    """The claims of a model answer: its sentences, without the takeaway line."""
    points: list[str] = []
    for line in model_answer.splitlines():
        line = line.strip()
        if not line or line.casefold().startswith(_TAKEAWAY):
            continue
        points.extend(part.strip() for part in re.split(r"(?<=[.!?;])\s+", line) if part.strip())
    return points


def grade_answer(card: Card, text: str, *, chapter: Sequence[Card] = ()) -> Grade:
    """Grade ``text`` as an answer to ``card``.

    ``chapter`` is the card's deck (the card itself may be among it): its texts give
    the abbreviations, the term weights and the other answers BM25 compares against.
    Without it the card is graded against itself alone.
    """
    index = _index(card, tuple(chapter))
    points = index.points
    answer = normalise(text)
    if answer.strip(" .!?'-") in NO_ANSWER or not answer.strip(" .!?'-"):
        return Grade(Verdict.WRONG, 0, 0.0, 0.0, tuple(KeyPoint(point, False) for point in points))
    vocabulary = index.vocabulary
    words = set(vocabulary.terms(text))
    coverage = [index.coverage(point_terms, words) for point_terms in index.point_terms]
    covered = [share >= POINT_COVERED for share in coverage]
    term_score = sum(coverage) / len(coverage) if coverage else 0.0
    fresh = [term for term in vocabulary.terms(text) if term not in index.question]
    fuzzy = _similarity(" ".join(fresh), index.model_text) / 100
    bm25 = index.bm25.scores(fresh)
    top = max(bm25, default=0.0)
    # The documents as near as the nearest: other cards may repeat this card's sentences
    # (a definition card and a recall card quoting one line), which must not count
    # against an answer that matches this card's model answer.
    nearest = {i for i, value in enumerate(bm25) if top and value >= top * NEAREST_TIE}
    model_bm25 = min(1.0, bm25[index.model_document] / index.self_scores[index.model_document])
    score = min(1.0, TERM_SHARE * term_score + FUZZY_SHARE * fuzzy + BM25_SHARE * model_bm25)

    trap_score = 0.0
    if index.trap_document is not None:
        trap_bm25 = min(1.0, bm25[index.trap_document] / index.self_scores[index.trap_document])
        trap_score = _trap_score(index, text, words, trap_bm25, " ".join(fresh))

    verdict = _verdict(index, score, trap_score, covered, nearest)
    suggested = (5 if all(covered) else 4) if verdict is Verdict.RIGHT else SUGGESTED.get(verdict)
    return Grade(
        verdict,
        suggested,
        round(score, 3),
        round(trap_score, 3),
        tuple(KeyPoint(point, hit) for point, hit in zip(points, covered, strict=True)),
    )


def _verdict(
    index: _Index, score: float, trap_score: float, covered: list[bool], nearest: set[int]
) -> Verdict:
    """Combine the signals; ``unsure`` wherever they do not agree."""
    near_trap = index.trap_document in nearest and index.model_document not in nearest
    near_model = index.model_document in nearest
    if trap_score >= TRAP_SCORE and trap_score - score >= TRAP_MARGIN and near_trap:
        return Verdict.TRAP
    if score >= RIGHT_SCORE and any(covered) and near_model and trap_score < score:
        return Verdict.RIGHT
    if score < WRONG_SCORE and not any(covered) and trap_score < TRAP_SCORE:
        return Verdict.WRONG
    if score >= PARTLY_SCORE and any(covered) and near_model and trap_score < score:
        return Verdict.PARTLY
    return Verdict.UNSURE


def _trap_score(index: _Index, text: str, words: set[str], bm25: float, fresh: str) -> float:
    """How much of the trap the answer says, the clause saying it read for negation.

    A clause that matches the trap but differs from it in negation (the trap says "X",
    the clause "not X"; or the trap "cannot X", the clause "it is not that it cannot X")
    refutes it, and the score keeps only :data:`REFUTED` of its value.
    """
    best, best_clause = 0.0, ""
    for clause in _CLAUSE.split(" " + normalise(text) + " "):
        share = index.coverage(index.trap_terms, set(index.vocabulary.terms(clause)))
        if share > best:
            best, best_clause = share, clause
    whole = index.coverage(index.trap_terms, words)
    fuzzy = _similarity(fresh, index.trap_text) / 100
    terms = max(best, whole)
    score = min(1.0, TERM_SHARE * terms + FUZZY_SHARE * fuzzy + BM25_SHARE * bm25)
    if _refutes(index, best_clause):
        score *= REFUTED
    return score


def _refutes(index: _Index, clause: str) -> bool:
    """Whether ``clause``, the one nearest the trap, denies the trap rather than says it.

    A trap without a negation is denied by a negation that reaches one of its terms ("PVs
    are not deprecated", "it is not that PVs ...") or by calling it a myth; a negation
    elsewhere in the clause ("you cannot write to pod-local storage") says the trap in other
    words. A trap that has a negation of its own is denied when the clause's negations
    differ from its own in parity, as nothing finer can tell "they can reach each other"
    from "they cannot" there.
    """
    clause = normalise(clause)
    if index.trap_negations:
        return _negations(clause) % 2 != index.trap_negations % 2
    if _REFUTATION.search(clause):
        return True
    words = _CHANGE.sub(" ", clause).split()
    for position, word in enumerate(words):
        if not _NEGATION.fullmatch(word) and not word.endswith("n't"):
            continue
        reached = [w for w in words[position + 1 :] if w not in _FILLER][:NEGATION_REACH]
        if any(index.trap_terms.intersection(index.vocabulary.terms(w)) for w in reached):
            return True
    return False


def _similarity(a: str, b: str) -> float:
    """rapidfuzz's token-set ratio, 0..100; imported here so that importing
    :mod:`flashcards` stays fast for commands that never grade."""
    from rapidfuzz.fuzz import token_set_ratio

    return token_set_ratio(a, b)


def _negations(text: str) -> int:
    return len(_NEGATION.findall(normalise(text)))


class _Chapter:
    """A chapter's vocabulary, term weights and BM25 index: built once per chapter."""

    def __init__(self, cards: tuple[Card, ...]) -> None:
        texts = [t for c in cards for t in (c.front, c.back, c.wrong_answer) if t]
        self.vocabulary = Vocabulary(abbreviations_in("\n".join(texts)))
        documents = [self.vocabulary.terms(" ".join(key_points(c.back))) for c in cards]
        self.model_document = {card.id: position for position, card in enumerate(cards)}
        self.trap_document: dict[str, int] = {}
        for card in cards:
            if card.wrong_answer:
                self.trap_document[card.id] = len(documents)
                documents.append(self.vocabulary.terms(card.wrong_answer))
        self.bm25 = BM25(documents)
        self.self_scores = [
            max(self.bm25.score(document, position), 1e-9)
            for position, document in enumerate(documents)
        ]
        self.idf = inverse_document_frequency(documents)
        self.rarest = max(self.idf.values(), default=1.0)


class _Index:
    """What grading one card needs, computed once per card and chapter."""

    def __init__(self, card: Card, chapter: _Chapter) -> None:
        self.chapter = chapter
        self.vocabulary = chapter.vocabulary
        self.bm25 = chapter.bm25
        self.self_scores = chapter.self_scores
        self.points = key_points(card.back) or [card.back]
        self.point_terms = [frozenset(self.vocabulary.terms(point)) for point in self.points]
        self.question = frozenset(self.vocabulary.terms(card.front))
        self.model_text = self._fresh(" ".join(self.points))
        self.trap_text = self._fresh(card.wrong_answer)
        self.trap_terms = frozenset(self.vocabulary.terms(card.wrong_answer))
        self.trap_negations = _negations(card.wrong_answer)
        self.model_document = chapter.model_document[card.id]
        self.trap_document = chapter.trap_document.get(card.id)

    def _fresh(self, text: str) -> str:
        """The terms of ``text`` the question does not already use, as one string."""
        return " ".join(t for t in self.vocabulary.terms(text) if t not in self.question)

    def weight(self, term: str) -> float:
        weight = self.chapter.idf.get(term, self.chapter.rarest)
        return weight * QUESTION_WEIGHT if term in self.question else weight

    def coverage(self, wanted: frozenset[str], have: set[str]) -> float:
        """Weighted share of ``wanted`` terms found in ``have``."""
        total = sum(self.weight(term) for term in wanted)
        return sum(self.weight(term) for term in wanted & have) / total if total else 0.0


@functools.lru_cache(maxsize=8)
def _chapter(cards: tuple[Card, ...]) -> _Chapter:
    return _Chapter(cards)


@functools.lru_cache(maxsize=256)
def _index(card: Card, chapter: tuple[Card, ...]) -> _Index:
    """The card's index within its chapter (the card joins it if it is not there)."""
    if all(other.id != card.id for other in chapter):
        chapter = (card, *chapter)
    else:  # the card as given, not a stale copy of it
        chapter = tuple(card if other.id == card.id else other for other in chapter)
    return _Index(card, _chapter(chapter))
