"""Short card ids: the hash part of an id, or any prefix that names one card.

A card id is ``<deck slug>-<kind>-<hash>`` (``storage-in-kubernetes-concept-ee5ed1158f``);
typing all of it to look one card up is a chore. :func:`resolve_card_id` takes the
whole id, its hash part (``ee5ed1158f``) or any prefix of either, as long as only one
card matches; every command that takes a card id goes through it. :func:`short_ids`
gives each card the shortest of these forms that :func:`resolve_card_id` maps back to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from flashcards.errors import AmbiguousCardError, UnknownCardError
from flashcards.store.connection import Db

SHOWN_MATCHES = 5
"""How many of the matching ids an "ambiguous" error names."""

_LIKE_ESCAPES = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


def hash_part(card_id: str) -> str:
    """The part after the last dash: ``ee5ed1158f`` of ``...-concept-ee5ed1158f``."""
    return card_id.rsplit("-", 1)[-1]


def matching(ids: Iterable[str], text: str) -> list[str]:
    """The ids ``text`` names: itself when it is a whole id, else those it is a prefix of.

    A prefix counts of the whole id or of its hash part. Sorted, without repeats.
    """
    chosen = set(ids)
    if text in chosen:
        return [text]
    if not text:
        return []
    return sorted(i for i in chosen if i.startswith(text) or hash_part(i).startswith(text))


def resolve_among(ids: Iterable[str], text: str, *, where: str = "") -> str:
    """The one id of ``ids`` that ``text`` names (see :func:`matching`).

    Raises:
        UnknownCardError: no id matches.
        AmbiguousCardError: several do; the message names them.
    """
    found = matching(ids, text.strip())
    if len(found) == 1:
        return found[0]
    lead = f"{where}: " if where else ""
    if not found:
        hint = "" if where else " (`k8sprep cards` lists the cards and their ids)"
        raise UnknownCardError(f"{lead}no card with id {text!r}{hint}")
    shown = ", ".join(found[:SHOWN_MATCHES])
    more = f" and {len(found) - SHOWN_MATCHES} more" if len(found) > SHOWN_MATCHES else ""
    raise AmbiguousCardError(
        f"{lead}{text!r} matches {len(found)} cards: {shown}{more}; type more of the id"
    )


def resolve_card_id(db: Db, text: str) -> str:
    """The id of the one stored card (retired ones too) that ``text`` names.

    Only the candidates are read: ids starting with ``text`` or with a dash followed
    by it; the exact rule is :func:`matching`'s.

    Raises:
        UnknownCardError, AmbiguousCardError: see :func:`resolve_among`.
    """
    wanted = text.strip()
    if not wanted:
        return resolve_among((), text)
    like = wanted.translate(_LIKE_ESCAPES)
    rows = db.rows(
        "SELECT id FROM card WHERE id = :exact OR id LIKE :prefix ESCAPE '\\' "
        "OR id LIKE :part ESCAPE '\\'",
        {"exact": wanted, "prefix": like + "%", "part": "%-" + like + "%"},
    )
    return resolve_among((str(row[0]) for row in rows), text)


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """For each id, the hash part when it names that card alone among ``ids``, else the id.

    A hash part names its card alone when it is no other id's hash part nor a prefix of
    one (in sorted order such an id would sit right after it), and no whole id starts
    with it (one binary search). So this is n log n: 100,000 cards take a fraction of a
    second.
    """
    whole = sorted(set(ids))
    parts = sorted((hash_part(card_id), card_id) for card_id in whole)
    shown: dict[str, str] = {}
    for index, (part, card_id) in enumerate(parts):
        if part == card_id:  # an id without a dash is its own short form
            shown[card_id] = card_id
            continue
        after = parts[index + 1][0] if index + 1 < len(parts) else None
        before = parts[index - 1][0] if index else None
        place = bisect.bisect_left(whole, part)
        unique = (
            before != part
            and not (after is not None and after.startswith(part))
            and not (place < len(whole) and whole[place].startswith(part))
        )
        shown[card_id] = part if unique else card_id
    return shown
