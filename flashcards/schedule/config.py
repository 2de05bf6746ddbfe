"""The user's review limits, read from a small TOML file in the data directory.

```toml
new_per_day = 20       # new cards introduced per study day
reviews_per_day = 200  # due reviews shown per study day
rollover_hour = 4      # hour (0-23) at which a new study day begins
backups_keep = 10      # timestamped backups `k8sprep backup` keeps
scheduler = "sm2"      # "sm2", or "fsrs" (FSRS due dates; SM-2 numbers kept alongside)
desired_retention = 0.9  # FSRS: the recall probability due dates aim at (0.7-0.99)
grading = "sm2"        # review keys: "sm2" (0-5) or "anki" (1 Again, 2 Hard, 3 Good, 4 Easy)
leech_lapses = 8       # lapses that make a card a leech (1-1000)
leech_action = "suspend"  # "suspend" the leech, or "tag" it and keep reviewing it
```

A missing file means the defaults. A broken file, an unknown key or a value of the
wrong type is an error with the file and line, never silently ignored: a typo in
``new_per_dya`` would otherwise leave the learner wondering why nothing changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from flashcards.errors import ConfigError
from flashcards.schedule.leech import (
    DEFAULT_LEECH_LAPSES,
    LEECH_ACTIONS,
    MAX_LEECH_LAPSES,
    LeechRule,
)
from flashcards.schedule.studyday import DEFAULT_ROLLOVER_HOUR

MAX_NEW_PER_DAY = 100_000
MAX_REVIEWS_PER_DAY = 1_000_000
"""Upper bounds for the daily limits, in the config file and on the command line alike."""

SCHEDULERS = ("sm2", "fsrs")
"""``sm2``: SuperMemo SM-2 sets due dates. ``fsrs``: FSRS does, from memory states
replayed from the review log (:mod:`flashcards.schedule.memory`)."""
RETENTION_RANGE = (0.7, 0.99)
GRADINGS = ("sm2", "anki")
"""Review keys: ``sm2`` grades 0-5 as typed; ``anki`` takes Anki's four buttons
(1 Again, 2 Hard, 3 Good, 4 Easy) and logs them as SM-2 qualities 1, 3, 4, 5."""

_LIMITS = {
    "new_per_day": (0, MAX_NEW_PER_DAY),
    "reviews_per_day": (0, MAX_REVIEWS_PER_DAY),
    "rollover_hour": (0, 23),
    "backups_keep": (1, 10_000),
    "leech_lapses": (1, MAX_LEECH_LAPSES),
}
_CHOICES = {"scheduler": SCHEDULERS, "leech_action": LEECH_ACTIONS, "grading": GRADINGS}
"""Settings that take one of a few words."""


@dataclass(frozen=True)
class Config:
    """Daily limits and the study-day rollover."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    backups_keep: int = 10  # timestamped backups kept by `k8sprep backup`
    scheduler: str = "sm2"  # see SCHEDULERS
    desired_retention: float = 0.9  # FSRS only
    grading: str = "sm2"  # see GRADINGS
    leech_lapses: int = DEFAULT_LEECH_LAPSES  # see flashcards.schedule.leech
    leech_action: str = "suspend"  # see LEECH_ACTIONS

    @property
    def leech_rule(self) -> LeechRule:
        """What makes a card a leech and what then happens to it."""
        return LeechRule(self.leech_lapses, self.leech_action)

    def with_overrides(self, *, new: int | None = None, limit: int | None = None) -> Config:
        """This config with command-line ``--new`` / ``--limit`` applied."""
        changed = self
        if new is not None:
            changed = replace(changed, new_per_day=new)
        if limit is not None:
            changed = replace(changed, reviews_per_day=limit)
        return changed


def parse_config(text: str, path: str = "<config>") -> Config:
    """A :class:`Config` from TOML ``text``.

    Raises:
        ConfigError: invalid TOML, an unknown key, or a value out of range.
    """
    import tomllib  # only with a config file: its import compiles patterns every command pays

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        if "(at end of document)" in message:  # an unclosed [ or string: point at the end
            line = max(len(text.splitlines()), 1)
            message = message.replace("(at end of document)", "(the file ends too early)")
        message = re.sub(r"(?<!\s)\s*+\(at line \d+, column \d+\)", "", message)
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from None
    known = {f.name for f in fields(Config)}
    values: dict[str, int | float | str] = {}
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            raise ConfigError(
                f"unknown setting {key!r} (known: {', '.join(sorted(known))})", path=path, line=line
            )
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                words = " or ".join(f'"{word}"' for word in _CHOICES[key])
                raise ConfigError(f"{key} must be {words}, got {value!r}", path=path, line=line)
            values[key] = value
            continue
        if key == "desired_retention":
            low_r, high_r = RETENTION_RANGE
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not low_r <= value <= high_r
            ):
                raise ConfigError(
                    f"desired_retention must be a number from {low_r} to {high_r}, got {value!r}",
                    path=path,
                    line=line,
                )
            values[key] = float(value)
            continue
        low, high = _LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(
                f"{key} must be a whole number from {low} to {high}, got {value!r}",
                path=path,
                line=line,
            )
        values[key] = value
    return Config(**values)  # type: ignore[arg-type]


def _line_of(text: str, key: str) -> int | None:
    """The 1-based line where ``key`` is set, for error messages."""
    # ``key = ...``, or ``[key]`` when a table was written where a number belongs.
    quoted = rf"[\"']?{re.escape(key)}[\"']?"
    pattern = re.compile(rf"^[ \t]*(?:{quoted}[ \t]*=|\[+[ \t]*{quoted}[ \t]*[\].])", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
