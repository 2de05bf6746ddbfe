"""Chapter -> Deck: the rules that turn what a chapter says into flashcards.

Pure and deterministic: the same chapter always gives the same cards, in
reading order (each concept section's cloze and flows, then recall,
interview and practice cards). Every choice is explainable:

- a concept card blanks the key terms of the section's takeaway (one per
  clause: its longest content word) and answers with the takeaway and the
  section's principle sentence (the one sharing most key terms with the
  heading);
- a recall card answers a "Pause and recall" question with the section that
  shares the most key terms with it, weighted by rarity across sections
  (:mod:`flashcards.parse.terms`), quoting that section's best-matching sentences.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from flashcards.model import (
    Card,
    ChapterInfo,
    Deck,
    Kind,
    Source,
    card_id_prefix,
    front_digest,
    normalise_text,
)
from flashcards.parse.chapter import Chapter, Concept, ParseWarning, split_sentences
from flashcards.parse.diagrams import Flow, draw_flow
from flashcards.parse.sentences import (
    TermsOf,
    continues_subject,
    definition,
    leans_back,
    with_antecedents,
)
from flashcards.parse.terms import (
    Vocabulary,
    abbreviations_in,
    inverse_document_frequency,
    overlap,
    terms,
)

RECALL_SENTENCES = 2
"""How many of the matched section's best sentences a recall answer quotes at least."""

MAX_BACK_WORDS = 60
"""A back longer than this is read, not recalled."""

RENAMED_CARD_SIMILARITY = 0.6
"""How alike an edited front must be to an old one to keep the old card's id."""

BLANK = "___"

