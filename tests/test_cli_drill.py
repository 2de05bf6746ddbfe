"""``k8sprep drill`` and ``k8sprep grade`` from a pipe: the protocol, the log, undo, kill -9."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from flashcards.schedule.sm2 import SM2State, review
from tests.conftest import BUNDLED_DECK, DRILL_NOW
from tests.review_helpers import ROOT, k8sprep_env, run_k8sprep, table_rows

NOW = DRILL_NOW  # the time the shared `home` fixture imported the deck at
PVC = "storage-in-kubernetes-interview-081621a1c3"
SLOW = "storage-in-kubernetes-interview-b78b50bd1a"
BACKUPS = "storage-in-kubernetes-interview-ada97d4f6e"
MANAGED = "storage-in-kubernetes-interview-d9c1c49f4c"
RIGHT_PVC = "Claims let apps request storage without backend details, so manifests stay portable"
LOG = "SELECT card_id, grade, typed_answer, verdict FROM review_log ORDER BY id"


def db(home: Path) -> Path:
    return home / "k8sprep.db"


def drill(home: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_k8sprep(
        ["drill", "--kinds", "interview", *args], env=k8sprep_env(home, NOW), stdin=stdin
    )


def test_answer_line_then_grade_line_accepts_or_overrides(home: Path) -> None:
    result = drill(home, f"{RIGHT_PVC}\n\nBecause Kubernetes storage is slower than disks\n2\nq\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "── 05 Storage in Kubernetes · 1/4 · interview · drill ──" in out
    assert "Why do PVCs help app teams?" in out
    assert "Verdict: right: the key points are there" in out
    assert "✓ They let workloads request storage intent without embedding backend" in out
    assert "Model answer: They let workloads request storage intent" in out
    assert "✗ Trap to avoid: Because PVs are deprecated." in out
    assert "Verdict: trap: that is the common wrong answer to avoid" in out
    assert "Graded 2: again later today" in out
    suggested = int(re.findall(r"Suggested grade: (\d)", out)[0])
    assert suggested >= 4
    assert table_rows(db(home), LOG) == [
        (PVC, suggested, RIGHT_PVC, "right"),
        (SLOW, 2, "Because Kubernetes storage is slower than disks", "trap"),
    ]
    expected = review(SM2State(), suggested)
    assert table_rows(
        db(home), f"SELECT repetitions, interval_days FROM card_state WHERE card_id = '{PVC}'"
    ) == [(expected.repetitions, expected.interval)]
    assert "Session over: 2 answered · 50% graded 3 or more" in out


def test_an_empty_answer_is_i_dont_know_and_an_unsure_one_needs_a_grade(home: Path) -> None:
    result = drill(home, "\n\nsomething about nodes\n\n\n3\nq\n")
    out = result.stdout
    assert "Verdict: wrong: no answer given" in out
    assert "Suggested grade: 0" in out
    rows = table_rows(db(home), LOG)
    assert rows[0] == (PVC, 0, "", "wrong")
    assert rows[1][0] == SLOW and rows[1][2] == "something about nodes"
    if rows[1][3] == "unsure":  # no suggestion: Enter alone asks again, 3 is taken
        assert "no suggested grade: type one, 0-5." in out
        assert "Type a grade from 0 to 5." in out
        assert rows[1][1] == 3


def test_quitting_or_input_ending_between_answer_and_grade_records_nothing(home: Path) -> None:
    for stdin in (f"{RIGHT_PVC}\nq\n", f"{RIGHT_PVC}\n", "q\n", ""):
        result = drill(home, stdin)
        assert result.returncode == 0, result.stderr
        assert "Session over: nothing answered." in result.stdout
    assert table_rows(db(home), LOG) == []


def test_u_undoes_the_last_confirmed_answer_and_shows_that_card_again(home: Path) -> None:
    result = drill(home, f"{RIGHT_PVC}\n\nu\n{RIGHT_PVC}\n5\nq\n")
    assert "Undid grade " in result.stdout
    assert result.stdout.count("Why do PVCs help app teams?") == 2
    assert table_rows(db(home), LOG) == [(PVC, 5, RIGHT_PVC, "right")]
    assert table_rows(db(home), "SELECT COUNT(*) FROM review_log") == [(1,)]


def test_after_the_last_card_u_undoes_it(home: Path) -> None:
    answers = "".join(f"answer {n}\n4\n" for n in range(4))
    result = drill(home, answers + "u\nq\n", "--limit", "4")
    assert "That was the last card: u undoes it, any other line ends the session." in result.stdout
    assert "Undid grade 4 of " + MANAGED in result.stdout
    assert [row[0] for row in table_rows(db(home), LOG)] == [PVC, SLOW, BACKUPS]


def test_history_shows_the_typed_text_and_verdict(home: Path) -> None:
    drill(home, f"{RIGHT_PVC}\x1b[2J\n\nq\n")
    env = k8sprep_env(home, NOW)
    lines = run_k8sprep(["history"], env=env).stdout
    assert f'typed "{RIGHT_PVC}[2J" (right)' in lines  # no escape code reaches the terminal
    assert "\x1b" not in lines
    record = json.loads(run_k8sprep(["history", "--json"], env=env).stdout)[0]
    assert (record["typed_answer"], record["verdict"]) == (RIGHT_PVC + "[2J", "right")
    review = run_k8sprep(["review", "--deck", "5"], env=env, stdin="q\n")
    assert review.returncode == 0


def test_choice_offers_model_trap_and_two_distractors_and_names_the_trap(home: Path) -> None:
    result = drill(home, "", "--choice", "--seed", "7")
    options = re.findall(r"^(\d)\. (.*)$", result.stdout, re.MULTILINE)
    assert [number for number, _ in options] == ["1", "2", "3", "4"]
    texts = [text for _, text in options]
    assert "Because PVs are deprecated." in texts
    assert any(text.startswith("They let workloads request storage intent") for text in texts)
    assert "Your choice (1-4; q quits, u undoes):" in result.stdout
    trap = str(texts.index("Because PVs are deprecated.") + 1)
    again = drill(home, f"9\n{trap}\n\nq\n", "--choice", "--seed", "7")
    assert "Pick a number from 1 to 4." in again.stdout
    assert "Verdict: trap: that is the common wrong answer to avoid" in again.stdout
    assert table_rows(db(home), LOG) == [(PVC, 1, "Because PVs are deprecated.", "trap")]
    first_options = options[:4]
    assert re.findall(r"^(\d)\. (.*)$", again.stdout, re.MULTILINE)[:4] == first_options


def test_grade_json_has_exactly_the_contract_keys(home: Path) -> None:
    env = k8sprep_env(home, NOW)
    result = run_k8sprep(
        ["grade", PVC, "--answer", "Because PVs are deprecated", "--json"], env=env
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["verdict", "suggested_grade", "score", "trap_score", "key_points"]
    assert report["verdict"] == "trap" and report["suggested_grade"] == 1
    assert 0 <= report["score"] <= 1 and 0 <= report["trap_score"] <= 1
    assert [list(p) for p in report["key_points"]] == [["text", "covered"]] * 2
    text = run_k8sprep(["grade", PVC, "--answer", RIGHT_PVC], env=env).stdout
    assert text.startswith("Verdict: right\nSuggested grade: ")
    assert "✓ They let workloads request storage intent" in text


def test_grade_from_a_deck_file_needs_no_database(tmp_path: Path) -> None:
    env = k8sprep_env(tmp_path / "empty-home", NOW)
    result = run_k8sprep(
        ["grade", PVC, "--answer", "", "--deck", str(BUNDLED_DECK), "--json"], env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["suggested_grade"] == 0
    assert not (tmp_path / "empty-home").exists()
    missing = run_k8sprep(
        ["grade", "no-such", "--answer", "x", "--deck", str(BUNDLED_DECK)], env=env
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"k8sprep: {BUNDLED_DECK}: no card with id 'no-such'"


def test_unknown_kind_is_a_usage_error(home: Path) -> None:
    result = run_k8sprep(["drill", "--kinds", "interview,quiz"], env=k8sprep_env(home, NOW))
    assert result.returncode == 2
    assert "unknown kind 'quiz'" in result.stderr
    assert "Traceback" not in result.stderr


def test_kill_9_mid_drill_loses_no_confirmed_answer(home: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "drill", "--kinds", "interview"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=k8sprep_env(home, NOW),
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    grades = [5, 3, 4]
    for number, grade in enumerate(grades):
        process.stdin.write(f"typed answer {number}\n{grade}\n")
        process.stdin.flush()
        for line in process.stdout:  # the next question shows once the answer is committed
            if line.startswith("Graded "):
                break
    process.stdin.write("half typed, never graded\n")
    process.stdin.flush()
    for line in process.stdout:
        if line.startswith("Suggested grade") or line.startswith("no suggested grade"):
            break
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    rows = table_rows(db(home), "SELECT card_id, grade, typed_answer FROM review_log ORDER BY id")
    assert rows == [
        (card, grade, f"typed answer {n}")
        for n, (card, grade) in enumerate(zip([PVC, SLOW, BACKUPS], grades, strict=True))
    ]
    assert table_rows(db(home), "PRAGMA integrity_check") == [("ok",)]


def test_stats_gains_a_drill_section(home: Path) -> None:
    env = k8sprep_env(home, NOW)
    plain = run_k8sprep(["stats"], env=env).stdout
    assert "Drill" not in plain  # nothing drilled yet: no section
    trap = "Because Kubernetes storage is always slower than local disks"
    drill(home, f"{RIGHT_PVC}\n4\n{trap}\n\nq\n")
    drill(home, "", "--deck", "5")  # nothing confirmed: changes nothing
    lines = run_k8sprep(["stats"], env=env).stdout.splitlines()
    start = lines.index("Drill (typed answers graded 3 or more):")
    assert lines[start + 1].split() == ["chapter", "05", "50.0%", "(1/2)"]
    assert lines[start + 2] == "Traps fallen into:"
    assert lines[start + 3] == f"  1x  Why can dynamic provisioning still feel slow?  ({SLOW})"
    report = json.loads(run_k8sprep(["stats", "--json"], env=env).stdout)["drill"]
    assert report == {
        "pass_rate": [{"chapter": 5, "passed": 1, "answered": 2, "share": 0.5}],
        "traps": [
            {"card_id": SLOW, "front": "Why can dynamic provisioning still feel slow?", "count": 1}
        ],
    }


def test_nothing_to_drill_says_so(home: Path) -> None:
    env = k8sprep_env(home, NOW)
    practice = table_rows(db(home), "SELECT id FROM card WHERE kind = 'practice'")[0][0]
    assert run_k8sprep(["card", str(practice), "--suspend"], env=env).returncode == 0
    result = drill(home, "", "--kinds", "practice")
    assert result.returncode == 0, result.stderr
    assert "Nothing to drill right now." in result.stdout
    assert "Session over: nothing answered." in result.stdout


def test_kinds_definition_drills_the_definition_cards(home: Path) -> None:
    result = run_k8sprep(
        ["drill", "--kinds", "definition", "--limit", "1"],
        env=k8sprep_env(home, NOW),
        stdin="\n\nq\n",
    )
    assert result.returncode == 0, result.stderr
    assert "· definition · drill ──" in result.stdout
    assert "What does a PersistentVolume describe?" in result.stdout
