"""Mock interview reports on disk: one JSON file each under ``mocks/`` in the data directory.

File names are the interview's start time, so the newest sorts last and
``k8sprep mock --last`` needs no index. Written atomically: a crash never leaves half a
report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flashcards.errors import K8sprepError
from flashcards.files import settings
from flashcards.files.atomic import write_text_atomically


def folder() -> Path:
    return settings.data_dir() / "mocks"


def save_report(data: dict[str, Any], stamp: str) -> Path:
    """Write a report as ``mocks/mock-<stamp>.json``; its path."""
    target = folder() / f"mock-{stamp}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise K8sprepError(f"{target}: report not saved ({error.strerror or error})") from None
    return target


def last_report() -> dict[str, Any] | None:
    """The newest saved report, or None when there is none.

    Raises:
        K8sprepError: the newest report is not readable JSON.
    """
    found = sorted(folder().glob("mock-*.json")) if folder().is_dir() else []
    if not found:
        return None
    try:
        data = json.loads(found[-1].read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise K8sprepError(f"{found[-1]}: not a mock interview report ({error})") from None
    if not isinstance(data, dict) or "answers" not in data:
        raise K8sprepError(f"{found[-1]}: not a mock interview report")
    return data
