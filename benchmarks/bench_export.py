"""How fast and how small the Anki export is, next to genanki writing the same notes itself.

100,000 cards (the bundled chapter's cards, repeated with unique ids over 20
decks). "genanki" builds the same notes (same note types, fields and tags) and
calls ``Package.write_to_file`` (a stored, uncompressed zip). "k8sprep" is the
whole ``exporters.anki.export``: HTML escaping, hashing, the mod ledger (read
and written), genanki's collection writer and a deflated zip. Each side's
fastest of several runs is reported (the machine is shared, timings are noisy).
Targets: time within 1.5x of genanki's, size at most a third of it. Also checks
that a real Anki collection imports the deflated package.

Prints figures only; nothing here asserts. Run:
``.venv/bin/python benchmarks/bench_export.py [--cards N] [--runs R]``.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import genanki
from timing import best_of

from exporters.anki import export, genanki_model
from exporters.anki_notetypes import NOTE_TYPES, deck_id_for
from exporters.base import DEFAULT_ROOT, ExportOptions
from exporters.notes import plan_notes
from flashcards.files.decks import load_decks
from flashcards.model import Deck

NOW = 1_800_000_000
DECKS = 20


def synthetic_decks(total: int) -> list[Deck]:
    """``total`` cards copied from the bundled decks, with unique ids and texts, in 20 decks."""
    source = [card for deck in load_decks() for card in deck.cards]
    template = load_decks()[0]
    per_deck = -(-total // DECKS)
    decks = []
    made = 0
    for number in range(1, DECKS + 1):
        cards = []
        while len(cards) < per_deck and made < total:
            card = source[made % len(source)]
            cards.append(replace(card, id=f"{card.id}-{made}", front=f"{card.front} #{made}"))
            made += 1
        chapter = replace(template.chapter, number=number, slug=f"chapter-{number}")
        decks.append(Deck(f"{number:02d} Chapter {number}", chapter, tuple(cards)))
    return decks


def genanki_directly(decks: list[Deck], out: Path) -> Callable[[], None]:
    """genanki writing the same notes as the exporter, the way its README shows."""
    # Escaped fields and tags prepared once, outside the timing; genanki computes each
    # note's guid itself (its default, a hash of the fields), as it always does.
    planned = plan_notes(decks, DEFAULT_ROOT)
    models = {kind: genanki_model(nt) for kind, nt in NOTE_TYPES.items()}

    def write() -> None:
        by_name: dict[str, genanki.Deck] = {}
        for note in planned:
            deck = by_name.get(note.deck_name)
            if deck is None:
                deck = by_name[note.deck_name] = genanki.Deck(
                    deck_id_for(note.deck_name), note.deck_name
                )
            deck.add_note(
                genanki.Note(
                    model=models[note.card.kind],
                    fields=list(note.fields),
                    tags=list(note.tags),
                )
            )
        genanki.Package(list(by_name.values())).write_to_file(str(out), timestamp=NOW)

    return write


def anki_imports(package: Path, folder: Path) -> tuple[int, int]:
    """Notes and cards a fresh Anki collection holds after importing ``package``."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageRequest

    col = Collection(str(folder / "check.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
        return col.note_count(), col.card_count()
    finally:
        col.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-import", action="store_true", help="skip the Anki import check")
    args = parser.parse_args()

    decks = synthetic_decks(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, ours, ledger = folder / "genanki.apkg", folder / "k8sprep.apkg", folder / "l.json"
        genanki_seconds = best_of(args.runs, genanki_directly(decks, plain))

        def fresh_export() -> None:
            ledger.unlink(missing_ok=True)
            export(decks, ours, ExportOptions(now=NOW, ledger_path=ledger))

        ours_seconds = best_of(args.runs, fresh_export)
        result = export(decks, ours, ExportOptions(now=NOW + 60, ledger_path=ledger))
        unchanged_seconds = best_of(
            args.runs, lambda: export(decks, ours, ExportOptions(now=NOW + 60, ledger_path=ledger))
        )
        plain_size, ours_size = plain.stat().st_size, ours.stat().st_size
        imported = None if args.no_import else anki_imports(ours, folder)

    mb = 1024 * 1024
    print(
        f"cards exported:          {args.cards:,} ({result.notes:,} notes, {result.cards:,} cards)"
    )
    print(f"genanki write_to_file:   {genanki_seconds:6.2f} s  {plain_size / mb:6.1f} MB (stored)")
    print(f"k8sprep export (fresh):  {ours_seconds:6.2f} s  {ours_size / mb:6.1f} MB (deflated)")
    print(f"k8sprep export (again):  {unchanged_seconds:6.2f} s  (ledger unchanged)")
    print(f"time ratio k8sprep/genanki: {ours_seconds / genanki_seconds:.2f}x  (target <= 1.5x)")
    print(f"size ratio k8sprep/genanki: {ours_size / plain_size:.3f}  (target <= 0.333)")
    if imported is not None:
        print(f"Anki imported the deflated package: {imported[0]:,} notes, {imported[1]:,} cards")


if __name__ == "__main__":
    main()
