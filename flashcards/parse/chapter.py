"""Chapter text -> :class:`Chapter`: what a tutorial chapter says, format-free.

Pure: ``parse_chapter(text, path)`` takes the decoded text and returns the
chapter plus warnings for text it could not place (never dropped silently).
A file that is not a chapter raises :class:`ChapterError` naming its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flashcards.errors import ChapterError
from flashcards.model import slugify
from flashcards.parse.blocks import (
    Block,
    BlockKind,
    has_box_char,
    is_markdown,
    markdown_blocks,
    site_blocks,
)
from flashcards.parse.controls import strip_controls
from flashcards.parse.diagrams import MAX_STAGES, MIN_STAGES, Flow, Stage, read_stages
from flashcards.parse.html_page import html_lines, is_html
from flashcards.parse.plain import is_plain_copy, plain_to_site

MAX_CHAPTER_CHARS = 2_000_000
"""Chapters are a few kilobytes; anything this big is the wrong file."""

FILLER = frozenset(
    {
        "see",
        "now watch",
        "watch",
        "look",
        "simple no",
        "simple right",
        "easy right",
        "keep the analogy close",
        "got it",
        "ready",
        "lets go",
    }
)
"""Sentences of the tutorial voice that carry no content."""

# Every pattern runs in linear time on any text (tests/test_fuzz.py times each one on
# long runs of the characters it looks for): a run that a quantifier could share with
# the next one is taken whole (possessive ``*+``) or only where it starts
# (``(?<!\s)\s``), a search that scans ahead stops where another match could begin, and
# what a label captures is bounded.
_TITLE = re.compile(
    r"^(\d{1,3})\s*+[.)]\s*+(.+?)(?<!\s)(?:\s++[—–]\s+|\s++-{1,2}\s+)(.+)$"
    r"|^(\d{1,3})\s*+[.)]\s*+(.+)$"
)
_MINUTES = re.compile(r"(?:estimated\s++)?time\s*+:?\s*+(\d++)\s*+min", re.IGNORECASE)
_LEVEL = re.compile(r"level\s*+:?\s*+([A-Za-z][\w -]{0,40}?)\s*+(?:\||$)", re.IGNORECASE)
"""A level is a word or two ("beginner", "hard"): the capture is bounded, so a line of
thousands of "level" words costs a bounded scan after each one, not one to the line's end."""
_ELI5 = re.compile(r"^ELI5(?: callback)?\s*:\s*(.*)$", re.IGNORECASE)
_QUESTION = re.compile(r"^Q\s*:\s*", re.IGNORECASE)
_ANSWER = re.compile(r"A(?<!\wA)\s*+:\s*+")
"""``A:``, with the boundary before the ``A`` checked after it, so a search skips from
``A`` to ``A``; what comes before is stripped (the question), so no pattern takes the
space before it."""
_WRONG = re.compile(r"Common wrong answer to avoid\s*+:?\s*+", re.IGNORECASE)
_BRIDGE = re.compile(r"^Bridge\s*[.:]\s*(.*)$", re.IGNORECASE)
_BRIDGE_PARTS = re.compile(r"^(.*?)(?<!\s)\s*+(?:→|->)\s*+(\d{1,3})\s*+(?:(?:→|->)\s*+(.*))?$")
_LINK = re.compile(r"\[[^\[\]]*+\]\(([^)\[]*+)\)")
_SENTENCE_END = re.compile(r"\s(?<=[.!?]\s)\s*+(?=[A-Z0-9“\"'(])")
"""The space after a sentence's end: ``(?<=[.!?])\\s++``, looking back from the first
space (a search can skip to spaces) instead of from every character."""
_PUNCTUATION = re.compile(r"[^\w\s]")
_TAKEAWAY_LABEL = re.compile(r"^(?:takeaway|key idea|remember)\s*+[:.-]\s*+", re.IGNORECASE)
_LONGEST_FILLER = 40
_QUOTES = "\"'“”‘’«»"


@dataclass(frozen=True)
class Concept:
    """A concept section: its heading, prose sentences, diagrams and takeaway."""

    heading: str
    sentences: tuple[str, ...]
    flows: tuple[Flow, ...] = ()
    takeaway: str = ""
    line: int = 0
    sentence_lines: tuple[int, ...] = ()
    takeaway_line: int = 0

    def line_of(self, index: int) -> int:
        """The line sentence ``index`` is on (the heading's when unknown)."""
        if index < len(self.sentence_lines):
            return self.sentence_lines[index]
        return self.line


