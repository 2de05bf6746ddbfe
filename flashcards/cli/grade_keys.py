"""Which keys grade a card in ``k8sprep review``, and what each logs.

Two layouts, chosen by ``grading`` in ``config.toml`` or ``review --keys``:

- ``sm2`` (the default): the keys 0-5 are the SM-2 qualities themselves.
- ``anki``: Anki's four buttons, 1 Again, 2 Hard, 3 Good, 4 Easy, and Space or
  Enter for Good once the answer is shown. They are logged as the SM-2 qualities
  1, 3, 4 and 5, so the log, ``stats`` and every export read the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from flashcards.schedule.sm2 import GRADE_LEGEND


@dataclass(frozen=True)
class Grading:
    """Grade keys and their SM-2 qualities, in key order."""

    name: str
    qualities: dict[str, int]
    """key -> the SM-2 quality it logs."""
    labels: dict[str, str]
    """key -> what it means, for the legend."""
    enter: int | None = None
    """The quality Space/Enter gives once the answer is shown; None: they only reveal."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.qualities)

    @property
    def span(self) -> str:
        """``0-5``: the keys, for prompts."""
        return f"{self.keys[0]}-{self.keys[-1]}"

    def label(self, quality: int) -> str | None:
        """The name of the key that logs ``quality`` (``Good``); None for plain 0-5."""
        if self.enter is None:
            return None
        return next((self.labels[k] for k, q in self.qualities.items() if q == quality), None)


SM2 = Grading(
    "sm2",
    {str(q): q for q in sorted(GRADE_LEGEND)},
    {str(q): GRADE_LEGEND[q] for q in sorted(GRADE_LEGEND)},
)
ANKI = Grading(
    "anki",
    {"1": 1, "2": 3, "3": 4, "4": 5},
    {"1": "Again", "2": "Hard", "3": "Good", "4": "Easy"},
    enter=4,
)
GRADINGS = {grading.name: grading for grading in (SM2, ANKI)}
