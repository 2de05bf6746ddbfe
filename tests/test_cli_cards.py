"""``k8sprep cards`` and short card ids, through the real CLI on real SQLite files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.cli.cards_views import HEADER, card_lines
from flashcards.cli.wrap import display_width
from flashcards.model import Card, ChapterInfo, Deck, Kind, Source
from flashcards.schedule.leech import LeechRule
from flashcards.schedule.records import CardState, StoredCard
from flashcards.store import Store
from flashcards.store.card_ids import hash_part, matching, short_ids
from tests.conftest import BUNDLED_DECK
from tests.review_helpers import k8sprep_env, run_k8sprep, write_deck

runner = CliRunner()
NOW = "2026-11-26T09:30:00"
BUNDLED = yaml.safe_load(BUNDLED_DECK.read_text(encoding="utf-8"))["cards"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SPREP_NOW", NOW)


@pytest.fixture
def db(isolated_home: Path) -> Path:
    return isolated_home / "k8sprep.db"


def k8sprep(*args: object, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def card(card_id: str, front: str, kind: Kind = Kind.CONCEPT, back: str = "An answer.") -> Card:
    return Card(card_id, kind, front, back, ("ch01",), Source("01-twins.txt", "Twins"))


TWINS = Deck(
    "01 Twins",
    ChapterInfo(1, "twins", "Twins"),
    (
        card("twins-concept-abc1230000", "First twin?"),
        card("twins-flow-abc4560000", "Second twin?", Kind.FLOW),
        card("twins-recall-ffff000000", "Odd one out?", Kind.RECALL),
    ),
)


def import_twins(tmp_path: Path) -> None:
    assert k8sprep("import", write_deck(tmp_path / "decks", TWINS))[0] == 0


# --- listing and searching


def test_cards_lists_every_card_with_its_short_id(db: Path) -> None:
    k8sprep("import", BUNDLED_DECK)
    code, out, err = k8sprep("cards")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == list(HEADER)
    assert lines[-1] == f"{len(BUNDLED)} cards"
    rows = lines[1:-1]
    assert len(rows) == len(BUNDLED)
    for row, expected in zip(rows, BUNDLED, strict=True):  # deck order
        short, kind, *_ = row.split()
        assert short == hash_part(expected["id"]) and kind == expected["kind"]
        assert row.endswith(expected["front"].splitlines()[0])
        assert "  new    -       0  " in row


def test_text_search_is_case_insensitive_over_front_and_back(db: Path) -> None:
    k8sprep("import", BUNDLED_DECK)
    front = {c["id"] for c in BUNDLED if "volume" in c["front"].lower()}
    back = {c["id"] for c in BUNDLED if "volume" in c["back"].lower()}
    assert front and back - front  # the word is on both sides, on some backs alone
    found = json.loads(k8sprep("cards", "VoLuMe", "--json")[1])
    assert {c["id"] for c in found} == front | back
    assert k8sprep("cards", "no such words anywhere") == (0, "No cards match.\n", "")


def test_kind_and_deck_filters_and_their_errors(db: Path, tmp_path: Path) -> None:
    k8sprep("import", BUNDLED_DECK)
    import_twins(tmp_path)
    flows = json.loads(k8sprep("cards", "--kind", "flow", "--deck", "5", "--json")[1])
    assert {c["id"] for c in flows} == {c["id"] for c in BUNDLED if c["kind"] == "flow"}
    twins = json.loads(k8sprep("cards", "--deck", "twins", "--json")[1])
    assert [c["id"] for c in twins] == [c.id for c in TWINS.cards]
    code, out, err = k8sprep("cards", "--kind", "essay")
    assert (code, out) == (1, "")
    assert err == (
        "k8sprep: no kind 'essay' (kinds: concept, definition, flow, recall, interview, practice)\n"
    )
    code, _, err = k8sprep("cards", "--deck", "99")
    assert code == 1 and err == (
        "k8sprep: no deck '99' (decks: 01 Twins, 05 Storage in Kubernetes)\n"
    )


def test_suspended_and_due_filters(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_twins(tmp_path)
    assert k8sprep("card", "ffff", "--suspend")[0] == 0
    suspended = json.loads(k8sprep("cards", "--suspended", "--json")[1])
    assert [c["id"] for c in suspended] == ["twins-recall-ffff000000"]
    assert "suspended" in k8sprep("cards", "--suspended")[1].splitlines()[1]
    k8sprep("review", stdin="5\n5\n")  # the two others, due tomorrow
    assert k8sprep("cards", "--due")[1] == "No cards match.\n"
    monkeypatch.setenv("K8SPREP_NOW", "2026-11-27T09:30:00")
    due = json.loads(k8sprep("cards", "--due", "--json")[1])
    assert [c["id"] for c in due] == [c.id for c in TWINS.cards[:2]]
    assert all(c["state"]["due"] == "2026-11-27" and c["state"]["interval"] == 1 for c in due)
    row = k8sprep("cards", "--due")[1].splitlines()[1]
    assert "  2026-11-27   1d       0  First twin?" in row


def test_json_has_every_field(db: Path, tmp_path: Path) -> None:
    import_twins(tmp_path)
    first = json.loads(k8sprep("cards", "First", "--json")[1])
    assert first == [
        {
            "id": "twins-concept-abc1230000",
            "short_id": "abc1230000",
            "slug": "twins",
            "deck": "01 Twins",
            "deck_file": str((tmp_path / "decks" / "01-twins.yaml").resolve()),
            "chapter": 1,
            "kind": "concept",
            "front": "First twin?",
            "back": "An answer.",
            "wrong_answer": "",
            "diagram": "",
            "tags": ["ch01"],
            "source": {"file": "01-twins.txt", "section": "Twins"},
            "retired": False,
            "suspended": False,
            "state": {
                "repetitions": 0,
                "interval": 0,
                "easiness": "2.50",
                "due": None,
                "lapses": 0,
            },
            "last_review": None,
            "leech": False,
        }
    ]


def test_no_database_lists_nothing_and_creates_nothing(isolated_home: Path) -> None:
    assert k8sprep("cards") == (0, "No cards match.\n", "")
    assert not (isolated_home / "k8sprep.db").exists()


def test_rows_fit_the_terminal_and_carry_no_control_characters() -> None:
    long = "\x1b[2J" + "How does a very long question about volumes end " * 4
    stored = [
        StoredCard(card(f"deck-concept-{n:010d}", long), "deck", "\x1b]0;x\a" + "N" * 40, 1,
                   False, CardState())
        for n in range(3)
    ]  # fmt: skip
    shown = short_ids([s.card.id for s in stored])
    for width in (100, 80, 60, 30):
        lines = card_lines(stored, shown, LeechRule(), width=width)
        assert all(display_width(line) <= width for line in lines), width
        assert lines[1].endswith("…")
        assert not any(char in line for line in lines for char in "\x1b\a")
    headers = {w: card_lines(stored, shown, LeechRule(), width=w)[0].split() for w in (40, 60, 200)}
    assert headers == {
        40: ["ID", "DUE", "FRONT"],  # deck, interval, lapses and kind make room for the front
        60: ["ID", "KIND", "DUE", "LAPSES", "FRONT"],
        200: list(HEADER),
    }
    whole = card_lines(stored, shown, LeechRule(), width=None)
    assert whole[1].endswith("How does a very long question about volumes end")
    assert "N" * 40 in whole[1]


# --- short ids


def test_matching_rules() -> None:
    ids = ["twins-concept-abc1230000", "twins-flow-abc4560000", "abc", "x-abcdef"]
    assert matching(ids, "abc") == ["abc"]  # a whole id wins
    assert matching(ids, "abc1") == ["twins-concept-abc1230000"]
    assert matching(ids, "abcd") == ["x-abcdef"]
    assert matching(ids, "twins-f") == ["twins-flow-abc4560000"]
    assert matching(ids, "ab") == sorted(ids)
    assert matching(ids, "") == matching(ids, "zzz") == []
    assert short_ids(ids) == {
        "twins-concept-abc1230000": "abc1230000",
        "twins-flow-abc4560000": "abc4560000",
        "abc": "abc",
        "x-abcdef": "abcdef",
    }


def test_short_ids_are_the_hash_part_unless_shared() -> None:
    ids = ["a-concept-0123456789", "b-concept-0123456789", "a-flow-9876543210", "plain"]
    assert short_ids(ids) == {
        "a-concept-0123456789": "a-concept-0123456789",
        "b-concept-0123456789": "b-concept-0123456789",
        "a-flow-9876543210": "9876543210",
        "plain": "plain",
    }
    for card_id, short in short_ids(ids).items():
        assert matching(ids, short) == [card_id]


@given(
    st.lists(
        st.text("ab-", min_size=1, max_size=6).filter(lambda t: not t.endswith("-")),
        min_size=1,
        max_size=30,
        unique=True,
    )
)
def test_every_short_id_names_its_card_alone(ids: list[str]) -> None:
    for card_id, short in short_ids(ids).items():
        assert matching(ids, short) == [card_id], (card_id, short)
        assert short in (card_id, hash_part(card_id))


def test_the_bundled_short_ids_name_their_cards(db: Path) -> None:
    k8sprep("import", BUNDLED_DECK)
    with Store.open(db) as store:
        shown = store.short_ids()
        assert len(shown) == len(BUNDLED)
        assert all(short == hash_part(card_id) for card_id, short in shown.items())
        assert all(store.resolve_card(short) == card_id for card_id, short in shown.items())
        assert all(store.resolve_card(card_id) == card_id for card_id in shown)


def test_every_command_taking_a_card_id_takes_a_short_one(db: Path, tmp_path: Path) -> None:
    k8sprep("import", BUNDLED_DECK)
    full = next(c["id"] for c in BUNDLED if c["kind"] == "interview")
    short = hash_part(full)
    assert json.loads(k8sprep("card", short, "--json")[1])["id"] == full
    assert json.loads(k8sprep("card", short[:6], "--suspend", "--json")[1])["suspended"]
    assert not json.loads(k8sprep("card", full[:-3], "--unsuspend", "--json")[1])["suspended"]
    k8sprep("review", "--new", "1", stdin="4\n")
    first = BUNDLED[0]["id"]
    history = json.loads(k8sprep("history", "--card", hash_part(first)[:5], "--json")[1])
    assert [(h["card_id"], h["grade"]) for h in history] == [(first, 4)]
    graded = k8sprep("grade", short, "--answer", "They hide storage details", "--json")
    assert graded[0] == 0 and "verdict" in json.loads(graded[1])
    from_file = k8sprep("grade", short[:7], "--deck", BUNDLED_DECK, "--answer", "x", "--json")
    assert from_file[0] == 0, from_file[2]


def test_ambiguous_and_unknown_short_ids_say_so(db: Path, tmp_path: Path) -> None:
    import_twins(tmp_path)
    expected = (
        "k8sprep: 'abc' matches 2 cards: twins-concept-abc1230000, twins-flow-abc4560000; "
        "type more of the id\n"
    )
    for args in (
        ("card", "abc"),
        ("card", "abc", "--suspend"),
        ("history", "--card", "abc"),
        ("grade", "abc", "--answer", "x"),
    ):
        assert k8sprep(*args) == (1, "", expected), args
    deck_file = tmp_path / "decks" / "01-twins.yaml"
    code, _, err = k8sprep("grade", "abc", "--deck", deck_file, "--answer", "x")
    assert code == 1 and err == f"k8sprep: {deck_file}: " + expected.removeprefix("k8sprep: ")
    assert k8sprep("card", "abc4")[0] == 0
    unknown = "k8sprep: no card with id 'zzz' (`k8sprep cards` lists the cards and their ids)\n"
    assert k8sprep("card", "zzz") == (1, "", unknown)
    assert k8sprep("history", "--card", "zzz") == (1, "", unknown)
    with Store.open(db) as store:  # suspending an ambiguous id changed nothing
        assert not any(s.state.suspended for s in store.listed_cards())


def test_wildcards_in_a_short_id_are_plain_characters(db: Path, tmp_path: Path) -> None:
    import_twins(tmp_path)
    for text in ("%", "_", "abc%", "twins-_"):
        code, _, err = k8sprep("card", text)
        assert code == 1 and err.startswith(f"k8sprep: no card with id {text!r}"), text


def test_cards_in_a_real_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = k8sprep_env(home, NOW)
    assert run_k8sprep(["import", str(BUNDLED_DECK)], env=env).returncode == 0
    result = run_k8sprep(["cards", "--kind", "interview"], env=env)
    assert result.returncode == 0, result.stderr
    interviews = [c for c in BUNDLED if c["kind"] == "interview"]
    assert result.stdout.splitlines()[-1] == f"{len(interviews)} cards"
    assert "\x1b" not in result.stdout