@dataclass(frozen=True)
class Interview:
    """An interview question with its answer and the common wrong answer ("" if none)."""

    question: str
    answer: str
    wrong_answer: str = ""
    line: int = 0


@dataclass(frozen=True)
class Bridge:
    """The pointer to the next chapter."""

    teaser: str
    next_number: int | None = None
    next_file: str = ""


@dataclass(frozen=True)
class Chapter:
    """Everything a chapter teaches, in reading order."""

    number: int
    title: str
    subtitle: str = ""
    minutes: int | None = None
    level: str = ""
    eli5: str = ""
    concepts: tuple[Concept, ...] = ()
    wild: tuple[str, ...] = ()
    recall: tuple[str, ...] = ()
    interviews: tuple[Interview, ...] = ()
    practice: str = ""
    practice_heading: str = "Apply now"
    bridge: Bridge | None = None

    @property
    def slug(self) -> str:
        """``storage-in-kubernetes`` for "Storage in Kubernetes"."""
        return slugify(self.title)


@dataclass(frozen=True)
class ParseWarning:
    """Text the parser could not place, reported with its line."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedChapter:
    """A chapter and the warnings met while reading it."""

    chapter: Chapter
    warnings: tuple[ParseWarning, ...] = field(default_factory=tuple)


def parse_chapter(text: str, path: str = "<chapter>") -> ParsedChapter:
    """Read a chapter from its text: site copy, plain browser copy, Markdown or a saved page.

    Args:
        text: the decoded file contents (a BOM and CRLF line ends are fine).
        path: the file name used in errors and warnings.

    Raises:
        ChapterError: the text is empty, too large, binary or has no title line.
    """
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_CHAPTER_CHARS:
        raise ChapterError(
            f"{len(text):,} characters is far larger than a chapter (limit "
            f"{MAX_CHAPTER_CHARS:,}); is this the right file?",
            path=path,
        )
    if "\x00" in text:
        raise ChapterError("binary data (NUL bytes), not a chapter text", path=path)
    # control characters go (an ESC must not reach the deck and a terminal), line ends stay
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise ChapterError("empty file, not a chapter", path=path, line=1)
    skipped: list[ParseWarning] = []
    if is_html(text):
        page, numbers = html_lines(text)
        if not any(line.strip() for line in page):
            raise ChapterError("a web page with no chapter text in it", path=path, line=1)
        blocks = site_blocks(page, numbers)
    elif is_markdown(lines):
        blocks = markdown_blocks(lines)
    elif is_plain_copy(lines):
        site, chrome = plain_to_site(lines)
        skipped = [
            ParseWarning(part.first, f"{part.what} skipped (lines {part.first}-{part.last})")
            for part in chrome
        ]
        blocks = site_blocks(site)
    else:
        blocks = site_blocks(lines)
    if not blocks:
        raise ChapterError("no chapter text", path=path, line=1)
    return _Reader(blocks, path, skipped).read()


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, without the tutorial's filler."""
    sentences = [stripped for part in _SENTENCE_END.split(text) if (stripped := part.strip())]
    return [sentence for sentence in sentences if not is_filler(sentence)]


def is_filler(sentence: str) -> bool:
    """True for "See.", "Now watch.", "Simple, no?" and the like."""
    if len(sentence) > _LONGEST_FILLER:
        return False
    words = _PUNCTUATION.sub("", sentence.casefold()).split()
    return " ".join(words) in FILLER


