"""Progress both ways with the real Anki backend: ``export anki --with-progress`` and
``import-anki``.

Anki's backend reads the real clock, so the answers here are given on study days
counted back from the real today; due dates are compared as days from today on
both sides, which is what "due on the same day" means.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from genanki.util import guid_for
from typer.testing import CliRunner

from flashcards.cli import app
from flashcards.parse.deckfile import dump_deck
from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.verify import verify_database
from tests.export_samples import anki_collection, storage_deck

runner = CliRunner()
FAR_ZONE = "Pacific/Chatham"
CONCEPT, FLOW, RECALL, TRAP, PLAIN, PRACTICE = (card.id for card in storage_deck().cards)
TODAY = study_day(datetime.now())


def at(days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute))


# (card, days ago, grade): the log the tests give k8sprep.
ANSWERS = [
    (CONCEPT, 10, 4),  # then 4 again: interval 6, due 3 days ago (overdue)
    (CONCEPT, 9, 4),
    (FLOW, 1, 4),  # interval 1: due today
    (RECALL, 5, 5),
    (RECALL, 4, 1),  # a lapse, then a re-drill the same day
    (RECALL, 4, 4),
    (TRAP, 0, 3),  # answered today: due tomorrow; its "Spot the trap" card stays new
    (PRACTICE, 2, 4),  # suspended below
]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "decks" / "05-storage-in-kubernetes.yaml"
    path.parent.mkdir()
    path.write_text(dump_deck(storage_deck()), encoding="utf-8")
    return path


@pytest.fixture
def reviewed(db_path: Path) -> Path:
    """A database holding the storage deck and :data:`ANSWERS`, PRACTICE suspended."""
    with Store.open(db_path) as store:
        store.sync_decks([storage_deck()])
        for index, (card_id, days_ago, grade) in enumerate(ANSWERS):
            moment = at(days_ago, minute=index)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=grade)
        store.set_suspended(PRACTICE, True)
    return db_path


def export_with_progress(tmp_path: Path, deck_file: Path, db: Path | str) -> Path:
    out = tmp_path / "progress.apkg"
    code, stdout, stderr = run(
        "export", "anki", deck_file, "--with-progress", "--db", db, "-o", out
    )
    assert (code, stderr) == (0, ""), stdout
    return out


def import_with_scheduling(col: Collection, package: Path) -> None:
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
    )
    col.import_anki_package(request)


def main_cards(col: Collection) -> dict[str, object]:
    """Card id -> the Anki card of its note's first template."""
    found = {}
    for nid in col.find_notes("CardId:_*"):
        note = col.get_note(nid)
        for card in note.cards():
            if card.ord == 0:
                found[note["CardId"]] = card
    return found


