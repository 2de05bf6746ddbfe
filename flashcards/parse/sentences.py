"""What a sentence does in its paragraph: leans on the one before, or defines a named thing.

Pure text rules shared by the card makers:

- a sentence opening with This/That/These/Those/It/They/Such (or ending "for that")
  means nothing without the sentence before it, so a card that quotes it quotes both;
- "X means Y", "X is a/an/the Y" and "A X expresses Y" define X, and become
  definition cards ("What does X mean?", "What is X?", "What does a X express?").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

TermsOf = Callable[[str], frozenset[str]]
"""Text -> its set of key terms (the card maker's cached vocabulary)."""

_LEANS = re.compile(r"^(?:this|that|these|those|it|they|such)\b", re.IGNORECASE)
_LEANS_AT_END = re.compile(r"\bfor (?:that|this|it|them)\W*$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(a|an|the)\s+", re.IGNORECASE)
# Whitespace before the verb is taken whole from where its run starts ((?<!\s)\s++):
# the lazy subject then costs linear time on long runs of spaces (tests/test_fuzz.py).
_MEANS = re.compile(r"^(?P<subject>[^,;:]+?)(?<!\s)\s++means\s+(?P<rest>.+)$")
_IS = re.compile(r"^(?P<subject>[^,;:]+?)(?<!\s)\s++is\s+(?:a|an|the)\s+(?P<rest>.+)$")
_IS_HINT = re.compile(r"is(?<=\sis)\s+(?:a|an|the)\s")
"""What every sentence ``_IS`` matches contains: a quick test before the anchored pattern.
``\\sis\\s+...`` with the space before checked after ``is``, so a search skips from ``is``
to ``is``."""
_DOES = re.compile(r"^(?P<subject>(?:A|An)\s+[^,;:]+?)\s+(?P<verb>[a-z]+s)\s+(?P<rest>.+)$")
_NAMED = re.compile(r"[A-Z]{2,}|[a-z][A-Z]|^[A-Z][a-z]+[A-Z]")
_VERBS_ASKED_BY_NAME = frozenset(
    "adds advertises defines describes expresses provides represents selects".split()
)
"""Verbs whose object is the answer: "What does a PersistentVolumeClaim express?"."""
_NOT_VERBS = frozenset("is has was does always its this thus plus less unless across".split())
MAX_SUBJECT_WORDS = 4


def leans_back(sentence: str) -> bool:
    """True when the sentence needs the one before it to make sense."""
    if _LEANS.match(sentence):
        return True
    # Only F/f, O/o, R/r match "for" ignoring case: without it, no need to scan for it.
    return "for " in sentence.lower() and bool(_LEANS_AT_END.search(sentence))


_SAME_SUBJECT = re.compile(r"^(?:It|They)\s|^(?:That|This)\s+[a-z]+s\b")


def continues_subject(sentence: str) -> bool:
    """ "It lets vendors ..." or "That removes ...": more about the thing just named.

    "That split lets ..." names a new thing (the split) and is not a continuation.
    """
    return bool(_SAME_SUBJECT.match(sentence))


def with_antecedents(sentences: list[str], chosen: set[int]) -> list[int]:
    """``chosen`` plus, for each sentence that leans back, the sentences it leans on."""
    found = set(chosen)
    for index in sorted(chosen):
        while index > 0 and leans_back(sentences[index]):
            index -= 1
            found.add(index)
    return sorted(found)


@dataclass(frozen=True)
class Definition:
    """A sentence that defines a named thing, and the question it answers."""

    subject: str
    question: str


def definition(sentence: str, key_terms: frozenset[str], terms_of: TermsOf) -> Definition | None:
    """The definition a sentence gives, if it names what it defines.

    The subject must be short and named: an abbreviation or CamelCase name, a key
    term of the chapter, or a noun introduced by "A"/"An".
    """
    if leans_back(sentence):
        return None
    text = sentence.rstrip(".!?")
    if "means" in text and (match := _MEANS.match(text)):
        subject = match.group("subject")
        if _is_named(subject, key_terms, terms_of):
            name = _as_object(subject)
            return Definition(name, f"What does {name} mean?")
        return None
    if _IS_HINT.search(text) and (match := _IS.match(text)):
        subject = match.group("subject")
        if _is_named(subject, key_terms, terms_of):
            name = _as_object(subject)
            return Definition(name, f"What is {name}?")
        return None
    if match := _DOES.match(text):
        subject, verb = match.group("subject"), match.group("verb")
        if verb in _NOT_VERBS or not _is_named(subject, key_terms, terms_of):
            return None
        name = _as_object(subject)
        asked = _base_form(verb) if verb in _VERBS_ASKED_BY_NAME else "do"
        return Definition(name, f"What does {name} {asked}?")
    return None


def _is_named(subject: str, key_terms: frozenset[str], terms_of: TermsOf) -> bool:
    words = subject.split()
    if not 1 <= len(_ARTICLE.sub("", subject).split()) <= MAX_SUBJECT_WORDS:
        return False
    if any(word[:1].islower() and word.isalpha() and word in _JOINERS for word in words):
        return False
    if any(_NAMED.search(word) for word in words):
        return True
    return bool(terms_of(subject) & key_terms) or bool(_ARTICLE.match(subject))


_JOINERS = frozenset("and or but if when because while with without of for to in on".split())


def _as_object(subject: str) -> str:
    """``"Dynamic provisioning"`` -> ``"dynamic provisioning"``; names keep their capitals."""
    article = _ARTICLE.match(subject)
    if article:
        return article.group(1).lower() + " " + subject[article.end() :]
    first, _, rest = subject.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".strip()


def _base_form(verb: str) -> str:
    """``expresses`` -> ``express``, ``describes`` -> ``describe``."""
    if verb.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return verb[:-2]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-1]
