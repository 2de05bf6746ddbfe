"""``k8sprep drill`` in a real pseudo-terminal: typed lines, a fitted screen, Ctrl-C."""

from __future__ import annotations

import io
import shlex
import sys
from pathlib import Path

import pexpect

from tests.conftest import DRILL_NOW
from tests.review_helpers import ROOT, k8sprep_env, table_rows

NOW = DRILL_NOW  # the time the shared `home` fixture imported the deck at
PVC = "storage-in-kubernetes-interview-081621a1c3"


def spawn_drill(home: Path, *args: str, columns: int = 72) -> pexpect.spawn:
    command = shlex.join([sys.executable, "-m", "flashcards", "drill", *args])
    env = k8sprep_env(home, NOW)
    for name in ("COLUMNS", "LINES"):
        env.pop(name, None)
    return pexpect.spawn(
        "/bin/sh",
        ["-c", f"trap 'true' INT; {command}; echo exit=$?; stty -a"],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, columns),
    )


def test_type_an_answer_accept_the_grade_override_the_next_and_quit(home: Path) -> None:
    child = spawn_drill(home, "--kinds", "interview")
    child.expect_exact("── 05 Storage in Kubernetes · 1/4 · interview · drill ──────")
    child.expect_exact("Q: Why do PVCs help app teams?")
    child.expect_exact("Your answer (one line;")
    child.sendline("claims keep manifests portable without backend details")
    child.expect_exact("Verdict: right: the key points are there")
    child.expect_exact("Model answer: They let workloads request storage intent")
    child.expect_exact("✗ Trap to avoid: Because PVs are deprecated.")
    child.expect(r"Suggested grade: (\d) \(Enter accepts")
    suggested = int(child.match.group(1))
    child.sendline("")
    child.expect_exact(f"Graded {suggested}: ")
    child.expect_exact("Q: Why can dynamic provisioning still feel slow?")
    child.sendline("Because Kubernetes storage is always slower than local disks")
    child.expect_exact("Verdict: trap: that is the common wrong answer to avoid")
    child.sendline("0")
    child.expect_exact("Graded 0: again later today")
    child.expect_exact("Q: Why are backups not enough without restore drills?")
    child.sendline("q")
    child.expect_exact("Session over: 2 answered · 50% graded 3 or more")
    child.expect_exact("exit=0")
    child.expect(pexpect.EOF)
    flags = child.before.split()
    assert "icanon" in flags and "echo" in flags  # the terminal as it was
    rows = table_rows(home / "k8sprep.db", "SELECT grade, verdict FROM review_log ORDER BY id")
    assert rows == [(suggested, "right"), (0, "trap")]


def test_every_line_fits_a_narrow_terminal(home: Path) -> None:
    child = spawn_drill(home, "--kinds", "interview", columns=40)
    child.logfile_read = io.StringIO()
    child.expect_exact("Your answer")
    child.sendline("")
    child.expect(r"Suggested grade: 0")
    child.sendline("q")
    child.expect_exact("exit=0")
    shown = child.logfile_read.getvalue().replace("\r", "").split("\n")
    shown = shown[: shown.index("exit=0")]
    assert all(len(line) <= 40 for line in shown), [line for line in shown if len(line) > 40]
    assert any(line.startswith("✗ Trap to avoid:") for line in shown)
    child.expect(pexpect.EOF)


def test_ctrl_c_mid_answer_ends_with_the_summary_keeping_confirmed_answers(home: Path) -> None:
    child = spawn_drill(home, "--kinds", "interview", "--choice", "--seed", "3")
    child.expect_exact("Your choice (1-4; q quits, u undoes):")
    child.sendline("1")
    child.expect(r"Suggested grade: (\d)")
    child.sendline("")
    child.expect_exact("Q: Why can dynamic provisioning still feel slow?")
    child.expect_exact("Your choice")
    child.sendintr()
    child.expect_exact("Session over: 1 answered")
    child.expect_exact("exit=0")
    child.expect(pexpect.EOF)
    assert table_rows(home / "k8sprep.db", "SELECT card_id FROM review_log") == [(PVC,)]
