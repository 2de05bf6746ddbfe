"""Fuzzing the input edges: chapter parser, deck loader and piped review input.

Arbitrary text and bytes must end in a clean result or a ``K8sprepError`` (one line
from the CLI), never another exception, and never leave a partial deck behind. Each
part is bounded by a count and a fixed seed (hypothesis runs derandomised), so the
whole file takes well under a minute on two busy cores; the number of inputs tried
is printed at the end of the run.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import exporters
import flashcards
from flashcards.cli import app
from flashcards.errors import K8sprepError
from flashcards.files.builder import build_chapter, read_chapter
from flashcards.files.decks import load_deck
from flashcards.parse.cards import build_deck
from flashcards.parse.chapter import parse_chapter
from flashcards.parse.deckfile import dump_deck, parse_deck
from flashcards.store import Store
from flashcards.store.verify import verify_database

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "seeds" / "05-storage-in-kubernetes.txt").read_text(encoding="utf-8")
MARKDOWN_TEXT = (ROOT / "tests" / "fixtures" / "05-storage-in-kubernetes.md").read_text(
    encoding="utf-8"
)
DECK_TEXT = (ROOT / "decks" / "05-storage-in-kubernetes.yaml").read_text(encoding="utf-8")

MUTATION_INPUTS = 2500
"""Mutated chapters and decks each, from one fixed seed (a few ms apiece)."""
PIPED_SESSIONS = 200
"""In-process ``k8sprep review`` runs fed random lines."""
TIME_BUDGET_S = 20.0
"""Each mutation loop stops early past this, on a machine much slower than expected."""
INPUT_BUDGET_S = 2.0
"""Longest one input may take to parse and build (they take milliseconds): a pattern
that backtracks quadratically takes minutes on the long runs below, and seconds
already on a few kilobytes of the wrong characters."""
RUN_CHARS = 12_000
"""Length of the adversarial runs each pattern is searched in: a quadratic pattern
spends ~10^8 steps (a second or more) on one, a linear one a millisecond."""
PATTERN_BUDGET_S = 0.5
"""Longest one pattern may search one run."""
CHAPTER_RUN_CHARS = 30_000
"""Length of the adversarial runs put into whole chapters."""

FUZZ = settings(
    max_examples=300,
    deadline=None,  # timings on a shared 2-core machine are noise, not findings
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

TRIED: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many inputs each part tried, even when output is captured."""
    yield
    total = sum(TRIED.values())
    parts = ", ".join(f"{name} {count}" for name, count in sorted(TRIED.items()))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nfuzz: {total} inputs tried ({parts})", flush=True)


TOKENS = [
    *SEED_TEXT.splitlines(),
    *MARKDOWN_TEXT.splitlines(),
    "",
    "¶",
    "05. Title — Sub",
    "999. T",
    "0) x",
    "# 05. Heading",
    "## Interview",
    "## Pause and recall",
    "```",
    "~~~",
    '!!! tip "ELI5 callback"',
    "    indented",
    "- bullet",
    "Q: why? A: because. Common wrong answer to avoid: no",
    "Q: no answer",
    "Bridge: next → 6 → [x](06-next.md)",
    "Bridge. →",
    "┌──┐ -> ┌──┐",
    "│ a │ -> │ b │",
    "└┬─┘    └┬─┘",
    "  v       v",
    "cap | cap",
    "Takeaway: x, y; z",
    "Estimated time: 5 min | Level: hard",
    "\t\r",
    "\ufeff",
    "🙂" * 3,
]


def _parse_clean(text: str) -> None:
    """Parse ``text`` as a chapter; a deck built from it must round-trip its YAML.

    Each input must finish within :data:`INPUT_BUDGET_S`.
    """
    started = time.monotonic()
    try:
        parsed = parse_chapter(text, "fuzz.txt")
    except K8sprepError:
        return
    deck = build_deck(parsed.chapter, "fuzz.txt")
    assert parse_deck(dump_deck(deck)) == deck
    took = time.monotonic() - started
    assert took < INPUT_BUDGET_S, f"{took:.1f} s for {len(text):,} characters: {text[:80]!r}"


@FUZZ
@given(st.text(max_size=3000))
def test_chapter_parser_on_any_text(text: str) -> None:
    TRIED["chapter text"] += 1
    _parse_clean(text)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=40)), max_size=120))
def test_chapter_parser_on_chapter_like_text(lines: list[str]) -> None:
    TRIED["chapter lines"] += 1
    _parse_clean("\n".join(lines))


@FUZZ
@given(data=st.binary(max_size=4000))
def test_read_chapter_on_any_bytes(tmp_path: Path, data: bytes) -> None:
    TRIED["chapter bytes"] += 1
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        read_chapter(path)
    except K8sprepError as error:
        assert "\n" not in str(error)


