"""``history --json`` written out, then ``history import`` into a fresh database."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flashcards
from flashcards.cli import app
from flashcards.errors import HistoryFileError, StoreError
from flashcards.store import Store
from flashcards.store.history_io import import_history, parse_history
from flashcards.store.verify import verify_database

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v1.db"
ANSWERS_ONLY = Path(__file__).parent / "fixtures" / "history-answers-only.json"
"""``history --json`` of the FIXTURE learner as the release before the cards wrote it."""
STATE_COLUMNS = (
    "card_id, repetitions, interval_days, easiness, due, lapses, last_review, last_day, last_grade"
)
LOG_COLUMNS = (
    "card_id, answered_at, day, grade, redrill, answer_ms, before_repetitions, "
    "before_interval, before_easiness, before_due, before_lapses, after_repetitions, "
    "after_interval, after_easiness, after_due, after_lapses"
)


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture
def learner(tmp_path: Path) -> Path:
    """Two weeks of answers (re-drills, a lapse, an undo), upgraded to this release."""
    path = tmp_path / "learner.db"
    shutil.copyfile(FIXTURE, path)
    flashcards.upgrade(path, backup_dir=None)
    return path


@pytest.fixture
def history_file(learner: Path, tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, ["history", "--json", "--db", str(learner)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "history.json"
    path.write_text(result.output, encoding="utf-8")
    return path


def test_round_trip_rebuilds_every_state_and_log_row(
    learner: Path, history_file: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.db"
    Store.open(f"sqlite:///{fresh}").close()
    runner = CliRunner()
    result = runner.invoke(app, ["history", "import", str(history_file), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"imported 33 answers for 12 cards from {history_file}"
    )
    order = "ORDER BY card_id"
    learned = rows(learner, f"SELECT {STATE_COLUMNS} FROM card_state {order}")
    rebuilt = rows(fresh, f"SELECT {STATE_COLUMNS} FROM card_state {order}")
    # the fresh database holds today's bundled deck, which has cards the learner never saw
    known = {row[0] for row in learned}
    assert [row for row in rebuilt if row[0] in known] == learned
    assert all(row[1:4] == (0, 0, 250) for row in rebuilt if row[0] not in known)
    assert rows(fresh, f"SELECT {LOG_COLUMNS} FROM review_log ORDER BY id") == rows(
        learner, f"SELECT {LOG_COLUMNS} FROM review_log ORDER BY id"
    )
    with Store.open(f"sqlite:///{fresh}") as store:
        assert verify_database(store.db).ok
    again = runner.invoke(app, ["history", "--json", "--db", str(fresh)])
    exported = json.loads(again.output)
    original = json.loads(history_file.read_text())
    # each card's text is the bundled deck's, which the fresh database was given first
    assert [{k: v for k, v in e.items() if k not in ("id", "card")} for e in exported] == [
        {k: v for k, v in e.items() if k not in ("id", "card")} for e in original
    ]
    assert [e["card_id"] for e in exported if "card" in e] == list(
        dict.fromkeys(e["card_id"] for e in original)
    )


def test_history_command_itself_still_works(learner: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["history", "--db", str(learner)])
    assert text.exit_code == 0 and len(text.output.splitlines()) == 33
    card = "storage-in-kubernetes-concept-ee5ed1158f"
    one = runner.invoke(app, ["history", "--json", "--card", card, "--db", str(learner)])
    assert one.exit_code == 0
    assert {entry["card_id"] for entry in json.loads(one.output)} == {card}
    unknown = runner.invoke(app, ["history", "--card", "nope", "--db", str(learner)])
    assert unknown.exit_code == 1
    assert unknown.output.startswith("k8sprep: no card with id 'nope'")


def test_import_into_a_database_with_answers_is_refused(learner: Path, history_file: Path) -> None:
    before = rows(learner, "SELECT * FROM review_log")
    result = CliRunner().invoke(app, ["history", "import", str(history_file), "--db", str(learner)])
    assert result.exit_code == 1
    assert result.output == (
        f"k8sprep: {learner}: already has 33 answers; import a history into a fresh "
        "database (--db new.db), so that no answer is counted twice\n"
    )
    assert rows(learner, "SELECT * FROM review_log") == before


def _edited(history_file: Path, tmp_path: Path, index: int, **changes: object) -> Path:
    entries = json.loads(history_file.read_text())
    entries[index].update(changes)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    return path


def _line_of_entry(path: Path, index: int) -> int:
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == "  {"]
    return starts[index]


@pytest.mark.parametrize(
    ("index", "changes"),
    [
        (2, {"grade": 5}),  # replays to other states than the file says
        (9, {"redrill": False}),
        (20, {"day": "2026-11-05", "time": "2026-11-05T09:20:00"}),  # the time agrees
    ],
)
def test_an_edited_history_is_refused_and_nothing_is_written(
    history_file: Path, tmp_path: Path, index: int, changes: dict[str, object]
) -> None:
    path = _edited(history_file, tmp_path, index, **changes)
    fresh = tmp_path / "fresh.db"
    result = CliRunner().invoke(app, ["history", "import", str(path), "--db", str(fresh)])
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith(f"k8sprep: {path}:")
    assert "does not replay as recorded" in last and last.endswith("nothing imported")
    line = int(re.search(r"\.json:(\d+): ", last).group(1))  # type: ignore[union-attr]
    assert line <= _line_of_entry(path, index)  # this entry, or an earlier one of its card
    assert not fresh.exists()  # the database the import would have made is not left behind


def test_a_cut_history_is_refused(history_file: Path, tmp_path: Path) -> None:
    entries = json.loads(history_file.read_text())
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(entries[:3] + entries[4:], indent=2))  # one answer lost
    with Store.open(f"sqlite:///{tmp_path / 'fresh.db'}") as store:
        from flashcards.files.decks import load_decks

        store.sync_decks(load_decks())
        with pytest.raises(HistoryFileError, match="does not replay as recorded"):
            import_history(store, parse_history(path.read_text(), str(path)), str(path))
        assert list(store.history()) == []


def test_unknown_cards_are_named_with_their_line(tmp_path: Path) -> None:
    """A file of the first format (no cards in it) needs the cards in the database."""
    path = _edited(ANSWERS_ONLY, tmp_path, 2, card_id="gone-card")
    with Store.open(f"sqlite:///{tmp_path / 'fresh.db'}") as store:
        from flashcards.files.decks import load_decks

        store.sync_decks(load_decks())
        with pytest.raises(HistoryFileError) as caught:
            import_history(store, parse_history(path.read_text(), str(path)), str(path))
    assert str(caught.value) == (
        f"{path}:{_line_of_entry(path, 2)}: card gone-card is not in the database; "
        "import its deck first (k8sprep import DECK)"
    )


def test_empty_history_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]\n")
    result = CliRunner().invoke(
        app, ["history", "import", str(path), "--db", str(tmp_path / "fresh.db")]
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == f"imported 0 answers for 0 cards from {path}"


GOOD = {
    "id": 1,
    "card_id": "c",
    "time": "2026-11-02T09:00:00",
    "day": "2026-11-02",
    "grade": 4,
    "redrill": False,
    "answer_ms": 900,
    "before": {"repetitions": 0, "interval": 0, "easiness": "2.50", "due": None, "lapses": 0},
    "after": {
        "repetitions": 1,
        "interval": 1,
        "easiness": "2.50",
        "due": "2026-11-03",
        "lapses": 0,
    },
}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "h.json:1: not a review history: expected a JSON list (k8sprep history --json)"),
        ('{"a": 1}', "h.json:1: not a review history: expected a JSON list"),
        ("[\n  1,\n  {", "h.json:2: each answer must be a JSON object"),
        ('[\n\n  {"id": }', "h.json:3: not valid JSON: Expecting value"),
        ("[\n  {}", "h.json:2: answer has no 'id'"),
        (json.dumps([{**GOOD, "extra": 1}]), "h.json:1: unknown field 'extra'"),
        (json.dumps([{**GOOD, "grade": 6}]), "h.json:1: grade must be from 0 to 5, got 6"),
        (json.dumps([{**GOOD, "grade": True}]), "h.json:1: grade must be a whole number"),
        (json.dumps([{**GOOD, "time": "soon"}]), "h.json:1: time must be an ISO 8601 time"),
        (
            json.dumps([{**GOOD, "time": "2026-11-02T09:00:00+02:00"}]),
            "h.json:1: time must be a local time without a zone",
        ),
        (json.dumps([{**GOOD, "day": "2026-13-02"}]), "h.json:1: day must be a date"),
        (
            json.dumps([{**GOOD, "before": {**GOOD["before"], "easiness": 2.5}}]),  # type: ignore[dict-item]
            "h.json:1: before: easiness 2.5",
        ),
        (
            json.dumps([{**GOOD, "after": {**GOOD["after"], "easiness": "1.0"}}]),  # type: ignore[dict-item]
            "h.json:1: after: easiness must be at least 1.30",
        ),
        (
            json.dumps([GOOD, GOOD], indent=2),
            "h.json:25: answer id 1 appears twice (first on line 2)",
        ),
        ("[" + json.dumps(GOOD) + "] x", "h.json:1: not valid JSON: text after the list"),
        ("[" * 100_000, "h.json:1: not valid JSON: nested too deeply"),
    ],
)
def test_broken_history_files(text: str, message: str) -> None:
    with pytest.raises(HistoryFileError) as caught:
        parse_history(text, "h.json")
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_non_utf8_history_file(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_bytes(b"[\xff]")
    result = CliRunner().invoke(
        app, ["history", "import", str(path), "--db", str(tmp_path / "f.db")]
    )
    assert result.exit_code == 1
    assert result.output == f"k8sprep: {path}: not UTF-8 text\n"


def test_store_with_answers_is_refused_by_the_library(learner: Path) -> None:
    with Store.open(f"sqlite:///{learner}") as store, pytest.raises(StoreError):
        import_history(store, [], "h.json")


def _second(**changes: object) -> str:
    """GOOD, then a re-drill: its day and states are known by then (the fast way's)."""
    second = {
        **GOOD,
        "id": 2,
        "time": "2026-11-02T10:00:00",
        "grade": 3,
        "redrill": True,
        "before": GOOD["after"],
        "after": GOOD["after"],
    }
    for key, value in changes.items():
        if key in ("before", "after") and isinstance(value, dict):
            second[key] = {**second[key], **value}  # type: ignore[dict-item]
        else:
            second[key] = value
    return json.dumps([GOOD, second], indent=2)


SAME_WAY_BOTH_WAYS = [
    _second(),
    _second(grade=True),
    _second(grade=4.0),
    _second(id=True),
    _second(redrill=0),
    _second(answer_ms=-1),
    _second(card_id=" "),
    _second(card_id=None),
    _second(day="2026-11-33"),
    _second(day="20261102"),  # another spelling of a date
    _second(time="2026-11-02 10:00:00"),  # accepted, stored as canonical
    _second(time="2026-11-02T10:00"),
    _second(time="2026-11-02T25:00:00"),
    _second(time="2026-11-03T01:30:00"),  # before the rollover: still study day 2
    _second(time="2026-11-03T23:30:00"),
    _second(time="2026-11-02T10:00:00.5"),
    _second(before={"repetitions": True}),  # True == 1: must not find the known state
    _second(before={"repetitions": 1.0}),
    _second(before={"interval": True}),
    _second(before={"lapses": False}),
    _second(before={"easiness": "2.5"}),  # another spelling of 2.50
    _second(before={"easiness": 2.5}),
    _second(before={"easiness": "NaN"}),
    _second(before={"easiness": [1]}),
    _second(before={"due": ["2026-11-03"]}),
    _second(before={"due": "20261103"}),
    _second(before={"extra": 1}),
    _second(before=[1, 1, "2.50", None, 0]),
    json.dumps(  # the known state with its fields in another order
        [GOOD, {**json.loads(_second())[1], "before": dict(reversed(GOOD["after"].items()))}]  # type: ignore[attr-defined]
    ),
    _second(after={"repetitions": 10**30}),
    _second(after={"interval": 0}),
    _second(extra=1),
    _second(card={"deck": "x"}),
    _second(typed_answer="k get pods", verdict="right"),
    _second(scheduler="fsrs", desired_retention=0.9),
    _second(scheduler="fsrs", desired_retention=float("nan")),
    json.dumps([GOOD, 7]),
    json.dumps([GOOD, {**GOOD, "id": 0, "grade": 5}]),  # out of order: sorted by id
    json.dumps([GOOD, {**GOOD, "grade": 5}], indent=2),  # an id twice
]


AS_THE_EXPORT_WRITES_THEM = [
    _second(before={"interval": 0}),  # passed once with no interval
    _second(after={"repetitions": 0, "interval": 0}),
    _second(before={"easiness": "1.29"}),
    _second(before={"easiness": "1.30"}),
    _second(before={"easiness": "9.99"}),
    _second(before={"easiness": "0.00"}),
    _second(before={"due": "2026-02-30"}),
    _second(before={"due": "2026-11-04"}),
    _second(before={"lapses": 2**63}),
    _second(before={"lapses": 2**63 - 1}),
    _second(before={"repetitions": 2**63}),
    _second(id=2**63),
    _second(id=2**63 - 1),
    _second(answer_ms=10**19),
    _second(card_id="c\u00e9"),
    _second(card_id='c"'),
    _second(time="2026-11-02T10:00:60"),
    _second(time="2026-11-01T10:00:00"),
    _second(grade=6),
]


def _one_answer_a_line(text: str) -> str:
    """The same answers, one a line, as ``k8sprep history --json`` writes them."""
    return "[\n" + ",\n".join(json.dumps(entry) for entry in json.loads(text)) + "\n]"


CANONICAL_BOTH_WAYS = [
    _one_answer_a_line(text)
    for text in SAME_WAY_BOTH_WAYS + AS_THE_EXPORT_WRITES_THEM
    if isinstance(json.loads(text), list)
]


def test_the_export_is_read_by_the_one_line_reader() -> None:
    """The answers of ``history --json`` take the fast way, not the JSON decoder's."""
    from flashcards.store import history_io

    first, second = json.dumps(GOOD), json.dumps({**GOOD, "id": 2})
    text = f"{first},\n{second}\n]"
    builder = history_io._Builder(history_io._Reader("h.json", history_io.Lines([])), True)
    builder.days["2026-11-02"] = ("2026-11-02", date(2026, 11, 2))
    starts: list[int] = []
    assert builder.add_canonical(text, 0, starts) == (len(text) - 2, False)
    assert starts == [0, len(first) + 2]
    assert builder.rows[0][:6] == ("c", "2026-11-02T09:00:00", "2026-11-02", 4, False, 900)
    assert builder.afters[1] == (1, 1, 250, "2026-11-03", 0)
    indented = json.dumps(GOOD, indent=1)  # not the export's layout: for the JSON decoder
    assert builder.add_canonical(indented, 0, starts) == (0, True)
    assert len(builder.rows) == 2


@pytest.mark.parametrize("text", SAME_WAY_BOTH_WAYS + CANONICAL_BOTH_WAYS)
def test_the_fast_checks_accept_and_refuse_as_the_full_reader(text: str) -> None:
    """The cheap checks on known days and states read what the full reader reads, or leave
    the answer to it: the same rows, or the same one-line message."""
    from flashcards.store.history_io import _parse

    def read(fast: bool) -> object:
        try:
            return _parse(text, "h.json", fast=fast)[:-1]  # all but the line finder
        except HistoryFileError as error:
            return str(error)

    fast, full = read(True), read(False)
    assert fast == full
    assert fast == read(True)  # and the same again: nothing learnt wrongly on the way


def test_the_fast_checks_share_one_tuple_per_state(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashcards.store import history_io

    full = history_io._Reader.entry
    seen: list[int] = []

    def counted(reader: history_io._Reader, value: object, index: int) -> object:
        seen.append(index)
        return full(reader, value, index)

    monkeypatch.setattr(history_io._Reader, "entry", counted)
    parsed = parse_history(_second(before={"easiness": "2.5"}), "h.json")
    assert seen == [0]  # the second answer passed the cheap checks alone
    assert parsed.befores[1] is parsed.afters[0]  # "2.5" and "2.50" are one state
    assert parsed.rows[1][6:11] == parsed.befores[1] == (1, 1, 250, "2026-11-03", 0)