class _Reader:
    """Walks the blocks once, section by section, collecting warnings."""

    def __init__(self, blocks: list[Block], path: str, warnings: list[ParseWarning]) -> None:
        self.blocks = blocks
        self.path = path
        self.warnings = list(warnings)

    def warn(self, block: Block, message: str) -> None:
        self.warnings.append(ParseWarning(block.line, message))

    def read(self) -> ParsedChapter:
        first = self.blocks[0]
        number, title, subtitle = self._title(first)
        sections = self._sections(self.blocks[1:])
        fields: dict[str, object] = {}
        header, *rest = sections
        fields.update(self._header(header[1]))
        concepts: list[Concept] = []
        for heading, body in rest:
            self._section(heading, body, concepts, fields)
        # made once with what the sections held (a replace() after would make it twice)
        chapter = Chapter(
            number=number,
            title=title,
            subtitle=subtitle,
            concepts=tuple(concepts),
            **fields,  # type: ignore[arg-type]
        )
        return ParsedChapter(chapter, tuple(sorted(self.warnings, key=lambda w: w.line)))

    def _title(self, block: Block) -> tuple[int, str, str]:
        match = _TITLE.match(block.text) if block.kind is not BlockKind.DIAGRAM else None
        if not match:
            raise ChapterError(
                "no title line: a chapter starts with '05. Title — Subtitle'",
                path=self.path,
                line=block.line,
            )
        if match.group(1):
            return int(match.group(1)), match.group(2).strip(), match.group(3).strip()
        return int(match.group(4)), match.group(5).strip(), ""

    @staticmethod
    def _sections(blocks: list[Block]) -> list[tuple[Block | None, list[Block]]]:
        sections: list[tuple[Block | None, list[Block]]] = [(None, [])]
        for block in blocks:
            if block.kind in (BlockKind.HEADING, BlockKind.TITLE):
                sections.append((block, []))
            else:
                sections[-1][1].append(block)
        return sections

    def _header(self, body: list[Block]) -> dict[str, object]:
        fields: dict[str, object] = {}
        for block in body:
            text = block.text.replace("*", "")
            if eli5 := _ELI5.match(text):
                fields["eli5"] = " ".join(eli5.group(1).split())
            elif minutes := _MINUTES.search(text):
                fields["minutes"] = int(minutes.group(1))
                if level := _LEVEL.search(text):
                    fields["level"] = _level(level.group(1))
            elif level := _LEVEL.search(text):
                fields["level"] = _level(level.group(1))
            elif not self._maybe_bridge(block, fields):
                self.warn(block, f"text before the first section was not placed: {_clip(block)}")
        return fields

    def _section(
        self,
        heading: Block | None,
        body: list[Block],
        concepts: list[Concept],
        fields: dict[str, object],
    ) -> None:
        assert heading is not None
        name = heading.text.casefold()
        if "in the wild" in name:
            fields["wild"] = self._bullets(body, fields)
        elif "recall" in name:
            fields["recall"] = self._bullets(body, fields)
        elif "interview" in name:
            fields["interviews"] = self._interviews(body, fields)
        elif name.startswith(("apply now", "try it", "exercise")):
            fields["practice_heading"] = heading.text
            fields["practice"] = self._practice(body, fields)
        else:
            concepts.append(self._concept(heading, body, fields))

    def _bullets(self, body: list[Block], fields: dict[str, object]) -> tuple[str, ...]:
        items: list[str] = []
        for block in body:
            if block.kind is BlockKind.BULLET:
                items.append(block.text)
            elif not self._maybe_bridge(block, fields):
                self.warn(block, f"expected a '- ' list item, not placed: {_clip(block)}")
        return tuple(items)

    def _interviews(self, body: list[Block], fields: dict[str, object]) -> tuple[Interview, ...]:
        found: list[Interview] = []
        pending: list[Block] = []
        for block in body:
            if self._maybe_bridge(block, fields):
                continue
            if _QUESTION.match(block.text):
                if pending:
                    found.extend(self._interview(pending))
                pending = [block]
            elif pending:
                pending.append(block)
            else:
                self.warn(block, f"expected 'Q: … A: …', not placed: {_clip(block)}")
        if pending:
            found.extend(self._interview(pending))
        return tuple(found)

    def _interview(self, blocks: list[Block]) -> list[Interview]:
        text = " ".join(block.text for block in blocks)
        text = _QUESTION.sub("", text, count=1)
        question, has_answer, rest = _partition(_ANSWER, text)
        if not has_answer or not rest.strip():
            self.warn(blocks[0], f"interview question has no 'A:' answer, not placed: {text[:60]}")
            return []
        answer, has_wrong, wrong = _partition(_WRONG, rest)
        return [
            Interview(
                question=question.strip(),
                answer=answer.strip(),
                wrong_answer=wrong.strip().strip(_QUOTES).strip() if has_wrong else "",
                line=blocks[0].line,
            )
        ]

    def _practice(self, body: list[Block], fields: dict[str, object]) -> str:
        parts: list[str] = []
        for block in body:
            if self._maybe_bridge(block, fields):
                continue
            if block.kind is BlockKind.DIAGRAM:
                self.warn(block, "a diagram in the exercise was not placed")
                continue
            parts.append(block.text)
        return " ".join(parts)

    def _concept(self, heading: Block, body: list[Block], fields: dict[str, object]) -> Concept:
        sentences: list[str] = []
        lines: list[int] = []
        flows: list[Flow] = []
        takeaway = ""
        takeaway_line = 0
        after_diagram = False
        body = [block for block in body if not self._maybe_bridge(block, fields)]
        closing = _closing_line(body)
        for index, block in enumerate(body):
            if block.kind is BlockKind.DIAGRAM:
                name = block.text
                if not name and index and _is_diagram_name(body[index - 1]):
                    name = body[index - 1].text
                    if sentences and sentences[-1] == name:
                        sentences.pop()
                        lines.pop()
                flow = self._flow(block, name or heading.text)
                if flow:
                    flows.append(flow)
                after_diagram = True
            elif (after_diagram or block is closing) and not takeaway:
                takeaway, takeaway_line = _clean_takeaway(block.text), block.line
            elif has_box_char(block.text):
                self.warn(block, f"diagram text outside a diagram, not placed: {_clip(block)}")
            else:
                found = split_sentences(block.text)
                sentences.extend(found)
                lines.extend([block.line] * len(found))
        if not takeaway:
            for index in range(len(sentences) - 1, -1, -1):
                if sentences[index].casefold().startswith("takeaway"):
                    takeaway = _clean_takeaway(sentences.pop(index))
                    takeaway_line = lines.pop(index)
                    break
        return Concept(
            heading.text,
            tuple(sentences),
            tuple(flows),
            takeaway,
            heading.line,
            tuple(lines),
            takeaway_line,
        )

    def _flow(self, block: Block, name: str) -> Flow | None:
        names, captions = read_stages(block.lines)
        if not MIN_STAGES <= len(names) <= MAX_STAGES:
            self.warn(
                block,
                f"diagram '{name}' has {len(names)} stages "
                f"(expected {MIN_STAGES}-{MAX_STAGES}), not placed",
            )
            return None
        if captions and len(captions) != len(names):
            self.warn(block, f"diagram '{name}': {len(captions)} captions for {len(names)} stages")
            captions = []
        captions = captions or [""] * len(names)
        stages = tuple(
            Stage(stage, caption) for stage, caption in zip(names, captions, strict=True)
        )
        return Flow(name, stages, block.line)

    def _maybe_bridge(self, block: Block, fields: dict[str, object]) -> bool:
        match = _BRIDGE.match(block.text) if block.kind is BlockKind.PARAGRAPH else None
        if not match:
            return False
        parts = _BRIDGE_PARTS.match(match.group(1))
        if parts:
            file = parts.group(3) or ""
            link = _LINK.search(file)
            file = (link.group(1) if link else file).strip()
            fields["bridge"] = Bridge(parts.group(1).strip(), int(parts.group(2)), file)
        else:
            fields["bridge"] = Bridge(match.group(1).strip())
        return True


