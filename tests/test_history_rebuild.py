"""A history file rebuilds a database on its own: own decks, retired cards, drill answers.

The source database is built through the store as a user would have: an own deck
imported, answers over several days (re-drills, a lapse, a drill answer), then a card
removed from the deck, which retires it with its history. Its ``history --json`` is
imported into a database that does not exist yet.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.cli.review_views import answer_record
from flashcards.errors import HistoryFileError
from flashcards.model import Deck
from flashcards.store import Store
from flashcards.store.history_export import history_json
from flashcards.store.history_io import import_history, parse_history
from flashcards.store.verify import verify_database
from tests.review_helpers import make_deck

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"
ANSWERS_ONLY = FIXTURES / "history-answers-only.json"
"""``history --json`` of tests/fixtures/schema-v1.db as the release before cards wrote it."""
START = date(2026, 11, 2)
GRADES = [(0, 4), (1, 2), (2, 5), (3, 1), (4, 3), (0, 5), (1, 4), (2, 3), (1, 5), (3, 4)]


def own_deck(drop: int | None = None) -> Deck:
    deck = make_deck(3, "own-deck", 6, title="My Own Deck")
    cards = tuple(card for i, card in enumerate(deck.cards) if i != drop)
    return Deck(deck.name, deck.chapter, cards)


def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {
            name: connection.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()
            for name in ("meta", "deck", "card", "card_state", "review_log")
        }
    finally:
        connection.close()


@pytest.fixture
def learner(tmp_path: Path) -> Path:
    """Answers to an own deck over four days; card own-deck-1 retired afterwards."""
    path = tmp_path / "learner.db"
    with Store.open(path) as store:
        store.sync_decks([own_deck()])
        for step, (card, grade) in enumerate(GRADES):
            day = START + timedelta(days=step // 4)
            moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=step)
            store.record_review(f"own-deck-{card}", time=moment, day=day, grade=grade)
            if grade < 4:  # a re-drill the same day
                later = moment + timedelta(seconds=30)
                store.record_review(f"own-deck-{card}", time=later, day=day, grade=4)
        store.record_review(
            "own-deck-5",
            time=datetime(2026, 11, 5, 10, 0),
            day=date(2026, 11, 5),
            grade=5,
            typed_answer="the typed\tanswer",
            verdict="right",
        )
        assert store.sync_decks([own_deck(drop=1)]).retired == 1
    return path


def export(db: Path, target: Path) -> Path:
    result = runner.invoke(app, ["history", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    target.write_text(result.stdout, encoding="utf-8")
    return target


def test_own_deck_and_retired_card_rebuild_into_a_new_database(
    learner: Path, tmp_path: Path
) -> None:
    history = export(learner, tmp_path / "history.json")
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(history), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2:] == [
        f"Created 6 cards from {history}.",
        f"imported 15 answers for 6 cards from {history}",
    ]
    old, new = tables(learner), tables(fresh)
    assert new["review_log"] == old["review_log"]  # every column, ids included
    own = {row[0] for row in old["card"]}
    assert [row for row in new["card"] if row[0] in own] == old["card"]
    assert [row for row in new["card_state"] if row[0] in own] == old["card_state"]
    assert ("own-deck", "03 My Own Deck", 3, "My Own Deck", None) in new["deck"]  # no file
    retired = [row for row in new["card"] if row[0] == "own-deck-1"]
    assert retired and retired[0][-1] == 1
    with Store.open(fresh) as store:
        assert verify_database(store.db).ok
    again = export(fresh, tmp_path / "again.json")
    assert json.loads(again.read_text()) == json.loads(history.read_text())
    assert runner.invoke(app, ["verify", "--db", str(fresh)]).exit_code == 0


def test_the_file_carries_each_card_once_with_its_deck(learner: Path) -> None:
    with Store.open(learner) as store:
        entries = json.loads(history_json(store.db))
        answers = list(store.history())
        retention_of = store.fsrs_retention_of()
    assert [{k: v for k, v in e.items() if k != "card"} for e in entries] == [
        answer_record(a, retention_of(a.log_id)) for a in answers
    ]
    carried = [e["card_id"] for e in entries if "card" in e]
    assert carried == list(dict.fromkeys(e["card_id"] for e in entries))
    first = next(e["card"] for e in entries if e["card_id"] == "own-deck-1")
    assert first == {
        "deck": {
            "slug": "own-deck",
            "name": "03 My Own Deck",
            "chapter": 3,
            "title": "My Own Deck",
        },
        "kind": "flow",
        "front": "Question 1 of own-deck?",
        "back": "Answer 1 of own-deck.",
        "wrong_answer": "",
        "diagram": "[a] -> [b1]",
        "tags": ["ch03", "flow"],
        "source_file": "03-own-deck.txt",
        "source_section": "Section 0",
        "position": 1,
        "retired": True,
    }
    drill = [e for e in entries if "typed_answer" in e]
    assert [(e["typed_answer"], e["verdict"]) for e in drill] == [("the typed\tanswer", "right")]


def test_a_file_of_the_first_format_imports_as_before(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(ANSWERS_ONLY), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Imported 33 cards from the bundled decks.",
        f"imported 33 answers for 12 cards from {ANSWERS_ONLY}",
    ]
    entries = json.loads(ANSWERS_ONLY.read_text())
    again = json.loads(runner.invoke(app, ["history", "--json", "--db", str(fresh)]).stdout)
    assert [{k: v for k, v in e.items() if k != "card"} for e in again] == entries
    assert runner.invoke(app, ["verify", "--db", str(fresh)]).exit_code == 0


def test_a_first_format_file_without_its_cards_still_says_which_is_missing(
    tmp_path: Path,
) -> None:
    entries = json.loads(ANSWERS_ONLY.read_text())
    entries[0]["card_id"] = "gone-card"
    path = tmp_path / "h.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(path), "--db", str(fresh)])
    assert result.exit_code == 1
    assert result.output == (
        f"k8sprep: {path}:1: card gone-card is not in the database; import its deck first "
        "(k8sprep import DECK)\n"
    )
    assert not fresh.exists()


def _edited(history: Path, target: Path, index: int, **changes: object) -> Path:
    entries = json.loads(history.read_text())
    entries[index].update(changes)
    target.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    return target


def test_a_refused_import_leaves_no_new_database_behind(learner: Path, tmp_path: Path) -> None:
    history = export(learner, tmp_path / "history.json")
    path = _edited(history, tmp_path / "edited.json", 0, grade=0)
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(path), "--db", str(fresh)])
    assert result.exit_code == 1
    assert "does not replay as recorded" in result.output
    assert result.output.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("fresh")) == []


def test_a_refused_import_leaves_an_existing_database_as_it_was(
    learner: Path, tmp_path: Path
) -> None:
    history = export(learner, tmp_path / "history.json")
    path = _edited(history, tmp_path / "edited.json", 12, redrill=True)
    existing = tmp_path / "existing.db"
    Store.open(existing).close()  # a database with no cards yet: the import would add them
    before = tables(existing)
    result = runner.invoke(app, ["history", "import", str(path), "--db", str(existing)])
    assert result.exit_code == 1
    assert "does not replay as recorded" in result.output
    assert tables(existing) == before


def test_cards_the_database_holds_keep_their_own_text(learner: Path, tmp_path: Path) -> None:
    with Store.open(learner) as store:
        text = history_json(store.db)
    edited = own_deck()
    renamed = Deck(edited.name, edited.chapter, edited.cards)
    with Store.open(tmp_path / "fresh.db") as store:
        store.sync_decks([renamed])
        store.db.run("UPDATE card SET front = 'Edited since' WHERE id = 'own-deck-0'", {})
        report = import_history(store, parse_history(text, "h.json"), "h.json")
        assert (report.answers, report.cards, report.created) == (15, 6, 0)
        assert store.get("own-deck-0").card.front == "Edited since"
        assert store.get("own-deck-1").retired is False  # the database's deck has it
        assert verify_database(store.db).ok


GOOD_CARD = {
    "deck": {"slug": "own", "name": "03 Own", "chapter": 3, "title": "Own"},
    "kind": "concept",
    "front": "Why?",
    "back": "Because.",
    "wrong_answer": "",
    "diagram": "",
    "tags": ["ch03"],
    "source_file": "03-own.txt",
    "source_section": "Intro",
    "position": 0,
    "retired": False,
}
ENTRY = {
    "id": 1,
    "card_id": "own-concept-1",
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


def _with_card(**changes: object) -> str:
    return json.dumps([{**ENTRY, "card": {**GOOD_CARD, **changes}}])


def _with_deck(**changes: object) -> str:
    return _with_card(deck={**GOOD_CARD["deck"], **changes})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (json.dumps([{**ENTRY, "card": "x"}]), "card must be an object with deck, kind"),
        (_with_card(extra=1), "unknown field 'extra' in card"),
        (json.dumps([{**ENTRY, "card": {"deck": GOOD_CARD["deck"]}}]), "card has no 'kind'"),
        (_with_card(kind="essay"), "card kind must be one of concept, definition"),
        (_with_card(front=7), "card front must be a string, got 7"),
        (_with_card(front="\x1b[2Jcleared"), "card front holds a control character"),
        (_with_card(back="x" * 100_001), "card back is longer than 100,000 characters"),
        (_with_card(tags="ch03"), "card tags must be a list of at most 100 names"),
        (_with_card(tags=["a\nb"]), "card tag holds a control character"),
        (_with_card(tags=[""]), "card tag must be a non-empty string"),
        (_with_card(position=-1), "card position must be a whole number from 0"),
        (_with_card(position=True), "card position must be a whole number"),
        (_with_card(retired="no"), "card retired must be true or false"),
        (_with_card(source_file="a" * 1001), "card source_file is longer than 1,000"),
        (_with_deck(chapter=10**7), "deck chapter must be a whole number from -999,999"),
        (_with_deck(slug="own\n"), "deck slug holds a control character"),
        (_with_deck(slug=" own"), "deck slug must be at most 1000 characters without spaces"),
        (_with_deck(name=None), "deck name must be a non-empty string, got None"),
        (_with_card(deck=[]), "card deck must be an object with slug, name, chapter, title"),
        (
            json.dumps([{**ENTRY, "card_id": "a\x07b", "card": GOOD_CARD}]),
            "card_id must be at most 1000 characters",
        ),
        (
            json.dumps([{**ENTRY, "typed_answer": "\x1b]0;title\x07", "verdict": "right"}]),
            "typed_answer holds a control character",
        ),
        (json.dumps([{**ENTRY, "verdict": "right"}]), "verdict without typed_answer"),
        (
            json.dumps([{**ENTRY, "typed_answer": "x", "verdict": "maybe"}]),
            "verdict must be one of partly, right, trap, unsure, wrong",
        ),
    ],
)
def test_hostile_card_fields_are_one_line_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(HistoryFileError) as caught:
        parse_history(text, "h.json")
    assert str(caught.value).startswith(f"h.json:1: {message}"), str(caught.value)
    assert "\n" not in str(caught.value)


def test_one_card_or_deck_described_two_ways_is_refused() -> None:
    second = {**ENTRY, "id": 2, "time": "2026-11-02T09:01:00", "redrill": True}
    second["before"] = second["after"] = ENTRY["after"]
    other = {**GOOD_CARD, "front": "Why not?"}
    text = json.dumps([{**ENTRY, "card": GOOD_CARD}, {**second, "card": other}], indent=2)
    with pytest.raises(HistoryFileError) as caught:
        parse_history(text, "h.json")
    assert str(caught.value) == (
        "h.json:45: card own-concept-1 is described two ways (first on line 2)"
    )
    renamed = {**GOOD_CARD, "deck": {**GOOD_CARD["deck"], "name": "Other"}}  # type: ignore[dict-item]
    third = {**ENTRY, "id": 3, "card_id": "own-concept-2", "card": renamed}
    text = json.dumps([{**ENTRY, "card": GOOD_CARD}, third])
    with pytest.raises(HistoryFileError, match="deck own is described two ways"):
        parse_history(text, "h.json")


@pytest.mark.parametrize("chapter", [True, 1.0])
@pytest.mark.parametrize("indent", [None, 2])
def test_a_deck_read_before_is_not_found_by_a_value_that_only_equals_it(
    chapter: object, indent: int | None
) -> None:
    """Decks are read once each; ``true`` or ``1.0`` for chapter 1 is still refused."""
    deck = {**GOOD_CARD["deck"], "chapter": 1}  # type: ignore[dict-item]

    def history(last_deck: object) -> str:
        entries = [
            {**ENTRY, "id": number, "card_id": f"own-concept-{number}", "card": {**GOOD_CARD}}
            for number in (1, 2, 3)
        ]
        for entry, value in zip(entries, (deck, dict(deck), last_deck), strict=True):
            entry["card"]["deck"] = value  # type: ignore[index]
        return json.dumps(entries, indent=indent)

    with pytest.raises(HistoryFileError, match="deck chapter must be a whole number"):
        parse_history(history({**deck, "chapter": chapter}), "h.json")
    cards = parse_history(history(dict(deck)), "h.json").cards
    assert cards[0].deck == cards[1].deck
    assert cards[1].deck is cards[2].deck  # read once


def test_an_empty_database_is_built_from_cards_alone(tmp_path: Path) -> None:
    text = json.dumps([{**ENTRY, "card": {**GOOD_CARD, "retired": True}}])
    with Store.open(tmp_path / "f.db") as store:
        report = import_history(store, parse_history(text, "h.json"), "h.json")
        assert (report.answers, report.cards, report.created) == (1, 1, 1)
        card = store.get("own-concept-1")
        assert (card.retired, card.deck, card.chapter, card.state.due) == (
            True,
            "own",
            3,
            date(2026, 11, 3),
        )
        assert verify_database(store.db).ok


CARD_CHANGES = [
    {},
    {"front": ""},
    {"front": 7},
    {"kind": "no-such-kind"},
    {"tags": "ch03"},
    {"retired": 1},
    {"position": -1},
    {"deck": {"slug": "own-deck"}},
    {"deck": {"slug": "own-deck", "name": "x", "chapter": 3, "title": "y"}},  # two ways
    {"extra": 1},
]


@pytest.mark.parametrize("change", CARD_CHANGES)
def test_exported_cards_are_read_the_same_fast_and_fully(
    learner: Path, change: dict[str, object]
) -> None:
    """The one-line reader and the full reader agree on every card, good or edited."""
    from flashcards.store.history_io import _parse

    with Store.open(learner) as store:
        text = history_json(store.db)
    lines = text.split("\n")
    carrying = [i for i, line in enumerate(lines) if '"card": {' in line]
    assert len(carrying) == 6  # one line per card: the export's own layout
    line = lines[carrying[-1]]
    entry = json.loads(line.removesuffix(","))
    entry["card"] = {**entry["card"], **change}
    lines[carrying[-1]] = json.dumps(entry, ensure_ascii=False) + (
        "," if line.endswith(",") else ""
    )
    edited = "\n".join(lines)

    def read(fast: bool) -> object:
        try:
            return _parse(edited, "h.json", fast=fast)[:-1]
        except HistoryFileError as error:
            return str(error)

    assert read(True) == read(False)
    if not change:
        assert not isinstance(read(True), str)


def test_the_file_is_ascii_and_gives_back_every_character(tmp_path: Path) -> None:
    """Characters beyond ASCII travel as escapes and come back as they were."""
    from dataclasses import replace

    deck = own_deck()
    front = "Pods — the smallest unit → schedule, «naïve» 🚀?"
    deck = replace(deck, cards=(replace(deck.cards[0], front=front), *deck.cards[1:]))
    learner = tmp_path / "learner.db"
    with Store.open(learner) as store:
        store.sync_decks([deck])
        store.record_review(
            "own-deck-0", time=datetime(2026, 11, 2, 9), day=date(2026, 11, 2), grade=4
        )
    history = export(learner, tmp_path / "history.json")
    text = history.read_text(encoding="utf-8")
    assert text.isascii() and "\x7f" not in text
    assert "\\u2014" in text and "\\ud83d\\ude80" in text
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["history", "import", str(history), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    [card] = [row for row in tables(fresh)["card"] if row[0] == "own-deck-0"]
    assert card[5] == front  # the front as it was


TAMPERED = [
    "",  # as the store wrote it
    "UPDATE review_log SET answered_at = answered_at || '.250000' WHERE id = 3",
    "UPDATE review_log SET before_due = '2026-11-0\"' WHERE id = 4",
    "UPDATE review_log SET after_due = NULL, after_easiness = -5 WHERE id = 5",
    "UPDATE review_log SET grade = '4' WHERE id = 6",  # text that reads as a whole number
    "UPDATE review_log SET answer_ms = 9223372036854775807, redrill = 7 WHERE id = 7",
    "UPDATE review_log SET verdict = 'right' WHERE id = 8",
    "UPDATE review_log SET day = '2026-11-02 ' WHERE id = 9",  # written by Python: all lines
    "UPDATE review_log SET card_id = 'own-deck-\u00e9' WHERE id = 10",
    "DELETE FROM deck WHERE slug = 'own-deck'",  # cards without their deck: no card record
]


@pytest.mark.parametrize("tamper", TAMPERED)
def test_lines_written_by_sql_are_the_lines_python_writes(learner: Path, tamper: str) -> None:
    """The export's SQL writes each plain answer byte for byte as the Python loop does,
    and leaves every other answer to it."""
    from flashcards.store.history_export import _history_json, _plain_names

    if tamper:
        connection = sqlite3.connect(learner)
        connection.execute(tamper)
        connection.commit()
        connection.close()
    with Store.open(learner) as store:
        assert _plain_names(store.db) == ("day =" not in tamper and "card_id =" not in tamper)
        for card in (None, "own-deck-0", "own-deck-5"):
            in_sql = _history_json(store.db, card)
            assert in_sql == _history_json(store.db, card, in_sql=False)
        assert len(json.loads(_history_json(store.db, None))) == 15


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE deck SET chapter = 'five'",
        "UPDATE card SET tags = 'not json'",
        "UPDATE review_log SET card_id = CAST(card_id AS BLOB) WHERE id = 2",
        "UPDATE review_log SET grade = 'four' WHERE id = 3",
    ],
)
def test_a_value_k8sprep_never_writes_is_one_line_not_a_traceback(
    learner: Path, tamper: str
) -> None:
    connection = sqlite3.connect(learner)
    with connection:
        connection.execute(tamper)
    connection.close()
    result = runner.invoke(app, ["history", "--json", "--db", str(learner)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("k8sprep: cannot write the history: the database holds")
    assert result.stderr.count("\n") == 1


def schema_of(path: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        connection.close()


def test_the_import_leaves_the_schema_as_a_new_database_has_it(
    learner: Path, tmp_path: Path
) -> None:
    history = export(learner, tmp_path / "history.json")
    fresh, empty = tmp_path / "fresh.db", tmp_path / "empty.db"
    Store.open(empty).close()
    result = runner.invoke(app, ["history", "import", str(history), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert schema_of(fresh) == schema_of(empty)
    connection = sqlite3.connect(fresh)  # the indexes hold every answer
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    plan = connection.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM review_log WHERE card_id = 'own-deck-0'"
    ).fetchall()
    connection.close()
    assert "ix_review_log_card" in str(plan)


def test_a_failed_bulk_write_rolls_back_the_dropped_indexes(tmp_path: Path) -> None:
    from flashcards.store.history_replay import _indexes_made_after

    path = tmp_path / "x.db"
    Store.open(path).close()
    before = schema_of(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError), _indexes_made_after(connection, "review_log"):
        assert "ix_review_log_card" not in str(schema_of_connection(connection))
        connection.execute("INSERT INTO review_log (id) VALUES (1)")  # NOT NULL columns
    connection.execute("ROLLBACK")
    connection.close()
    assert schema_of(path) == before


def schema_of_connection(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    return connection.execute("SELECT name FROM sqlite_master").fetchall()