TECHNICAL_TERMS = frozenset(
    terms(
        "latency memory throughput bandwidth encryption certificate label selector replica "
        "container node pod cluster namespace controller scheduler volume snapshot backup "
        "restore network traffic proxy identity policy quota limit request image registry "
        "secret token deployment service ingress endpoint probe rollout"
    )
)
"""Words of the trade a blank may test even when no heading names them."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LEAD_IN = re.compile(r"^(?:now|then|finally|next|first|last)\b,?\s*", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:]")
_NAMED_WORD = re.compile(r"[A-Z](?<!\w[A-Z])(?:[A-Z]+[a-z]?|[a-z]+(?:[A-Z][a-z]+)+)s?\b")
"""``PVC``, ``PersistentVolume``: ``\\b(?:[A-Z]{2,}[a-z]?|[A-Z][a-z]+(?:[A-Z][a-z]+)+)s?\\b``
with the capital both alternatives start with taken first and the boundary checked after
it, so the search skips straight from capital to capital."""
_ITEM_SPLIT = re.compile(r",\s*+(?:and\s++|or\s++)?|(?<!\s)\s++(?:and|or)\s++")
"""Where a question lists its items; whitespace is taken whole from where its run
starts, so long runs of spaces cost linear time (tests/test_fuzz.py)."""
_WHY = re.compile(r"^\s*why\b", re.IGNORECASE)
_REASON = re.compile(r"\b(?:because|since|so that|so|otherwise|therefore)\b", re.IGNORECASE)


def _words(texts: Iterable[str]) -> int:
    """How many words the texts hold together (a back's length is counted in words)."""
    return sum(map(len, map(str.split, texts)))


def build_deck(chapter: Chapter, source_file: str, existing: Deck | None = None) -> Deck:
    """Make a chapter's deck (see :func:`build_deck_reporting`)."""
    return build_deck_reporting(chapter, source_file, existing)[0]


def build_deck_reporting(
    chapter: Chapter, source_file: str, existing: Deck | None = None
) -> tuple[Deck, list[ParseWarning]]:
    """Make a chapter's deck.

    Args:
        chapter: the parsed chapter.
        source_file: the chapter's file name, recorded in each card's ``source``.
        existing: the deck built before from this chapter, if any; its card ids
            win, so review history and Anki notes stay attached after edits.
    """
    maker = _CardMaker(chapter, source_file)
    cards = _chapter_cards(maker)
    unreached = maker.unreached()
    cards = _unique_ids(cards)
    info = ChapterInfo(
        number=chapter.number,
        slug=chapter.slug,
        title=chapter.title,
        subtitle=chapter.subtitle,
        level=chapter.level,
        minutes=chapter.minutes,
        next=chapter.bridge.next_number if chapter.bridge else None,
        next_file=chapter.bridge.next_file if chapter.bridge else "",
    )
    deck = Deck(name=deck_name(chapter.number, chapter.title), chapter=info, cards=tuple(cards))
    return (deck if existing is None else with_existing_ids(deck, existing)), unreached


def with_existing_ids(deck: Deck, existing: Deck) -> Deck:
    """A freshly built ``deck`` whose cards take the ids they had in ``existing``.

    What ``build_deck(chapter, file, existing)`` returns, for a deck already built
    without ``existing``: a rebuild makes the cards once, then matches them.
    """
    cards = keep_existing_ids(deck.cards, existing.cards)
    return replace(deck, cards=tuple(keep_flow_ids(cards, existing.cards)))


def _chapter_cards(maker: _CardMaker) -> list[Card]:
    """Every card, in reading order: each section's cards, then recall, interview, practice."""
    sections = maker.concept_cards()
    recall = maker.recall_cards()
    sections += maker.extra_concept_cards()
    order = {concept.heading: index for index, concept in enumerate(maker.chapter.concepts)}
    sections.sort(key=lambda card: order.get(card.source.section, len(order)))
    return [*sections, *recall, *maker.interview_cards(), *maker.practice_cards()]


def deck_name(number: int, title: str) -> str:
    """``05 Storage in Kubernetes``: sorts by chapter in any list of decks."""
    return f"{number:02d} {title}"


def keep_existing_ids(cards: Iterable[Card], old_cards: Iterable[Card]) -> list[Card]:
    """Give rebuilt cards the ids their earlier versions had.

    A card keeps an old id when that id is derived again, or else when its
    front is close to an unmatched old card of the same kind (a typo fixed).
    Only the few old fronts sharing most words with it are compared letter by
    letter (:class:`_FrontIndex`), so a chapter of 1,500 edited questions
    rebuilds in about the time of a fresh build, not in minutes.
    """
    new = list(cards)
    old_by_id = {card.id: card for card in old_cards}
    new_ids = {card.id for card in new}
    index = _FrontIndex([card for card in old_by_id.values() if card.id not in new_ids])
    result: list[Card] = []
    for card in new:
        if card.id not in old_by_id:
            best = index.closest(card)
            if best is not None:
                card = _with_id(card, best.id)
        result.append(card)
    return result


class _FrontIndex:
    """Unmatched old cards by kind and by the words of their fronts.

    ``closest`` scores old fronts by the words they share with a new one, rarest
    words first: a word on few fronts adds every front it is on, a word on many
    only adds to fronts already found (checked against their word sets), so a
    front costs at most :data:`_POSTINGS_BUDGET` steps whatever the deck's size.
    The :data:`_CANDIDATES` best-scored are then compared with difflib (case-folded), as before.
    """

    def __init__(self, old: list[Card]) -> None:
        self.old = old
        self.words = [frozenset(normalise_text(card.front).split()) for card in old]
        self.by_word: dict[tuple[Kind, str], list[int]] = {}
        self.by_kind: dict[Kind, list[int]] = {}
        for position, card in enumerate(old):
            self.by_kind.setdefault(card.kind, []).append(position)
            for word in self.words[position]:
                self.by_word.setdefault((card.kind, word), []).append(position)
        self.taken: set[int] = set()

    def closest(self, card: Card) -> Card | None:
        """The free old card of ``card``'s kind most like it (and alike enough), taken."""
        words = sorted(
            normalise_text(card.front).split(),
            key=lambda word: len(self.by_word.get((card.kind, word), ())),
        )
        scores: dict[int, int] = {}
        budget = _POSTINGS_BUDGET
        for word in dict.fromkeys(words):
            posting = self.by_word.get((card.kind, word), [])
            if len(posting) <= budget:
                budget -= len(posting)
                for position in posting:
                    scores[position] = scores.get(position, 0) + 1
            else:
                for position in scores:
                    scores[position] += word in self.words[position]
        if not words:  # a front of punctuation only: compare with the first few
            scores = dict.fromkeys(self.by_kind.get(card.kind, [])[:_POSTINGS_BUDGET], 0)
        free = [position for position in scores if position not in self.taken]
        free.sort(key=lambda position: (-scores[position], position))
        # Most alike wins, the earlier old card on a tie; difflib's cheap upper bounds
        # skip a candidate that cannot beat the best so far.
        matcher = difflib.SequenceMatcher(None)
        matcher.set_seq2(card.front.casefold())
        best_ratio, best = RENAMED_CARD_SIMILARITY, -1
        for position in free[:_CANDIDATES]:
            matcher.set_seq1(self.old[position].front.casefold())
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and (best < 0 or position < best)):
                best_ratio, best = ratio, position
        if best < 0:
            return None
        self.taken.add(best)
        return self.old[best]


