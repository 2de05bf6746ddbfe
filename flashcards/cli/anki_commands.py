"""``k8sprep import-anki FILE``: answers given in Anki come back into the review log.

Thin: read the package's review log (:mod:`flashcards.files.anki_package`), match
its notes to k8sprep's cards by guid (the guid of a card id, as the export makes
it), and merge (:func:`flashcards.store.anki_sync.merge_answers`). Only the first
card of a note (its main template) carries k8sprep's schedule; answers to "Spot the
trap" cards, Anki's manual reschedulings and answers of notes k8sprep does not know
are counted and skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt
from flashcards.cli.output import counted, echo

ANSWER_KINDS = (0, 1, 2, 3)
"""Anki revlog types that are answers: learning, review, relearning, filtered deck."""


@app.command("import-anki")
def import_anki(
    file: Annotated[
        Path,
        typer.Argument(
            help="An .apkg or .colpkg exported from Anki with scheduling.",
            dir_okay=False,
            show_default=False,
        ),
    ],
    db: DbOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be added; write nothing.")
    ] = False,
) -> None:
    """Add the answers you gave in Anki to k8sprep's log and reschedule those cards."""
    from genanki.util import guid_for

    from flashcards.cli.opening import open_store
    from flashcards.files import settings
    from flashcards.files.anki_package import read_revlog
    from flashcards.files.settings import load_config
    from flashcards.schedule.anki_log import QUALITY_FOR_EASE
    from flashcards.store.anki_sync import AnkiAnswer, card_ids, merge_answers

    entries = read_revlog(file)  # before opening the database: a bad file changes nothing
    rollover = load_config(settings.config_path()).rollover_hour
    with open_store(db, create=False) as store:
        card_of = {guid_for(card_id): card_id for card_id in card_ids(store.db)}
        answers: list[AnkiAnswer] = []
        unknown: set[str] = set()
        unknown_answers = skipped = 0
        for entry in entries:
            if entry.kind not in ANSWER_KINDS or entry.ease not in QUALITY_FOR_EASE:
                skipped += 1
                continue
            card_id = card_of.get(entry.guid)
            if card_id is None:
                unknown.add(entry.guid)
                unknown_answers += 1
                continue
            if entry.ord != 0:
                skipped += 1
                continue
            answers.append(AnkiAnswer(entry.revlog_id, card_id, entry.ease, entry.time_ms))
        report = merge_answers(
            store.db,
            answers,
            quality_of=QUALITY_FOR_EASE,
            rollover_hour=rollover,
            dry_run=dry_run,
        )
    verb = "would add" if dry_run else "added"
    echo(
        f"{file}: {verb} {counted(report.added, 'answer')} ({counted(report.cards, 'card')}), "
        f"{report.present} already present, {counted(len(unknown), 'card')} unknown "
        f"({counted(unknown_answers, 'answer')} skipped)"
        + (
            f", {skipped} other {'entry' if skipped == 1 else 'entries'} skipped "
            "(trap cards, reschedulings)"
            if skipped
            else ""
        )
    )
