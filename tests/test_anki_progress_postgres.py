"""Progress to Anki and back with the review database on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.schedule.studyday import study_day
from flashcards.store import Store
from flashcards.store.verify import verify_database
from tests.export_samples import anki_collection, storage_deck
from tests.test_anki_progress import (
    ANSWERS,
    FLOW,
    PLAIN,
    answer_in_anki,
    at,
    export_from_anki,
    export_with_progress,
    import_with_scheduling,
    main_cards,
    run,
)
from tests.test_anki_progress import deck_file as deck_file
from tests.test_postgres import pg_server, pg_url  # noqa: F401  (the server fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_round_trip_on_postgres(tmp_path: Path, deck_file: Path, pg_url: str) -> None:  # noqa: F811
    with Store.open(pg_url) as store:
        store.sync_decks([storage_deck()])
        for index, (card_id, days_ago, grade) in enumerate(ANSWERS):
            moment = at(days_ago, minute=index)
            store.record_review(card_id, time=moment, day=study_day(moment), grade=grade)
    package = export_with_progress(tmp_path, deck_file, pg_url)
    with anki_collection(tmp_path / "anki.anki2") as col:
        import_with_scheduling(col, package)
        assert main_cards(col)[FLOW].due == col.sched.today
        answer_in_anki(col, [FLOW, PLAIN], 3)
        back = export_from_anki(col, tmp_path / "back.apkg")
    code, stdout, _ = run("import-anki", back, "--db", pg_url)
    assert code == 0
    assert f"added 2 answers (2 cards), {len(ANSWERS)} already present" in stdout
    assert "added 0 answers" in run("import-anki", back, "--db", pg_url)[1]
    with Store.open(pg_url) as store:
        assert verify_database(store.db).ok
        assert len(list(store.history())) == len(ANSWERS) + 2