def test_export_with_progress_arrives_in_anki_on_the_same_days(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    package = export_with_progress(tmp_path, deck_file, reviewed)
    with Store.open(reviewed) as store:
        states = {card_id: store.state(card_id) for card_id, *_ in ANSWERS}
        history = list(store.history())
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, package)
        today = col.sched.today
        cards = main_cards(col)
        for card_id, state in states.items():
            card = cards[card_id]
            assert state.due is not None
            assert card.type == 2, card_id
            assert card.queue == (-1 if card_id == PRACTICE else 2), card_id
            assert card.due - today == (state.due - TODAY).days, card_id
            assert card.ivl == state.sm2.interval
            assert card.factor == state.sm2.easiness_hundredths * 10
            assert card.lapses == state.lapses
            logged = [a for a in history if a.card_id == card_id]
            assert card.reps == len(logged)
            revlog = col.db.all(
                "SELECT id, ease, ivl, lastIvl, factor FROM revlog WHERE cid = ? ORDER BY id",
                card.id,
            )
            assert [(r[1], r[2], r[3], r[4]) for r in revlog] == [
                (
                    {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[a.grade],
                    a.after.interval,
                    a.before.interval,
                    a.after.easiness_hundredths * 10,
                )
                for a in logged
            ]
            assert [r[0] // 1000 for r in revlog] == [int(a.time.timestamp()) for a in logged]
        # The overdue card, the card due today, and the ones left alone.
        assert cards[CONCEPT].due - today == -3
        assert cards[FLOW].due - today == 0
        assert cards[PLAIN].type == cards[PLAIN].queue == 0
        assert len(col.find_cards("is:due")) == 3  # CONCEPT, RECALL (overdue) and FLOW
        trap = [c for c in col.get_note(cards[TRAP].nid).cards() if c.ord == 1]
        assert [(c.type, c.queue) for c in trap] == [(0, 0)]


def test_without_the_flag_the_package_is_as_before(
    tmp_path: Path, deck_file: Path, reviewed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K8SPREP_NOW", "2027-01-15T09:30:00")
    plain = tmp_path / "plain.apkg"
    code, _, _ = run(
        "export", "anki", deck_file, "-o", plain, "--ledger", tmp_path / "l1", "--db", reviewed
    )
    assert code == 0
    no_db = tmp_path / "no-db.apkg"
    code, _, _ = run(
        "export", "anki", deck_file, "-o", no_db, "--ledger", tmp_path / "l2",
        "--db", tmp_path / "missing.db",
    )  # fmt: skip
    assert code == 0
    assert plain.read_bytes() == no_db.read_bytes()
    with zipfile.ZipFile(plain) as archive:
        assert b"schedVer" not in archive.read("collection.anki2")


def test_exporting_twice_does_not_double_anki_history(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    first = export_with_progress(tmp_path, deck_file, reviewed)
    again = tmp_path / "again.apkg"
    first.rename(again)
    second = export_with_progress(tmp_path, deck_file, reviewed)
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, again)
        import_with_scheduling(col, second)
        assert col.db.scalar("SELECT COUNT(*) FROM revlog") == len(ANSWERS)


def answer_in_anki(col: Collection, card_ids: list[str], rating: int) -> None:
    cards = main_cards(col)
    for card_id in card_ids:
        card = cards[card_id]
        card.start_timer()
        col.sched.answerCard(card, rating)


def export_from_anki(col: Collection, out: Path, *, legacy: bool = False) -> Path:
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=legacy
        ),
        limit=None,
    )
    return out


@pytest.mark.parametrize("legacy", [False, True])
def test_answers_given_in_anki_come_back(
    tmp_path: Path, deck_file: Path, reviewed: Path, legacy: bool
) -> None:
    package = export_with_progress(tmp_path, deck_file, reviewed)
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, package)
        answer_in_anki(col, [CONCEPT, FLOW], 3)  # the two due cards: Good
        answer_in_anki(col, [PLAIN], 1)  # a new card: Again
        back = export_from_anki(col, tmp_path / "back.apkg", legacy=legacy)
    with Store.open(reviewed) as store:
        before = len(list(store.history()))

    code, stdout, stderr = run("import-anki", back, "--dry-run", "--db", reviewed)
    assert (code, stderr) == (0, "")
    assert "would add 3 answers (3 cards)" in stdout
    assert f"{len(ANSWERS)} already present" in stdout
    with Store.open(reviewed) as store:
        assert len(list(store.history())) == before

    code, stdout, stderr = run("import-anki", back, "--db", reviewed)
    assert (code, stderr) == (0, "")
    assert "added 3 answers (3 cards)" in stdout
    with Store.open(reviewed) as store:
        added = list(store.history())[before:]
        assert sorted((a.card_id, a.grade, a.day) for a in added) == sorted(
            [(CONCEPT, 4, TODAY), (FLOW, 4, TODAY), (PLAIN, 1, TODAY)]
        )
        concept = store.state(CONCEPT)
        assert (concept.sm2.repetitions, concept.sm2.interval) == (3, 15)
        assert concept.due == TODAY + timedelta(days=15)
        assert store.state(PLAIN).due == TODAY + timedelta(days=1)
        assert verify_database(store.db).ok

    code, stdout, _ = run("import-anki", back, "--db", reviewed)
    assert code == 0
    assert "added 0 answers" in stdout
    assert f"{len(ANSWERS) + 3} already present" in stdout


def test_a_colpkg_with_notes_k8sprep_does_not_know(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    """A whole-collection backup (.colpkg) works too; other notes' answers are counted."""
    path = tmp_path / "anki.anki2"
    with anki_collection(path) as col:
        import_with_scheduling(col, export_with_progress(tmp_path, deck_file, reviewed))
        other = col.new_note(col.models.by_name("Basic"))
        other["Front"], other["Back"] = "Capital of France?", "Paris"
        col.add_note(other, col.decks.id("Default"))
        other_card = other.cards()[0]
        other_card.start_timer()
        col.sched.answerCard(other_card, 3)
        answer_in_anki(col, [FLOW], 2)
        backup = tmp_path / "backup.colpkg"
        col.export_collection_package(str(backup), include_media=False, legacy=False)
    code, stdout, stderr = run("import-anki", backup, "--db", reviewed)
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"{backup}: added 1 answer (1 card), {len(ANSWERS)} already present, "
        "1 card unknown (1 answer skipped)\n"
    )
    with Store.open(reviewed) as store:
        last = list(store.history(FLOW))[-1]
        assert (last.grade, last.day) == (3, TODAY)
        assert verify_database(store.db).ok


