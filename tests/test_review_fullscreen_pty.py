"""``k8sprep review`` as a full-screen program in a real pseudo-terminal.

The alternate screen and colour on a terminal (and neither into a pipe), the screen
given back on ``q``, Ctrl-C and a crash, Ctrl-Z then ``fg`` from a real job-control
shell, ``e`` with a scripted ``$EDITOR``, Anki's grade keys and the interval preview.
"""

from __future__ import annotations

import io
import shlex
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest

from flashcards.cli.fullscreen import ALTERNATE_OFF, ALTERNATE_ON, CLEAR
from tests.review_helpers import ROOT, k8sprep_env, make_deck, run_k8sprep, table_rows, write_deck

NOW = "2026-11-26T09:30:00"
BOLD, RED_BOLD, GREEN = "\x1b[1m", "\x1b[1;31m", "\x1b[32m"
REVIEW = shlex.join([sys.executable, "-m", "flashcards", "review"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with ``decks/01-chapter-1.yaml`` (4 cards, the 4th an interview card), imported."""
    write_deck(tmp_path / "decks", make_deck(1, "chapter-1", 4))
    result = run_k8sprep(["import", "decks"], env=env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def env(project: Path, now: str = NOW, **extra: str) -> dict[str, str]:
    values = k8sprep_env(project / "home", now, **extra)
    for name in ("COLUMNS", "LINES", "NO_COLOR"):  # they would override the pty's own
        values.pop(name, None)
    values.setdefault("TERM", "xterm-256color")
    values.update(extra)
    return values


def spawn(
    project: Path, *args: str, columns: int = 100, now: str = NOW, **extra: str
) -> pexpect.spawn:
    """``k8sprep review ARGS`` in a pty run from ``project``, then ``stty -a``."""
    command = shlex.join([sys.executable, "-m", "flashcards", "review", *args])
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"trap 'true' INT; {command}; echo exit=$?; stty -a"],
        env=env(project, now, **extra),
        cwd=str(project),
        encoding="utf-8",
        timeout=30,
        dimensions=(30, columns),
    )
    child.logfile_read = io.StringIO()
    return child


def screen_text(child: pexpect.spawn) -> str:
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def terminal_restored(child: pexpect.spawn) -> None:
    child.expect(pexpect.EOF)
    flags = child.before.split()
    assert "icanon" in flags and "-icanon" not in flags
    assert "echo" in flags and "-echo" not in flags


def grades(project: Path) -> list[tuple[object, ...]]:
    return table_rows(project / "home" / "k8sprep.db", "SELECT grade FROM review_log ORDER BY id")


def test_each_card_on_a_clean_alternate_screen_given_back_at_the_end(project: Path) -> None:
    child = spawn(project)
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.expect_exact("Answer 0 of chapter-1.")
    child.send("5")
    child.expect_exact("Question 1 of chapter-1?")
    child.send("q")
    child.expect_exact("Session over: 1 answered")
    child.expect_exact("exit=0")
    terminal_restored(child)
    text = screen_text(child)
    # The alternate screen is taken before the first card and given back before the summary.
    assert text.index(ALTERNATE_ON) < text.index("Question 0") < text.index(ALTERNATE_OFF)
    assert text.index(ALTERNATE_OFF) < text.index("Session over")
    # The second card starts on a cleared screen: the first card's answer is not above it.
    second = text[text.rindex(CLEAR, 0, text.index("Question 1")) :]
    assert "Answer 0 of chapter-1." not in second
    assert second.index("Graded 5: next review 2026-11-27.") < second.index("Question 1")
    assert "Answer 1 of chapter-1." not in second  # the question alone until reveal
    # Bold question, green answer.
    assert f"{BOLD}Q: Question 0 of chapter-1?" in text
    assert f"{GREEN}A: Answer 0 of chapter-1." in text


@pytest.mark.parametrize("colour", [True, False])
def test_the_trap_stands_out_and_no_color_turns_colour_off(project: Path, colour: bool) -> None:
    child = spawn(project, **({} if colour else {"NO_COLOR": "1"}))
    for number in range(3):
        child.expect_exact(f"Question {number} of chapter-1?")
        child.send(" ")
        child.send("5")
    child.expect_exact("Question 3 of chapter-1?")
    child.send(" ")
    child.expect_exact("Trap to avoid: Trap 3")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    text = screen_text(child)
    assert (f"{RED_BOLD}✗ Trap to avoid: Trap 3" in text) is colour
    assert ("\x1b[1" in text or "\x1b[3" in text) is colour  # NO_COLOR: no style code at all
    assert ALTERNATE_ON in text  # the full screen is no colour: it stays


def test_a_pipe_gets_no_screen_codes(project: Path) -> None:
    result = run_k8sprep(["review"], env=env(project), stdin="\n5\nq\n", cwd=project)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "── 01 Chapter 1 · 1/4 · concept ──\nQuestion 0 of chapter-1?\n" in result.stdout
    assert "Next: 0–2" not in result.stdout  # the preview is for the terminal


def test_ctrl_c_gives_the_screen_back(project: Path) -> None:
    child = spawn(project)
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.send("4")
    child.expect_exact("Question 1 of chapter-1?")
    child.sendintr()
    child.expect_exact("Session over: 1 answered")
    child.expect_exact("exit=0")
    terminal_restored(child)
    text = screen_text(child)
    assert text.index("Question 1") < text.rindex(ALTERNATE_OFF) < text.index("Session over")
    assert grades(project) == [(4,)]


def test_a_crash_gives_the_screen_and_the_terminal_back(tmp_path: Path) -> None:
    """An exception while the screen is taken: the same ``keys`` and alternate screen."""
    script = textwrap.dedent(
        """
        import sys
        from flashcards.cli.fullscreen import AlternateScreen
        from flashcards.cli.terminal import keys

        with keys(sys.stdin, AlternateScreen(sys.stdout.fileno())) as tokens:
            print("ready", flush=True)
            for token in tokens:
                raise RuntimeError("boom on " + token)
        """
    )
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"{shlex.join([sys.executable, '-c', script])}; echo exit=$?; stty -a"],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
    )
    child.logfile_read = io.StringIO()
    child.expect_exact("ready")
    child.send("x")
    child.expect_exact("RuntimeError: boom on x")
    child.expect_exact("exit=1")
    terminal_restored(child)
    text = screen_text(child)
    assert text.index(ALTERNATE_ON) < text.index("ready") < text.index(ALTERNATE_OFF)
    assert text.index(ALTERNATE_OFF) < text.index("Traceback")


def test_ctrl_z_then_fg_takes_single_keys_again(project: Path) -> None:
    shell = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-i"],
        env={**env(project), "PS1": "$ "},
        cwd=str(project),
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )
    shell.expect_exact("$ ")
    shell.sendline(REVIEW)
    shell.expect_exact("Question 0 of chapter-1?")
    shell.send("\x1a")  # Ctrl-Z: the normal screen back for the shell, then it stops
    shell.expect_exact(ALTERNATE_OFF)
    shell.expect_exact("Stopped")
    shell.expect_exact("$ ")
    shell.sendline("fg")
    shell.expect_exact(ALTERNATE_ON)
    shell.expect_exact("Question 0 of chapter-1?")  # drawn again
    shell.send(" ")  # one key, no Enter
    shell.expect_exact("Answer 0 of chapter-1.")
    shell.send("5")
    shell.expect_exact("Graded 5: next review 2026-11-27.")
    shell.expect_exact("Question 1 of chapter-1?")
    shell.send("q")
    shell.expect_exact("Session over: 1 answered")
    shell.expect_exact("$ ")
    shell.sendline("stty -a; exit")
    shell.expect(pexpect.EOF)
    flags = shell.before.split()
    assert "icanon" in flags and "echo" in flags
    assert grades(project) == [(5,)]


# --- e: edit the card on screen


FAKE_EDITOR = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    *flags, place, name = sys.argv[1:]
    path = Path(name)
    Path(sys.argv[0]).with_suffix(".args").write_text(" ".join([*flags, place, name]))
    line = int(place.lstrip("+"))
    lines = path.read_text(encoding="utf-8").split("\\n")
    Path(sys.argv[0]).with_suffix(".line").write_text(lines[line - 1])
    if "--break" in flags:
        lines[line - 1] += "\\n  front: [unclosed"
    else:
        lines = [l.replace("Question 1 of chapter-1?", "Edited question one?") for l in lines]
    path.write_text("\\n".join(lines), encoding="utf-8")
    """
)


def fake_editor(project: Path, *flags: str) -> str:
    """``$EDITOR``: a script (with arguments) that edits the card at the line it is given."""
    script = project / "editor.py"
    script.write_text(FAKE_EDITOR, encoding="utf-8")
    return shlex.join([sys.executable, str(script), "--wait", *flags])


def test_e_opens_the_editor_at_the_card_and_shows_it_as_edited(project: Path) -> None:
    child = spawn(project, EDITOR=fake_editor(project))
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.send("5")
    child.expect_exact("Question 1 of chapter-1?")
    child.send("e")
    child.expect_exact("Q: Edited question one?")  # imported again and shown as edited
    child.send(" ")
    child.expect_exact("Answer 1 of chapter-1.")
    child.send("4")
    child.expect_exact("Question 2 of chapter-1?")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    deck = project / "decks" / "01-chapter-1.yaml"
    # The editor got its own arguments, then +LINE FILE, LINE being the card's id line.
    args = (project / "editor.args").read_text().split(" ")
    assert args[0] == "--wait" and args[2] == str(deck.resolve())
    assert (project / "editor.line").read_text() == "- id: chapter-1-1"
    db = project / "home" / "k8sprep.db"
    assert table_rows(db, "SELECT front FROM card WHERE id = 'chapter-1-1'") == [
        ("Edited question one?",)
    ]
    # The review state and the answers are kept: an edit is not a new card.
    assert table_rows(db, "SELECT card_id, grade FROM review_log ORDER BY id") == [
        ("chapter-1-0", 5),
        ("chapter-1-1", 4),
    ]
    assert "Edited question one?" in deck.read_text(encoding="utf-8")
    text = screen_text(child)
    # The editor ran on the normal screen: the review gave it back and took it again.
    before_edit = text[: text.index("Edited question one?")]
    assert before_edit.rindex(ALTERNATE_OFF) < before_edit.rindex(ALTERNATE_ON)


def test_e_edits_the_file_the_deck_was_imported_from_wherever_it_is(
    project: Path, tmp_path: Path
) -> None:
    """The database remembers each deck's file: ``e`` finds it from any folder."""
    elsewhere = tmp_path / "elsewhere" / "my-decks"
    elsewhere.mkdir(parents=True)
    deck = (project / "decks" / "01-chapter-1.yaml").rename(elsewhere / "01-chapter-1.yaml")
    result = run_k8sprep(["import", str(deck)], env=env(project), cwd=project)
    assert result.returncode == 0, result.stderr
    child = spawn(project, EDITOR=fake_editor(project))
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.send("5")
    child.expect_exact("Question 1 of chapter-1?")
    child.send("e")
    child.expect_exact("Q: Edited question one?")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert (project / "editor.args").read_text().split(" ")[2] == str(deck.resolve())
    assert "Edited question one?" in deck.read_text(encoding="utf-8")


def test_a_broken_edit_is_one_line_and_the_card_stays(project: Path) -> None:
    child = spawn(project, EDITOR=fake_editor(project, "--break"))
    child.expect_exact("Question 0 of chapter-1?")
    child.send("e")
    child.expect_exact("Not imported, card unchanged:")
    child.expect_exact("Q: Question 0 of chapter-1?")  # shown again, unchanged
    deck = project / "decks" / "01-chapter-1.yaml"
    words = " ".join(screen_text(child).split())  # the long path may have a line of its own
    assert f"Not imported, card unchanged: {deck.resolve()}:15: not valid YAML: " in words
    child.send(" ")
    child.send("5")
    child.expect_exact("Graded 5")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    db = project / "home" / "k8sprep.db"
    assert table_rows(db, "SELECT front FROM card WHERE id = 'chapter-1-0'") == [
        ("Question 0 of chapter-1?",)
    ]
    assert grades(project) == [(5,)]
    assert "front: [unclosed" in deck.read_text()  # the edit is kept in the file, to be fixed


def test_e_on_a_deck_with_no_file_here_says_so(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "decks" / "01-chapter-1.yaml").rename(elsewhere / "01-chapter-1.yaml")
    child = spawn(project, EDITOR=fake_editor(project))
    child.expect_exact("Question 0 of chapter-1?")
    child.send("e")
    child.expect_exact("Deck '01 Chapter 1' did not come from a deck file here")
    child.expect_exact("nothing to edit.")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert not (project / "editor.args").exists()


# --- Anki's keys, and what each grade would schedule


def test_anki_keys_log_sm2_qualities(project: Path) -> None:
    (project / "home" / "config.toml").write_text('grading = "anki"\n')
    child = spawn(project)
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.expect_exact("Grade: 1 Again · 2 Hard · 3 Good · 4 Easy · space Good")
    child.expect_exact("Next: Again today · Hard 1d · Good 1d · Easy 1d")
    child.send("3")
    child.expect_exact("Graded Good (4): next review 2026-11-27.")
    child.expect_exact("Question 1 of chapter-1?")
    child.send(" ")
    child.send(" ")  # Space again, once the answer is shown: Good
    child.expect_exact("Graded Good (4)")
    child.expect_exact("Question 2 of chapter-1?")
    child.send("0")  # not a key of Anki's
    child.expect_exact("Unknown input '0'")
    child.send("4")  # a grade before the answer is seen only reveals it
    child.expect_exact("Now grade it: 1-4.")
    child.send("4")
    child.expect_exact("Graded Easy (5)")
    child.expect_exact("Question 3 of chapter-1?")
    child.send(" ")
    child.send("2")
    child.expect_exact("Graded Hard (3): again later today")
    child.send(" ")
    child.send("1")
    child.expect_exact("Graded Again (1) (re-drill)")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert grades(project) == [(4,), (4,), (5,), (3,), (1,)]


def test_keys_option_overrides_the_config(project: Path) -> None:
    (project / "home" / "config.toml").write_text('grading = "anki"\n')
    child = spawn(project, "--keys", "sm2")
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.expect_exact("Next: 0–2 again · 3–5 in 1d")
    child.send("3")
    child.expect_exact("Graded 3: again later today")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
    assert grades(project) == [(3,)]
    result = run_k8sprep(["review", "--keys", "anki"], env=env(project), stdin="\n\nq\n")
    assert "Grade: 1 Again · 2 Hard · 3 Good · 4 Easy · space Good" in result.stdout
    assert "Graded Good (4)" in result.stdout


def test_bad_grading_values_are_one_line(project: Path) -> None:
    config = project / "home" / "config.toml"
    config.write_text('new_per_day = 5\ngrading = "vim"\n')
    result = run_k8sprep(["review"], env=env(project), stdin="q\n")
    assert result.returncode == 1
    assert result.stderr == (f'k8sprep: {config}:2: grading must be "sm2" or "anki", got \'vim\'\n')
    config.unlink()
    result = run_k8sprep(["review", "--keys", "vim"], env=env(project), stdin="q\n")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "'vim' is not one of sm2, anki." in result.stderr


def test_the_preview_shows_what_each_grade_schedules(project: Path) -> None:
    # Two passes on two days: interval 6, easiness 2.70; on the due day a pass gives 17 days.
    for day in ("2026-11-26T09:30", "2026-11-27T09:30"):
        run_k8sprep(["review", "--new", "1"], env=env(project, day), stdin="5\nq\n")
    child = spawn(project, "--new", "0", now="2026-12-03T09:30")
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.expect_exact("Next: 0–2 again · 3–5 in 17d")
    child.send("3")  # a pass below 4: again later today, as a re-drill
    child.expect_exact("Graded 3: again later today; next review 2026-12-20.")
    child.expect_exact("Question 0 of chapter-1?")
    child.send(" ")
    child.expect_exact("Next: 0–3 again today · 4–5 done for today")
    child.send("q")
    child.expect_exact("exit=0")
    terminal_restored(child)