def _partition(pattern: re.Pattern[str], text: str) -> tuple[str, bool, str]:
    match = pattern.search(text)
    if not match:
        return text, False, ""
    return text[: match.start()], True, text[match.end() :]


def _is_diagram_name(block: Block) -> bool:
    """A short label right before a diagram ("pv claim flow") names it."""
    text = block.text
    return (
        block.kind is BlockKind.PARAGRAPH
        and len(text.split()) <= 6
        and not text.endswith((".", "!", "?", ":"))
    )


def _level(text: str) -> str:
    """``Very Hard`` -> ``very-hard``: the level is a card tag, and a tag is one word."""
    return "-".join(text.lower().split())


def _closing_line(body: list[Block]) -> Block | None:
    """A section without a diagram may end in a takeaway: a one-sentence paragraph of its own."""
    if len(body) < 2 or any(block.kind is BlockKind.DIAGRAM for block in body):
        return None
    last = body[-1]
    if last.kind is not BlockKind.PARAGRAPH or len(split_sentences(last.text)) != 1:
        return None
    return last


def _clean_takeaway(text: str) -> str:
    text = _TAKEAWAY_LABEL.sub("", text)
    return text.strip().strip(_QUOTES).strip()


def _clip(block: Block, limit: int = 60) -> str:
    text = block.text or " ".join(block.lines)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
