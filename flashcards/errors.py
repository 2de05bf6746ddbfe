"""Every error k8sprep reports to a person.

The library raises these; the CLI's one error funnel prints ``str(error)``
on one line and exits non-zero. Errors about a file carry its path and the
1-based line so that the message reads ``decks/x.yaml:14: card has no answer``.
"""

from __future__ import annotations


class K8sprepError(Exception):
    """Base of every error meant for the user, never a bug."""


class LocatedError(K8sprepError):
    """An error at a place in a file: ``path:line: message``."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class ChapterError(LocatedError):
    """A chapter file that cannot be read as a chapter."""


class DeckFileError(LocatedError):
    """A YAML deck that is broken or does not follow the deck schema."""


class DeckProblems(K8sprepError):
    """Several problems found in one deck file, reported all at once."""

    def __init__(self, problems: list[DeckFileError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(K8sprepError):
    """The review database cannot be opened, read or written safely."""


class UnknownDeckError(K8sprepError):
    """A deck name or chapter number that matches no deck."""


class UnknownCardError(K8sprepError):
    """A card id that matches no card."""


class AmbiguousCardError(K8sprepError):
    """A short card id that matches more than one card."""


class ExportError(K8sprepError):
    """An export that cannot be written, or an export ledger that cannot be read."""


class ConfigError(LocatedError):
    """A config file that is not valid TOML or sets an unknown or out-of-range value."""


class HistoryFileError(LocatedError):
    """A review-history JSON file that cannot be imported as it stands."""


class SchemaUpgradeNeededError(StoreError):
    """A database written by an older release: it must be upgraded before it is used.

    The library never upgrades on its own (an upgrade takes a safety copy first, which
    is a decision for the caller); ``k8sprep`` commands do it, announcing it, and a
    Python caller runs :func:`flashcards.upgrade`.
    """

    def __init__(self, where: str, version: int, latest: int) -> None:
        self.where = where
        self.version = version
        self.latest = latest
        super().__init__(
            f"{where}: database schema version {version} is older than this k8sprep's "
            f"({latest}); upgrade it first with any k8sprep command, or from Python with "
            f"flashcards.upgrade({where!r}, backup_dir=...)"
        )


class NoDatabaseError(StoreError):
    """A command that only reads the review database found none (and created none)."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(
            f"{where}: no review database here yet (run k8sprep review or k8sprep import first)"
        )
