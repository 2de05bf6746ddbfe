"""The real ``k8sprep`` process ends as soon as its command is done, and loses nothing.

The process skips the interpreter's teardown (:mod:`flashcards.cli.process`): these run
the real process and check that its output, exit status, answers and temporary folders
come out as a normal exit gives them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flashcards.cli.process import exit_code
from flashcards.store import Store
from tests.conftest import ROOT
from tests.review_helpers import k8sprep_env

NOW = "2026-11-26T09:30:00"


def run(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flashcards", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=k8sprep_env(home, NOW),
        cwd=ROOT,
        timeout=120,
    )


def test_output_is_flushed_whole_and_status_is_zero(tmp_path: Path) -> None:
    result = run(["due", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("}")  # the whole JSON report, not a cut buffer
    assert '"total"' in result.stdout


def test_an_error_keeps_its_message_and_status(tmp_path: Path) -> None:
    result = run(["export", "csv", "--deck", "no-such-deck"], tmp_path)
    assert result.returncode != 0
    assert result.stderr.startswith("k8sprep: ")
    assert "Traceback" not in result.stderr


def test_a_wrong_flag_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["due", "--no-such-flag"], tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_answers_given_before_the_exit_are_in_the_database(tmp_path: Path) -> None:
    result = run(["review"], tmp_path, stdin="\n4\n\n3\nq\n")
    assert result.returncode == 0, result.stderr
    with Store.open(tmp_path / "k8sprep.db") as store:
        (answers,) = store.db.rows("SELECT COUNT(*) FROM review_log")[0]
    assert answers == 2


def test_exit_handlers_run(tmp_path: Path) -> None:
    """A temporary folder made with ``tempfile`` is removed by its exit handler."""
    marker = tmp_path / "made"
    code = (
        "import sys, tempfile; from flashcards.cli.process import end_process\n"
        f"folder = tempfile.TemporaryDirectory(); open({str(marker)!r}, 'w').write(folder.name)\n"
        "print('done', end=''); end_process(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 3
    assert result.stdout == "done"  # flushed though no newline ended it
    assert not Path(marker.read_text()).exists()


@pytest.mark.parametrize(("value", "status"), [(None, 0), (0, 0), (2, 2), ("bad", 1)])
def test_exit_code_follows_system_exit(value: object, status: int) -> None:
    assert exit_code(value) == status