@FUZZ
@given(st.text(max_size=2000))
def test_deck_loader_on_any_text(text: str) -> None:
    TRIED["deck text"] += 1
    try:
        deck = parse_deck(text, "fuzz.yaml")
    except K8sprepError:
        return
    assert parse_deck(dump_deck(deck)) == deck


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(DECK_TEXT)), st.integers(0, 60), st.text(max_size=30)),
        min_size=1,
        max_size=8,
    )
)
def test_deck_loader_on_edited_decks(edits: list[tuple[int, int, str]]) -> None:
    TRIED["deck edits"] += 1
    text = DECK_TEXT
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    try:
        deck = parse_deck(text, "fuzz.yaml")
    except K8sprepError:
        return
    assert parse_deck(dump_deck(deck)) == deck


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Byte-level edits: cut, insert random bytes, duplicate a slice, insert a token."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        at = rng.randrange(len(out) + 1)
        choice = rng.random()
        if choice < 0.3 and out:
            del out[at : at + rng.randint(1, 200)]
        elif choice < 0.6:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice < 0.8:
            a, b = sorted((rng.randrange(len(out) + 1), rng.randrange(len(out) + 1)))
            out[at:at] = out[a:b][:500]
        else:
            out[at:at] = rng.choice(TOKENS).encode() + b"\n"
    return bytes(out)


def test_mutated_chapters_build_cleanly_or_not_at_all(tmp_path: Path) -> None:
    """Mutated seeds through the whole build: a deck is written whole, or nothing is."""
    rng = random.Random(20261126)
    out = tmp_path / "decks"
    started = time.monotonic()
    for index in range(MUTATION_INPUTS):
        if time.monotonic() - started > TIME_BUDGET_S:
            break
        source = SEED_TEXT if index % 2 else MARKDOWN_TEXT
        chapter = tmp_path / f"chapter{index % 2}.txt"
        chapter.write_bytes(_mutate(rng, source.encode()))
        TRIED["chapter mutations"] += 1
        for old in out.glob("*") if out.exists() else []:
            old.unlink()
        try:
            result = build_chapter(chapter, out)
        except K8sprepError as error:
            assert "\n" not in str(error)
            assert not out.exists() or list(out.iterdir()) == []
            continue
        assert [p.name for p in out.iterdir()] == [result.deck_path.name]
        assert load_deck(result.deck_path) == result.deck


def test_mutated_decks_load_cleanly(tmp_path: Path) -> None:
    rng = random.Random(5)
    path = tmp_path / "fuzz.yaml"
    started = time.monotonic()
    for _ in range(MUTATION_INPUTS):
        if time.monotonic() - started > TIME_BUDGET_S:
            break
        path.write_bytes(_mutate(rng, DECK_TEXT.encode()))
        TRIED["deck mutations"] += 1
        try:
            deck = load_deck(path)
        except K8sprepError:
            continue
        assert parse_deck(dump_deck(deck)) == deck


REVIEW_WORDS = ["", " ", "0", "1", "2", "3", "4", "5", "u", "s", "q", "x", "55", "-1", "\t", "é"]


def _random_lines(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 80)):
        if rng.random() < 0.8:
            lines.append(rng.choice(REVIEW_WORDS))
        else:
            lines.append("".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(1, 12))))
    return "\n".join(lines) + rng.choice(["", "\n"])


def test_piped_review_input(tmp_path: Path) -> None:
    """Random lines on stdin: every session ends cleanly and the database stays consistent."""
    rng = random.Random(7)
    db = tmp_path / "k8sprep.db"
    runner = CliRunner()
    for index in range(PIPED_SESSIONS):
        day = 1 + index // 10  # ten sessions a day: re-drills, undos and new days
        env = {"K8SPREP_NOW": f"2026-12-{day:02d}T{8 + index % 10:02d}:00"}
        lines = _random_lines(rng)
        result = runner.invoke(app, ["review", "--db", str(db)], input=lines, env=env)
        TRIED["piped review sessions"] += 1
        assert result.exception is None or isinstance(result.exception, SystemExit), lines
        assert result.exit_code == 0, (lines, result.output)
    with Store.open(f"sqlite:///{db}") as store:
        report = verify_database(store.db)
        assert report.ok, report.problems
        assert report.answers >= PIPED_SESSIONS // 2  # the input really answered cards


def test_piped_review_input_in_a_real_process(tmp_path: Path) -> None:
    rng = random.Random(11)
    db = tmp_path / "k8sprep.db"
    for index in range(3):
        data = "\n".join(_random_lines(rng) for _ in range(4)).encode()
        data += bytes(rng.randrange(256) for _ in range(200))  # and some bytes that are no text
        done = subprocess.run(
            [sys.executable, "-m", "flashcards", "review", "--db", str(db)],
            input=data,
            capture_output=True,
            timeout=120,
            env={"K8SPREP_HOME": str(tmp_path / "home"), "K8SPREP_NOW": f"2026-12-0{index + 1}"},
        )
        TRIED["piped review processes"] += 1
        assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
        assert done.returncode in (0, 1), done.stderr
        if done.returncode:
            assert done.stderr.startswith(b"k8sprep: ") and done.stderr.count(b"\n") == 1
    with Store.open(f"sqlite:///{db}") as store:
        assert verify_database(store.db).ok


