"""Okapi BM25 over a chapter's model answers and traps: which text an answer is nearest.

A chapter has a few dozen short texts, so a library index would cost more to load
than the ranking itself; this is the textbook formula over term lists.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

K1 = 1.2
B = 0.75


class BM25:
    """An index of term lists; :meth:`scores` ranks every document for a query."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self._counts = [Counter(document) for document in documents]
        self._lengths = [len(document) for document in documents]
        average = sum(self._lengths) / len(documents) if documents else 0.0
        self._average = average or 1.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        total = len(documents)
        self._idf = {
            term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }

    def scores(self, query: Sequence[str]) -> list[float]:
        """BM25 score of every document for ``query`` (each distinct term counted once)."""
        wanted = [term for term in set(query) if term in self._idf]
        return [self.score(wanted, document) for document in range(len(self._counts))]

    def score(self, query: Sequence[str], document: int) -> float:
        """BM25 score of one document for ``query``."""
        counts, length = self._counts[document], self._lengths[document]
        norm = K1 * (1 - B + B * length / self._average)
        found = 0.0
        for term in set(query):
            tf = counts.get(term, 0)
            if tf:
                found += self._idf[term] * tf * (K1 + 1) / (tf + norm)
        return found
