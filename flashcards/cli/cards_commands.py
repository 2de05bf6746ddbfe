"""``k8sprep cards``: list and search the cards, with their short ids and state.

Thin, as the other commands: the store filters, :mod:`flashcards.cli.cards_views`
searches the text and lays the rows out.
"""

from __future__ import annotations

from typing import Annotated

import typer

from flashcards.cli.app import app
from flashcards.cli.options import DbOpt, JsonOpt
from flashcards.cli.output import echo, echo_json


@app.command()
def cards(
    text: Annotated[
        str | None,
        typer.Argument(metavar="[TEXT]", help="Only cards whose front or back contains this."),
    ] = None,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck: chapter number or name.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only cards of this kind.")] = None,
    suspended: Annotated[bool, typer.Option("--suspended", help="Only suspended cards.")] = False,
    leeches: Annotated[bool, typer.Option("--leeches", help="Only leeches.")] = False,
    due: Annotated[bool, typer.Option("--due", help="Only cards due today or before.")] = False,
    json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """List and search cards: short id, kind, deck, due day, interval, lapses, front.

    The short id (the hash part of the id) works wherever a card id is asked for.
    """
    from flashcards.cli.cards_views import card_lines, card_record, contains
    from flashcards.cli.catalog import deck_source
    from flashcards.cli.review_commands import _config, _deck_slug, _open_to_read, _today
    from flashcards.cli.review_screen import terminal_width
    from flashcards.errors import K8sprepError
    from flashcards.model import Kind

    if kind is not None and kind not in {k.value for k in Kind}:
        known = ", ".join(k.value for k in Kind)
        raise K8sprepError(f"no kind {kind!r} (kinds: {known})")
    config = _config()
    rule = config.leech_rule
    with _open_to_read(db) as store:
        found = store.listed_cards(
            deck=_deck_slug(store, deck),
            kind=kind,
            suspended=suspended,
            min_lapses=rule.lapses if leeches else None,
            due_by=_today(config) if due else None,
            keep=contains(text),
        )
        short = store.short_ids() if found else {}
        files = {slug: deck_source(store, slug) for slug in {s.deck for s in found}} if json else {}
    if json:
        echo_json(
            [card_record(s, short.get(s.card.id, s.card.id), rule, files[s.deck]) for s in found]
        )
        return
    echo("\n".join(card_lines(found, short, rule, terminal_width())))