# --- adversarial input: long runs of what each pattern looks for


def _modules() -> Iterator[object]:
    for package in (flashcards, exporters):
        yield package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)


def _inline_patterns(source: str) -> Iterator[re.Pattern[str]]:
    """Patterns written inline (``re.sub(r"...", ...)``), with their flags."""
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            continue
        flags = 0
        for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
            named = isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
            if named and arg.value.id == "re" and isinstance(getattr(re, arg.attr), re.RegexFlag):
                flags |= getattr(re, arg.attr)
        yield re.compile(node.args[0].value, flags)


def all_patterns() -> dict[str, re.Pattern[str]]:
    """Every regular expression of the package: module constants and inline ones."""
    found: dict[str, re.Pattern[str]] = {}
    seen: set[tuple[str, int]] = set()
    for module in _modules():
        name = getattr(module, "__name__", "?")
        named = [(f"{name}.{attr}", value) for attr, value in vars(module).items()]
        file = getattr(module, "__file__", None)
        source = Path(file).read_text("utf-8") if file else ""
        named += [(f"{name}:inline", value) for value in _inline_patterns(source)]
        for label, value in named:
            if isinstance(value, re.Pattern) and (value.pattern, value.flags) not in seen:
                seen.add((value.pattern, value.flags))
                found[label if label not in found else f"{label}{len(found)}"] = value
    return found


def adversarial_units(pattern: re.Pattern[str]) -> list[str]:
    """What to repeat: every symbol the pattern names, alone and beside a space or a
    letter, and every word it names ("level ", "time: ") — the runs a quantifier or a
    scan for a closing mark can spend itself on."""
    symbols = sorted({c for c in pattern.pattern if not c.isalnum()} | set(" \n\ta:"))
    words = sorted(set(re.findall(r"(?<![\\A-Za-z])[A-Za-z]{2,}", pattern.pattern)))
    units = [*symbols, *(c + " " for c in symbols), *(c + "a" for c in symbols)]
    units += [" " + c for c in symbols]
    units += [w + " " for w in words] + [w + ": " for w in words]
    return units


PATTERNS = all_patterns()


def test_every_pattern_is_found() -> None:
    """The audit below sees the parser's patterns, inline ones included."""
    assert len(PATTERNS) > 40
    for name in ("flashcards.parse.chapter._LEVEL", "flashcards.parse.blocks._EMPHASIS"):
        assert name in PATTERNS
    assert any(name.startswith("flashcards.model:inline") for name in PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_runs_in_linear_time(name: str) -> None:
    """Each pattern searched through long runs of its own characters stays fast."""
    pattern = PATTERNS[name]
    for unit in adversarial_units(pattern):
        for tail in ("", "!"):
            text = unit * (RUN_CHARS // len(unit)) + tail
            started = time.monotonic()
            for _ in pattern.finditer(text):
                pass
            took = time.monotonic() - started
            TRIED["pattern runs"] += 1
            assert took < PATTERN_BUDGET_S, f"{name}: {took:.2f} s on {unit!r} * n + {tail!r}"


ADVERSARIAL_RUNS = [
    "level ",
    " _a",
    "[",
    "![x](",
    "[](",
    "**a",
    "__a",
    "*a",
    "_",
    "`",
    "time ",
    "A: ",
    " A",
    "→ 1 ",
    "-> ",
    " ",
    "\t",
    " #",
    "# ",
    "!!! a ",
    "Q: ",
    "Common wrong answer to avoid ",
    ". ",
    "│ v ",
    "- ",
    "1. ",
    "a -",
    "Level: a | ",
]
"""The runs the chapter patterns look for; the issue's three (``level ``, `` _a``, ``[``)
took 7 s to minutes each at these lengths."""

CONTEXTS = {
    "site header": "05. Title — Sub\n\n{run}\n\nConcept¶\nText.\n",
    "site paragraph": "05. Title — Sub\n\nConcept¶\n{run}\n",
    "site title": "05. {run}\n\nConcept¶\nText.\n",
    "site interview": "05. T\n\nInterview Q&A¶\nQ: why? {run} A: {run}\n",
    "site bridge": "05. T\n\nConcept¶\nText.\nBridge: {run} → 6 → {run}\n",
    "markdown paragraph": "# 05. Title\n\n## Concept\n\n{run}\n",
    "markdown heading": "# 05. Title\n\n## {run}\n\nText.\n",
    "markdown bullet": "# 05. Title\n\n## Pause and recall\n\n- {run}\n",
    "markdown admonition": '# 05. Title\n\n!!! tip "{run}"\n    {run}\n',
}


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_adversarial_chapters_parse_in_time(context: str) -> None:
    """Each run, 30,000 characters of it, in each place a chapter can hold it: parsed in budget."""
    for run in ADVERSARIAL_RUNS:
        for tail in ("", "!"):
            body = run * (CHAPTER_RUN_CHARS // len(run)) + tail
            TRIED["adversarial chapters"] += 1
            _parse_clean(CONTEXTS[context].format(run=body))