def test_answers_from_anki_go_out_again_with_their_own_ids(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    package = export_with_progress(tmp_path, deck_file, reviewed)
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, package)
        answer_in_anki(col, [FLOW], 4)
        ids = set(col.db.list("SELECT id FROM revlog"))
        back = export_from_anki(col, tmp_path / "back.apkg")
    assert run("import-anki", back, "--db", reviewed)[0] == 0
    again = export_with_progress(tmp_path, deck_file, reviewed)
    with anki_collection(tmp_path / "fresh.anki2") as col:
        import_with_scheduling(col, again)
        assert set(col.db.list("SELECT id FROM revlog")) == ids


def test_an_earlier_answer_from_anki_is_replayed_in_time_order(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    """An answer in Anki older than k8sprep's last one goes before it; states replay."""
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, export_with_progress(tmp_path, deck_file, reviewed))
        card = main_cards(col)[CONCEPT]
        stamp = int(at(9, hour=8).timestamp() * 1000)  # before the second k8sprep answer
        col.db.execute("INSERT INTO revlog VALUES (?,?,-1,1,1,6,2500,3000,1)", stamp + 123, card.id)
        back = export_from_anki(col, tmp_path / "back.apkg")
    assert "added 1 answer " in run("import-anki", back, "--db", reviewed)[1]
    with Store.open(reviewed) as store:
        assert [(a.day, a.grade, a.redrill) for a in store.history(CONCEPT)] == [
            (TODAY - timedelta(days=10), 4, False),
            (TODAY - timedelta(days=9), 1, False),
            (TODAY - timedelta(days=9), 4, True),
        ]
        assert verify_database(store.db).ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "not an Anki package"),
        (b"PK\x03\x04" + b"\x00" * 40, "not an Anki package"),
    ],
)
def test_not_a_package_is_one_line_and_changes_nothing(
    tmp_path: Path, reviewed: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(content)
    before = reviewed.read_bytes()
    code, _, stderr = run("import-anki", bad, "--db", reviewed)
    assert code == 1
    assert stderr.startswith(f"k8sprep: {bad}: {message}")
    assert stderr.count("\n") == 1
    assert reviewed.read_bytes() == before


def test_damaged_zip_and_unreadable_collections(tmp_path: Path, reviewed: Path) -> None:
    cases = {}
    no_collection = tmp_path / "nocol.apkg"
    with zipfile.ZipFile(no_collection, "w") as archive:
        archive.writestr("media", "{}")
    cases[no_collection] = "not an Anki package (no collection inside)"
    garbage = tmp_path / "garbage.apkg"
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("collection.anki21", b"not sqlite at all" * 100)
    cases[garbage] = "unreadable collection"
    bad_zstd = tmp_path / "zstd.apkg"
    with zipfile.ZipFile(bad_zstd, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd garbage")
    cases[bad_zstd] = "damaged Anki package"
    newer = tmp_path / "newer.apkg"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr("meta", b"\x08\x09")
        archive.writestr("collection.anki21b", b"")
    cases[newer] = "made by an Anki newer than k8sprep can read (package version 9)"
    damaged = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(damaged, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", b"x" * 100_000)
    data = bytearray(damaged.read_bytes())
    data[60:200] = b"\xff" * 140
    damaged.write_bytes(bytes(data))
    cases[damaged] = "damaged Anki package"
    before = reviewed.read_bytes()
    for path, message in cases.items():
        code, _, stderr = run("import-anki", path, "--db", reviewed)
        assert (code, stderr.count("\n")) == (1, 1), (path, stderr)
        assert stderr.startswith(f"k8sprep: {path}: {message}"), stderr
    assert reviewed.read_bytes() == before


def test_a_zip_bomb_is_refused(
    tmp_path: Path, reviewed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flashcards.files import anki_package

    monkeypatch.setattr(anki_package, "MAX_COLLECTION_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki21", b"\x00" * (8 << 20))
    assert bomb.stat().st_size < 100_000
    code, _, stderr = run("import-anki", bomb, "--db", reviewed)
    assert code == 1
    assert "collection larger than 1 MiB; refused" in stderr


def test_retired_cards_are_counted_and_exported_only_when_asked(
    tmp_path: Path, deck_file: Path, reviewed: Path
) -> None:
    deck = storage_deck()
    shorter = deck.__class__(deck.name, deck.chapter, deck.cards[:4])
    with Store.open(reviewed) as store:
        store.sync_decks([shorter])  # PLAIN and PRACTICE retire
    deck_file.write_text(dump_deck(shorter), encoding="utf-8")
    out = tmp_path / "out.apkg"
    code, stdout, _ = run("export", "anki", deck_file, "--db", reviewed, "-o", out)
    assert code == 0
    assert stdout.splitlines()[-1] == (
        "2 retired cards still in Anki: search tag:k8sprep::retired to delete them"
    )
    code, stdout, _ = run("export", "csv", deck_file, "--db", reviewed, "-o", tmp_path / "c.csv")
    assert "2 retired cards still in Anki" in stdout
    code, stdout, _ = run(
        "export", "anki", deck_file, "--db", reviewed, "-o", out, "--include-retired",
        "--with-progress",
    )  # fmt: skip
    assert code == 0, stdout
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, out)
        retired = {col.get_note(n)["CardId"] for n in col.find_notes("tag:k8sprep::retired")}
        assert retired == {PLAIN, PRACTICE}
        assert main_cards(col)[PRACTICE].queue == -1  # its progress travelled too
        assert {n.guid for n in map(col.get_note, col.find_notes(""))} >= {
            guid_for(PLAIN),
            guid_for(PRACTICE),
        }


def test_export_needs_no_database_but_progress_does(tmp_path: Path, deck_file: Path) -> None:
    missing = tmp_path / "none.db"
    code, stdout, _ = run("export", "anki", deck_file, "--db", missing, "-o", tmp_path / "a.apkg")
    assert code == 0
    assert "retired" not in stdout
    code, _, stderr = run(
        "export", "anki", deck_file, "--db", missing, "-o", tmp_path / "b.apkg", "--with-progress"
    )
    assert code == 1
    assert stderr.startswith("k8sprep: ")
    assert not missing.exists()


def test_revlog_ids_are_unique_stable_and_keep_ankis_own() -> None:
    from flashcards.schedule.anki_log import revlog_ids

    second = 1_800_000_000_000
    moments = [second, second, second + 1000, second + 7, second]
    exact = [False, False, False, True, False]
    ids = revlog_ids(moments, exact)
    assert ids == [second, second + 1, second + 1000, second + 7, second + 2]
    assert revlog_ids(moments, exact) == ids
    crowded = revlog_ids([second] * 3, [False, True, False])
    assert crowded == [second + 1, second, second + 2]


def test_revlog_ids_of_whole_seconds_only_spill_into_the_next_second() -> None:
    from flashcards.schedule.anki_log import revlog_ids

    second = 1_800_000_000_000
    moments = [second, second, second + 1000, second]
    assert revlog_ids(moments, [False] * 4) == [second, second + 1, second + 1000, second + 2]
    crowded = [second] * 1001 + [second + 1000]
    ids = revlog_ids(crowded, [False] * len(crowded))
    assert ids == [second + offset for offset in range(1002)]


@pytest.mark.slow
def test_due_days_hold_in_a_far_time_zone() -> None:
    """Chatham (UTC+13:45, another date than UTC for most of the day): the round trip
    again, in a process of its own so that both k8sprep and Anki's backend live there."""
    if os.environ.get("TZ") == FAR_ZONE:
        pytest.skip("running there already")
    tests = [
        f"{__file__}::test_export_with_progress_arrives_in_anki_on_the_same_days",
        f"{__file__}::test_answers_given_in_anki_come_back",
        f"{__file__}::test_an_earlier_answer_from_anki_is_replayed_in_time_order",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        env={**os.environ, "TZ": FAR_ZONE},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout


def test_an_unreadable_database_does_not_stop_a_plain_export(
    tmp_path: Path, deck_file: Path
) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    out = tmp_path / "a.apkg"
    code, _, _ = run("export", "anki", deck_file, "--db", broken, "-o", out)
    assert code == 0
    assert out.is_file()
    code, _, stderr = run("export", "anki", deck_file, "--db", broken, "--with-progress")
    assert code == 1
    assert stderr.startswith(f"k8sprep: {broken}")
    assert stderr.count("\n") == 1


@pytest.mark.parametrize("stamp", ["", "yesterday", "2026-13-02T09:00:00", 5])
def test_an_answer_with_no_time_is_one_line_naming_it(
    tmp_path: Path, deck_file: Path, reviewed: Path, stamp: object
) -> None:
    """A damaged log (its first answer's time emptied, nonsense, or a number) is refused
    in one line that names the answer; no package is left behind."""
    connection = sqlite3.connect(reviewed)
    with connection:
        connection.execute("UPDATE review_log SET answered_at = ? WHERE id = 1", (stamp,))
    connection.close()
    out = tmp_path / "p.apkg"
    code, _, stderr = run(
        "export", "anki", deck_file, "--with-progress", "--db", reviewed, "-o", out
    )
    assert code == 1
    assert stderr.startswith(f"k8sprep: review log: the answer to {CONCEPT} at "), stderr
    assert stderr.endswith("has no time to export\n") and stderr.count("\n") == 1
    assert not out.exists()
