"""Leeches: cards forgotten so often that reviewing them again mostly wastes time.

As in Anki, a card becomes a leech when its lapses (a learned card graded below 3)
reach ``leech_lapses`` (default 8). Being a leech is not stored: it is
``lapses >= leech_lapses``, so changing the threshold reclassifies every card at once.
What happens at the answer that makes a card a leech is the ``leech_action``:
``"suspend"`` takes it out of the reviews (until ``k8sprep card ID --unsuspend``),
``"tag"`` keeps it in them and only marks it as a leech in ``cards``, ``card`` and
``stats``. Either way the review says so.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LEECH_LAPSES = 8
LEECH_ACTIONS = ("suspend", "tag")
MAX_LEECH_LAPSES = 1_000


@dataclass(frozen=True)
class LeechRule:
    """When a card is a leech (``lapses``) and what its leeching answer does (``action``)."""

    lapses: int = DEFAULT_LEECH_LAPSES
    action: str = "suspend"

    def is_leech(self, lapses: int) -> bool:
        """Whether a card with this many lapses is a leech."""
        return lapses >= self.lapses

    def reached(self, before: int, after: int) -> bool:
        """Whether an answer taking the lapses from ``before`` to ``after`` made a leech."""
        return before < self.lapses <= after

    @property
    def suspends(self) -> bool:
        return self.action == "suspend"