_CANDIDATES = 8
"""Old fronts compared letter by letter with each edited one."""
_POSTINGS_BUDGET = 256
"""Most old fronts one new front adds through the words it shares with them."""


def keep_flow_ids(cards: list[Card], old_cards: Iterable[Card]) -> list[Card]:
    """A flow card whose question was reworded keeps the id of the old card of its diagram.

    The diagram (and its section) say which flow a card drills better than its wording, so
    a new way of asking does not cut a card off from its review history.
    """
    old = list(old_cards)
    old_ids = {card.id for card in old}
    ids = {card.id for card in cards}
    unmatched = {
        (card.source.section, card.diagram): card.id
        for card in old
        if card.kind is Kind.FLOW and card.diagram and card.id not in ids
    }
    result = []
    for card in cards:
        old_id = None
        if card.kind is Kind.FLOW and card.id not in old_ids:
            old_id = unmatched.pop((card.source.section, card.diagram), None)
        result.append(card if old_id is None else _with_id(card, old_id))
    return result


def cloze(
    sentence: str,
    key_terms: frozenset[str] | None = None,
    terms_of: TermsOf | None = None,
) -> tuple[str, list[str]]:
    """Blank one key term per clause (at most two): the longest such word.

    ``"Claims talk intent, volumes provide reality."`` with the key terms ``claim``
    and ``volume`` -> ``("___ talk intent, ___ provide reality.", ["Claims", "volumes"])``.
    Without ``key_terms`` any content word may be blanked; with them, only a word
    whose terms are key terms of the chapter (a blank must test a term, never "parts").
    """
    if key_terms is None:
        return blank_words(sentence, _is_content_word)
    return blank_words(sentence, lambda word: _may_blank(word, key_terms, terms_of))


def blank_words(sentence: str, blankable: Callable[[str], bool]) -> tuple[str, list[str]]:
    """:func:`cloze` with the word test given: ``blankable(word)`` for each word of a clause.

    The card maker passes a test cached per word for its chapter: the same words
    recur in many sentences, and testing one costs a term lookup.
    """
    blanks: list[tuple[int, int]] = []
    start = 0
    for clause in _CLAUSE.split(sentence)[:2]:
        best: tuple[int, int] | None = None
        longest = 0
        for match in _WORD.finditer(clause):
            # the longest word, the last of equally long ones
            begin, end = match.span()
            if end - begin >= longest and blankable(match.group()):
                best, longest = (begin, end), end - begin
        if best is not None:
            blanks.append((start + best[0], start + best[1]))
        start += len(clause) + 1
    text = sentence
    answers = [sentence[a:b] for a, b in blanks]
    for a, b in reversed(blanks):
        text = text[:a] + BLANK + text[b:]
    return text, answers


