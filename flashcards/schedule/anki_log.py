"""How k8sprep's answers and Anki's review log name each other. Pure.

An Anki ``revlog`` row is identified by its id, the answer's moment in epoch
milliseconds. k8sprep logs its own answers to the second, so an exported answer
takes the first millisecond of its second not yet taken (:func:`revlog_ids`); an
answer that came from Anki keeps its exact millisecond. The same log therefore
always gives the same ids: Anki skips a revlog id it already holds, and
``import-anki`` recognises the answers it exported.
"""

from __future__ import annotations

from collections.abc import Sequence

ANKI_EASE = (1, 1, 1, 2, 3, 4)
"""Anki's answer button (1 Again, 2 Hard, 3 Good, 4 Easy) for each SM-2 quality 0..5."""

QUALITY_FOR_EASE = {1: 1, 2: 3, 3: 4, 4: 5}
"""The SM-2 quality of each Anki button: Again 1, Hard 3, Good 4, Easy 5."""

LEARN_ENTRY, REVIEW_ENTRY, RELEARN_ENTRY = 0, 1, 2
"""Anki's revlog types: a new card's first answer, a review (re-drills too: same-day
reviews that leave the schedule alone), a learned card forgotten."""

MAX_ANSWER_MS = 60_000
"""Anki records at most a minute per answer (its default cap)."""


def revlog_ids(moments_ms: Sequence[int], exact: Sequence[bool]) -> list[int]:
    """A unique revlog id for each answer, in log order, the same for the same log.

    Args:
        moments_ms: each answer's moment in epoch milliseconds.
        exact: whether that moment is Anki's own id (kept as it is) rather than a
            whole second (which takes its second's first free millisecond).
    """
    if not any(exact):
        # The usual log (k8sprep's own answers): each answer takes its second's next
        # millisecond; only if that runs into another second's (a thousand answers in
        # one second) does the general walk below decide.
        taken: dict[int, int] = {}
        fast = []
        for moment in moments_ms:
            candidate = taken.get(moment, moment)
            taken[moment] = candidate + 1
            fast.append(candidate)
        if len(set(fast)) == len(fast):
            return fast
    ids = [0] * len(moments_ms)
    used: set[int] = set()
    whole: list[int] = []
    for index, (moment, is_exact) in enumerate(zip(moments_ms, exact, strict=True)):
        if is_exact:
            ids[index] = moment
            used.add(moment)
        else:
            whole.append(index)
    next_free: dict[int, int] = {}
    for index in whole:
        base = moments_ms[index]
        candidate = next_free.get(base, base)
        while candidate in used:
            candidate += 1
        used.add(candidate)
        next_free[base] = candidate + 1
        ids[index] = candidate
    return ids
