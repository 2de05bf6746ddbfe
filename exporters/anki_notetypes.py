"""The Anki note types and deck ids k8sprep exports: fixed forever, pinned by a test.

Anki recognises a note type by its id and, on import, compares its fields and
templates: one added field or renamed template makes Anki keep a copy
("k8sprep Interview+") and stop updating the notes already imported. So the ids,
names, fields and template names below are designed once and never edited;
styling (CSS) and template *contents* may change, since Anki takes those as an
update of the same note type.

Every note type ends with the same fields (Diagram, Chapter, Section, Source,
CardId) so any card's text fits without loss; the first field is the sort field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flashcards.model import Kind

DECK_ID_BASE = 1 << 30
"""Deck ids lie in [2**30, 2**31), away from Anki's own (millisecond-timestamp) ids."""

COMMON_FIELDS = ("Diagram", "Chapter", "Section", "Source", "CardId")


@dataclass(frozen=True)
class Template:
    """One card of a note type: its fixed name and its front / back HTML."""

    name: str
    front: str
    back: str


@dataclass(frozen=True)
class NoteType:
    """One Anki note type: fixed id, name and field names, plus its templates."""

    model_id: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[Template, ...]


_FOOTER = (
    "{{#Diagram}}<pre class=diagram>{{Diagram}}</pre>{{/Diagram}}"
    "<div class=source>{{Chapter}}{{#Section}} · {{Section}}{{/Section}}</div>"
)

# The trap is marked wrong in words and with a cross, and boxed apart from the
# answer; its text stays plain (not struck through) so it can still be read.
_TRAP_LINE = (
    "{{#WrongAnswer}}<div class=trap><span class=trap-label>✗ Trap to avoid:</span> "
    "<q class=trap-text>{{WrongAnswer}}</q></div>{{/WrongAnswer}}"
)

_SPOT_THE_TRAP_FRONT = (
    "{{#WrongAnswer}}<div class='k8s interview spot'><div class=kind>Spot the trap</div>"
    "<div class=q>{{Question}}</div>"
    "<div class=candidate>A candidate answers: <q>{{WrongAnswer}}</q></div>"
    "<div class=prompt>What is wrong with it?</div></div>{{/WrongAnswer}}"
)


def _template(name: str, css_class: str, prompt_field: str, answer_html: str) -> Template:
    """A card: the prompt field on the front; the front, the answer and the footer on the back."""
    front = (
        f"<div class='k8s {css_class}'><div class=kind>{name}</div>"
        f"<div class=q>{{{{{prompt_field}}}}}</div></div>"
    )
    back = (
        f"{{{{FrontSide}}}}<hr id=answer><div class='k8s {css_class}'>{answer_html}{_FOOTER}</div>"
    )
    return Template(name, front, back)


NOTE_TYPES: dict[Kind, NoteType] = {
    Kind.CONCEPT: NoteType(
        model_id=1_731_640_001,
        name="k8sprep Concept",
        fields=("Question", "Answer", *COMMON_FIELDS),
        templates=(
            _template("Concept", "concept", "Question", "<div class=answer>{{Answer}}</div>"),
        ),
    ),
    Kind.DEFINITION: NoteType(
        model_id=1_731_640_006,
        name="k8sprep Definition",
        fields=("Question", "Answer", *COMMON_FIELDS),
        templates=(
            _template("Definition", "definition", "Question", "<div class=answer>{{Answer}}</div>"),
        ),
    ),
    Kind.FLOW: NoteType(
        model_id=1_731_640_002,
        name="k8sprep Flow",
        fields=("Question", "Stages", *COMMON_FIELDS),
        templates=(_template("Flow", "flow", "Question", "<div class=stages>{{Stages}}</div>"),),
    ),
    Kind.RECALL: NoteType(
        model_id=1_731_640_003,
        name="k8sprep Recall",
        fields=("Question", "Answer", *COMMON_FIELDS),
        templates=(
            _template("Recall", "recall", "Question", "<div class=answer>{{Answer}}</div>"),
        ),
    ),
    Kind.INTERVIEW: NoteType(
        model_id=1_731_640_004,
        name="k8sprep Interview",
        fields=("Question", "Answer", "WrongAnswer", *COMMON_FIELDS),
        templates=(
            _template(
                "Interview",
                "interview",
                "Question",
                "<div class=answer>{{Answer}}</div>" + _TRAP_LINE,
            ),
            Template(
                "Spot the trap",
                _SPOT_THE_TRAP_FRONT,
                "{{FrontSide}}<hr id=answer><div class='k8s interview spot'>"
                "<div class=answer-label>✓ A strong answer</div>"
                "<div class=answer>{{Answer}}</div>" + _FOOTER + "</div>",
            ),
        ),
    ),
    Kind.PRACTICE: NoteType(
        model_id=1_731_640_005,
        name="k8sprep Practice",
        fields=("Task", "Answer", *COMMON_FIELDS),
        templates=(
            _template("Practice", "practice", "Task", "<div class=answer>{{Answer}}</div>"),
        ),
    ),
}
"""One note type per card kind. Ids and names are part of every user's collection."""


def deck_id_for(full_name: str) -> int:
    """A deck id derived only from the deck's full name, so every export names the same deck."""
    digest = hashlib.sha256(full_name.encode("utf-8")).digest()
    return DECK_ID_BASE + int.from_bytes(digest[:8], "big") % DECK_ID_BASE