def _is_content_word(word: str) -> bool:
    """A word :func:`cloze` may blank when no key terms are given."""
    folded = word.casefold()
    return len(word) >= 4 and folded not in _CLOZE_SKIP and not folded.endswith(("ed", "ing"))


def _may_blank(word: str, key_terms: frozenset[str], terms_of: TermsOf | None) -> bool:
    """A word :func:`cloze` may blank given the chapter's key terms."""
    return (
        len(word) >= 3
        and word.casefold() not in _CLOZE_SKIP
        and _is_key_word(word, key_terms, terms_of)
    )


_CLOZE_SKIP = frozenset(
    "about after again also because before being between does doing during every from have "
    "having into just more most much only other over same should some such than that their "
    "them then there these they this those through under until very what when where which "
    "while whom with would your means mean".split()
)


def _is_key_word(word: str, key_terms: frozenset[str], terms_of: TermsOf | None) -> bool:
    found = terms_of(word) if terms_of is not None else frozenset(terms(word))
    return bool(found) and found <= key_terms


class _CardMaker:
    """Card rules for one chapter, sharing its term statistics."""

    def __init__(self, chapter: Chapter, source_file: str) -> None:
        self.chapter = chapter
        self.source_file = source_file
        self.slug = chapter.slug
        # What every card of a kind, or of a section, shares: made once, not once a card.
        chapter_tags = (f"ch{chapter.number:02d}", chapter.level or "any-level")
        self._tags = {kind: (*chapter_tags, kind.value) for kind in Kind}
        self._id_prefixes = {kind: card_id_prefix(self.slug, kind) for kind in Kind}
        self._sources: dict[str, Source] = {}
        everything = " ".join(
            [c.heading + " " + " ".join(c.sentences) for c in chapter.concepts] + [chapter.eli5]
        )
        self.vocabulary = Vocabulary(abbreviations_in(everything))
        self._sets: dict[str, frozenset[str]] = {}
        self._content: dict[str, list[str]] = {}
        self.section_sets = [self._section_terms(c) for c in chapter.concepts]
        self.idf = inverse_document_frequency(self.section_sets)
        self.eli5_terms = self._term_set(chapter.eli5)
        self.key_terms = self._key_terms()
        self._blankable: dict[str, bool] = {}
        self._heads: dict[str, frozenset[str]] = {}
        self.reached: dict[str, set[str]] = {}

    def _key_terms(self) -> frozenset[str]:
        """Terms a blank may test: the headings', the diagrams', named ones and the trade's.

        The questions are left out: "without" or "attractive" in a question is no term.
        """
        texts = [concept.heading for concept in self.chapter.concepts]
        texts += [
            f"{stage.name} {flow.name}"
            for concept in self.chapter.concepts
            for flow in concept.flows
            for stage in flow.stages
        ]
        found: set[str] = set(TECHNICAL_TERMS)
        for text in dict.fromkeys(texts):
            found |= self._term_set(text)
        # One pass over all sentences: a name is letters only, so none spans the join,
        # and its terms are those of one word.
        sentences = (
            sentence for concept in self.chapter.concepts for sentence in concept.sentences
        )
        for name in dict.fromkeys(_NAMED_WORD.findall(" ".join(sentences))):  # names recur
            found.update(self.vocabulary.word_terms(name))
        return frozenset(found)

    def _term_set(self, text: str) -> frozenset[str]:
        found = self._sets.get(text)
        if found is None:
            found = self._sets[text] = frozenset(self.vocabulary.terms(text))
        return found

    def _head_terms(self, sentence: str) -> frozenset[str]:
        """Terms of a sentence's first three words (what it is about), once per sentence."""
        found = self._heads.get(sentence)
        if found is None:
            head = " ".join(sentence.split(maxsplit=3)[:3])
            found = self._heads[sentence] = self._term_set(head)
        return found

    def _is_blankable(self, word: str) -> bool:
        """Whether a cloze may blank ``word``: asked once per word of the chapter."""
        found = self._blankable.get(word)
        if found is None:
            found = self._blankable[word] = _may_blank(word, self.key_terms, self._word_terms)
        return found

    def _word_terms(self, word: str) -> frozenset[str]:
        """The terms of one word of a cloze; a word of letters only is looked up whole."""
        if "'" in word or "-" in word:  # "don't", "read-only": more than one word to the terms
            return self._term_set(word)
        return frozenset(self.vocabulary.word_terms(word))

    def _section_terms(self, concept: Concept) -> frozenset[str]:
        """Every term of a section: heading, sentences, takeaway and diagram labels."""
        found: set[str] = set()
        for text in (concept.heading, *concept.sentences, concept.takeaway):
            found |= self._term_set(text)
        for flow in concept.flows:
            found |= self._term_set(
                " ".join([flow.name, *(f"{s.name} {s.caption}" for s in flow.stages)])
            )
        return frozenset(found)

    def card(self, kind: Kind, front: str, back: str, section: str, **extra: str) -> Card:
        """A card of this chapter; its id is :func:`make_card_id`'s, its prefix made once."""
        source = self._sources.get(section)
        if source is None:
            source = self._sources[section] = Source(self.source_file, section)
        return Card(
            id=f"{self._id_prefixes[kind]}-{front_digest(front)}",
            kind=kind,
            front=front,
            back=back,
            tags=self._tags[kind],
            source=source,
            **extra,
        )

    def content_sentences(self, concept: Concept) -> list[str]:
        """The section's sentences minus those that retell the ELI5 analogy."""
        found = self._content.get(concept.heading)
        if found is None:
            found = [s for s in concept.sentences if not self._is_analogy(s)]
            self._content[concept.heading] = found
        return found

    def _is_analogy(self, sentence: str) -> bool:
        found = self._term_set(sentence)
        shared = found & self.eli5_terms
        return len(shared) >= 3 and len(shared) >= 0.4 * len(found)

    def principle(self, concept: Concept) -> str:
        """The sentence that states the heading's claim most directly."""
        sentences = self.content_sentences(concept)
        if not sentences:
            return ""
        heading = self._term_set(concept.heading)
        best = max(
            range(len(sentences)),
            key=lambda i: (overlap(heading, self._term_set(sentences[i]), self.idf), -i),
        )
        return sentences[best]

    def concept_cards(self) -> list[Card]:
        cards: list[Card] = []
        for concept in self.chapter.concepts:
            cards.extend(self._concept(concept))
            cards.extend(self._definitions(concept))
            cards.extend(self._flow(concept, flow) for flow in concept.flows)
        return cards

    def _concept(self, concept: Concept) -> list[Card]:
        principle = self.principle(concept)
        statement = concept.takeaway or principle
        if not statement:
            return []
        blanked, answers = blank_words(statement, self._is_blankable)
        if not answers:
            return []
        what = "takeaway" if concept.takeaway else "key idea"
        front = f"{concept.heading}: complete the {what}. “{blanked}”"
        back_lines = [statement]
        if principle and principle != statement and not leans_back(principle):
            back_lines.append(principle)
        self._reached(concept, *back_lines)
        return [self.card(Kind.CONCEPT, front, "\n".join(back_lines), concept.heading)]

    def _definitions(self, concept: Concept) -> list[Card]:
        cards: list[Card] = []
        sentences = self.content_sentences(concept)
        asked: set[str] = set()
        for index, sentence in enumerate(sentences):
            found = definition(sentence, self.key_terms, self._term_set)
            if found is None or found.question.casefold() in asked:
                continue
            asked.add(found.question.casefold())
            chosen = [sentence]
            if index + 1 < len(sentences) and continues_subject(sentences[index + 1]):
                chosen.append(sentences[index + 1])  # "It lets vendors ...": the same subject
            back = " ".join(chosen)
            if len(back.split()) > MAX_BACK_WORDS:
                back = sentence
                chosen = [sentence]
            self._reached(concept, *chosen)
            cards.append(self.card(Kind.DEFINITION, found.question, back, concept.heading))
        return cards

    def _flow(self, concept: Concept, flow: Flow) -> Card:
        first, last = flow.stages[0].name, flow.stages[-1].name
        if len(flow.stages) > 2:
            front = f"{concept.heading}: what are the stages from {first} to {last}, in order?"
        else:
            front = f"{concept.heading}: what happens at {first} and at {last}?"
        back = flow.as_text()
        if concept.takeaway:
            back += "\n" + concept.takeaway
            self._reached(concept, concept.takeaway)
        return self.card(Kind.FLOW, front, back, concept.heading, diagram=draw_flow(flow))

    def recall_cards(self) -> list[Card]:
        cards: list[Card] = []
        for question in self.chapter.recall:
            concept = self.best_section(question)
            if concept is None:
                continue
            cards.append(
                self.card(
                    Kind.RECALL, question, self._recall_answer(question, concept), concept.heading
                )
            )
        return cards

    def best_section(self, question: str) -> Concept | None:
        """The concept section that shares the most (rarity-weighted) terms with a question."""
        wanted = self._term_set(question)
        scored = [
            (overlap(wanted, section, self.idf), -index)
            for index, section in enumerate(self.section_sets)
        ]
        best = max(scored, default=(0.0, 0))
        return self.chapter.concepts[-best[1]] if best[0] else None

    def _recall_answer(self, question: str, concept: Concept) -> str:
        """The section's sentences that answer the question: one per item it names, the reason
        for a "why", each with the sentence it leans on; then the takeaway if there is room."""
        sentences = self.content_sentences(concept)
        if not sentences:
            return concept.takeaway
        sets = [self._term_set(sentence) for sentence in sentences]
        wanted = self._term_set(question)
        items = [self._term_set(part) for part in _ITEM_SPLIT.split(question)]
        items = [item for item in items if item]
        chosen: set[int] = set()
        if len(items) >= 2:  # only then is what each sentence is about asked
            heads = [self._head_terms(sentence) for sentence in sentences]
            for number, item in enumerate(items):
                others = frozenset().union(*(o for n, o in enumerate(items) if n != number))
                best = self._sentence_about(item, others, sets, heads, chosen)
                if overlap(item, sets[best], self.idf) > 0:
                    chosen.add(best)
        asked = [overlap(wanted, terms, self.idf) for terms in sets]  # each sentence's score
        ranked = sorted(range(len(sentences)), key=lambda i: (-asked[i], i))
        if _WHY.match(question):
            reason = next((i for i in ranked if _REASON.search(sentences[i])), None)
            if reason is not None and asked[reason] > 0:
                chosen.add(reason)
        for index in ranked:
            if len(chosen) >= RECALL_SENTENCES:
                break
            if asked[index] > 0:
                chosen.add(index)
        picked = with_antecedents(sentences, chosen)
        while len(picked) > 1 and _words(sentences[i] for i in picked) > MAX_BACK_WORDS:
            chosen.discard(max(chosen, key=lambda i: (asked[i] == 0, i)))
            picked = with_antecedents(sentences, chosen or {ranked[0]})
        lines = [" ".join(sentences[i] for i in picked)]
        self._reached(concept, *(sentences[i] for i in picked))
        if concept.takeaway and _words([*lines, concept.takeaway]) + 1 <= MAX_BACK_WORDS:
            lines.append(f"Takeaway: {concept.takeaway}")
            self._reached(concept, concept.takeaway)
        return "\n".join(line for line in lines if line)

    def _sentence_about(
        self,
        item: frozenset[str],
        others: frozenset[str],
        sets: list[frozenset[str]],
        heads: list[frozenset[str]],
        chosen: set[int],
    ) -> int:
        """The sentence that answers one item a question lists, of the others it lists.

        Its own terms count most, then the item being what the sentence is about (the
        terms of its head), then not being chosen yet, then naming fewer of the other items.
        """
        own, rest = item - others, others - item
        idf = self.idf
        return _first_best(
            len(sets),
            lambda i: overlap(own, sets[i], idf) + overlap(item, sets[i], idf) / 2,
            lambda i: overlap(item, heads[i], idf),
            lambda i: i not in chosen,
            lambda i: -overlap(rest, sets[i], idf),
        )

    def extra_concept_cards(self) -> list[Card]:
        """A cloze for each content sentence no other card quotes, when it holds a key term."""
        cards: list[Card] = []
        for concept in self.chapter.concepts:
            sentences = self.content_sentences(concept)
            reached = self.reached.setdefault(concept.heading, set())
            for index, sentence in enumerate(sentences):
                if sentence in reached:
                    continue
                shown = with_antecedents(sentences, {index})
                context = " ".join(sentences[i] for i in shown if i != index)
                blanked, answers = blank_words(sentence, self._is_blankable)
                if not answers or _words([context, sentence]) > MAX_BACK_WORDS:
                    continue
                quoted = f"{context} {blanked}".strip()
                front = f"{concept.heading}: complete the key idea. “{quoted}”"
                back = " ".join(sentences[i] for i in shown)
                self._reached(concept, *(sentences[i] for i in shown))
                cards.append(self.card(Kind.CONCEPT, front, back, concept.heading))
        return cards

    def unreached(self) -> list[ParseWarning]:
        """A warning for every content sentence of a concept section that reached no card."""
        warnings: list[ParseWarning] = []
        for concept in self.chapter.concepts:
            reached = self.reached.get(concept.heading, set())
            content = set(self.content_sentences(concept))
            for index, sentence in enumerate(concept.sentences):
                if sentence in content and sentence not in reached:
                    warnings.append(
                        ParseWarning(
                            concept.line_of(index), f"sentence reaches no card: {_quote(sentence)}"
                        )
                    )
            if concept.takeaway and concept.takeaway not in reached:
                warnings.append(
                    ParseWarning(
                        concept.takeaway_line or concept.line,
                        f"takeaway reaches no card (no key term to blank): "
                        f"{_quote(concept.takeaway)}",
                    )
                )
        return warnings

    def _reached(self, concept: Concept, *sentences: str) -> None:
        self.reached.setdefault(concept.heading, set()).update(filter(None, sentences))

    def interview_cards(self) -> list[Card]:
        return [
            self.card(
                Kind.INTERVIEW,
                item.question,
                item.answer,
                "Interview Q&A",
                wrong_answer=item.wrong_answer,
            )
            for item in self.chapter.interviews
            if item.question and item.answer
        ]

    def practice_cards(self) -> list[Card]:
        if not self.chapter.practice:
            return []
        steps = [_LEAD_IN.sub("", s) for s in split_sentences(self.chapter.practice)]
        steps = [step[:1].upper() + step[1:] for step in steps if step]
        front = f"{self.chapter.practice_heading}: {self.chapter.practice}"
        back = "Self-check, did you:\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
        return [self.card(Kind.PRACTICE, front, back, self.chapter.practice_heading)]


def _first_best(count: int, *scores: Callable[[int], float]) -> int:
    """The index ``max(range(count), key=lambda i: (*(s(i) for s in scores), -i))`` gives.

    Each score is computed only for the indexes still tied on the scores before it:
    most ties are broken by the first, so the later ones are seldom computed at all.
    """
    candidates = list(range(count))
    for score in scores:
        if len(candidates) == 1:
            break
        values = [score(index) for index in candidates]
        top = max(values)
        candidates = [
            index for index, value in zip(candidates, values, strict=True) if value == top
        ]
    return candidates[0]


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _with_id(card: Card, card_id: str) -> Card:
    return replace(card, id=card_id)


def _unique_ids(cards: list[Card]) -> list[Card]:
    """Two cards with the same kind and front get ``-2``, ``-3`` suffixes, in order."""
    seen: dict[str, int] = {}
    result: list[Card] = []
    for card in cards:
        count = seen.get(card.id, 0) + 1
        seen[card.id] = count
        result.append(card if count == 1 else _with_id(card, f"{card.id}-{count}"))
    return result
