"""Key terms of a text, for matching questions to the sections that answer them.

Terms are lower-case word stems with stop words removed. CamelCase names are
split ("PersistentVolumeClaim" -> persistent, volume, claim) and their
initials become abbreviations the chapter itself defines ("pvc" -> the same
terms), so "How do PVs and PVCs ..." finds the section about
PersistentVolumes and claims without a hand-kept glossary. A small table adds
the Kubernetes abbreviations a chapter never spells out.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat

STOP_WORDS = frozenset(
    """a about after again all also an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our out over own same she
    should so some such than that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will
    with would you your yours one two many much make makes made get gets let lets use used
    uses using need needs via per every still often really thing things way ways""".split()
)

KNOWN_ABBREVIATIONS: dict[str, str] = {
    "k8s": "kubernetes",
    "pv": "persistent volume",
    "pvc": "persistent volume claim",
    "sc": "storage class",
    "csi": "container storage interface",
    "cni": "container network interface",
    "cri": "container runtime interface",
    "hpa": "horizontal pod autoscaler",
    "vpa": "vertical pod autoscaler",
    "rbac": "role based access control",
    "sa": "service account",
    "ns": "namespace",
    "crd": "custom resource definition",
    "ds": "daemon set",
    "sts": "stateful set",
}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAMEL_CASE = re.compile(r"[A-Z](?<!\w[A-Z])[a-z0-9]+(?:[A-Z][a-z0-9]+)+s?\b")
"""A CamelCase name: ``\\b[A-Z]...`` with the boundary checked after the capital, so the
search skips straight from capital to capital (twice as fast over a chapter)."""
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]+s?|K8s")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light stemmer: enough to join plurals and common endings."""
    word = word.casefold()
    if len(word) <= 3:
        return word.removesuffix("s") if len(word) == 3 and word.endswith("s") else word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ses", "s"), ("xes", "x")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ations", "ation", "ment", "ing", "ed", "ity", "ly", "er", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def camel_parts(word: str) -> list[str]:
    """``PersistentVolumeClaims`` -> ``["Persistent", "Volume", "Claims"]``."""
    return _CAMEL_PART.findall(word)


def abbreviations_in(text: str) -> dict[str, str]:
    """Abbreviations a text defines with CamelCase names: ``pvc`` -> ``persistent volume claim``."""
    found: dict[str, str] = {}
    for word in dict.fromkeys(_CAMEL_CASE.findall(text)):  # a name recurs in a chapter
        parts = camel_parts(word)
        if len(parts) >= 2 and all(part[:1].isupper() for part in parts):
            singular = [stem(part) for part in parts]
            found.setdefault("".join(p[0] for p in singular), " ".join(singular))
    return found


def terms(text: str, abbreviations: dict[str, str] | None = None) -> list[str]:
    """The key terms of ``text``, in order, repeated as often as they occur."""
    return Vocabulary(abbreviations or {}).terms(text)


class Vocabulary:
    """Terms of one chapter's texts, with its abbreviations, cached by word and by text."""

    def __init__(self, abbreviations: dict[str, str]) -> None:
        self.table = KNOWN_ABBREVIATIONS | abbreviations
        self._words: dict[str, tuple[str, ...]] = {}
        self._texts: dict[str, list[str]] = {}

    def terms(self, text: str) -> list[str]:
        """The key terms of ``text`` (see :func:`terms`)."""
        found = self._texts.get(text)
        if found is None:
            found = []
            add, plain, own = found.extend, _PLAIN_WORDS.get, self._words.get
            for word in _WORD.findall(text):
                word_terms = plain(word)
                if word_terms is None:
                    word_terms = own(word)
                    if word_terms is None:
                        word_terms = self._word(word)
                add(word_terms)
            self._texts[text] = found
        return found

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms of one word as :func:`terms` reads words: a letter, then letters or digits."""
        found = _PLAIN_WORDS.get(word)
        if found is None:
            found = self._words.get(word)
            if found is None:
                found = self._word(word)
        return found

    def _word(self, word: str) -> tuple[str, ...]:
        """Terms of a word; only abbreviation-like words depend on this chapter."""
        if not _ABBREVIATION.fullmatch(word):
            if len(_PLAIN_WORDS) < _PLAIN_WORDS_LIMIT:
                _PLAIN_WORDS[word] = _word_terms(word)
            return _word_terms(word)
        key = word if word == "K8s" else word.removesuffix("s")
        expansion = self.table.get(key.casefold())
        if expansion is None:
            found = _word_terms(word)
        else:
            found = (*(stem(part) for part in expansion.split()), key.casefold())
        self._words[word] = found
        return found


_PLAIN_WORDS: dict[str, tuple[str, ...]] = {}
"""Terms of words that mean the same in every chapter (not abbreviations), shared."""
_PLAIN_WORDS_LIMIT = 200_000


@functools.lru_cache(maxsize=65_536)
def _word_terms(word: str) -> tuple[str, ...]:
    """Stems of a word's CamelCase parts, stop words removed."""
    stems = (stem(part) for part in camel_parts(word) or [word])
    return tuple(term for term in stems if term not in STOP_WORDS and len(term) > 1)


def inverse_document_frequency(documents: Sequence[Iterable[str]]) -> dict[str, float]:
    """Rarer terms weigh more: ``log(1 + N / df)`` over the given term lists."""
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(set(document))
    total = len(documents)
    # Few distinct counts (at most one per document): each weight is computed once.
    weights = {count: math.log(1 + total / count) for count in set(counts.values())}
    return {term: weights[count] for term, count in counts.items()}


def overlap(query: Iterable[str], document: Iterable[str], idf: dict[str, float]) -> float:
    """Weighted share of the query's distinct terms that the document contains.

    Sets are used as given, so callers that score many pairs pass them ready-made.
    """
    have = document if isinstance(document, (set, frozenset)) else set(document)
    wanted = query if isinstance(query, (set, frozenset)) else set(query)
    # fsum: the exact sum, whatever order the set gives the weights in (a plain sum
    # rounds differently by order, and set order changes with the hash seed)
    return math.fsum(map(idf.get, wanted & have, repeat(0.0)))
