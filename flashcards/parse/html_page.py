"""A saved chapter page (``.html``, Material for MkDocs) -> site-text lines with their numbers.

The page is read with the standard library's HTML parser, never with patterns:
headings (``<h1>``/``<h2>`` keep their ``headerlink`` ``¶``), paragraphs, list
items, ``<pre><code>`` diagrams and admonitions become the lines a site copy
would have, each tagged with the line of the page it starts on, so warnings
name lines of the ``.html`` file. The site's header, navigation, sidebars,
footer, scripts and styles are ignored; when the page has an ``<article>``,
only the article is read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_IGNORED = frozenset({"header", "nav", "footer", "script", "style", "aside", "noscript", "form"})
_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def is_html(text: str) -> bool:
    """A saved page starts with ``<!doctype html>`` or ``<html``."""
    return bool(_HTML_START.match(text[:4096]))


def html_lines(text: str) -> tuple[list[str], list[int]]:
    """The page's chapter text as site-text lines, and each line's number in the page."""
    reader = _PageReader(only_article="<article" in text.casefold())
    reader.feed(text)
    reader.close()
    reader.flush()
    return reader.lines, reader.numbers


class _PageReader(HTMLParser):
    """Collects block texts in reading order, skipping the site around the chapter."""

    def __init__(self, *, only_article: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.only_article = only_article
        self.lines: list[str] = []
        self.numbers: list[int] = []
        self.article_depth = 0
        self.ignored_depth = 0
        self.pre_depth = 0
        self.pre_line = 0
        self.pre_text: list[str] = []
        self.text: list[str] = []
        self.text_line = 0
        self.prefix = ""
        self.admonition_title = False
        self.pending_label = ""
        self.open_tags: list[tuple[str, bool]] = []

    @property
    def reading(self) -> bool:
        return self.ignored_depth == 0 and (not self.only_article or self.article_depth > 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        ignores = tag in _IGNORED or "md-sidebar" in classes or "md-search" in classes
        self.open_tags.append((tag, ignores))
        if tag == "article":
            self.article_depth += 1
        if ignores:
            self.ignored_depth += 1
        if not self.reading:
            return
        if tag == "pre":
            self.flush()
            self.pre_depth += 1
            self.pre_line = self.getpos()[0]
            self.pre_text = []
        elif tag in _BLOCKS:
            self.flush()
            self.text_line = self.getpos()[0]
            self.prefix = "- " if tag == "li" else ""
            self.admonition_title = tag == "p" and "admonition-title" in classes

    def handle_endtag(self, tag: str) -> None:
        if all(open_tag != tag for open_tag, _ in self.open_tags):
            return  # a stray end tag: nothing was opened for it
        while self.open_tags[-1][0] != tag:
            self.handle_endtag(self.open_tags[-1][0])  # close what the page left open
        _, ignores = self.open_tags.pop()
        if self.reading:
            if tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
                self._add_pre()
            elif tag in _BLOCKS:
                self.flush()
        if ignores:
            self.ignored_depth -= 1
        if tag == "article":
            self.article_depth = max(0, self.article_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.reading:
            return
        if self.pre_depth:
            self.pre_text.append(data)
            return
        if not self.text:
            if not data.strip():
                return
            if not self.text_line:
                self.text_line = self.getpos()[0]
        self.text.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        line, self.text_line = self.text_line, 0
        if not text:
            return
        if self.admonition_title:
            self.admonition_title = False
            self.pending_label = text.rstrip(":")
            return
        if self.pending_label:
            text, self.pending_label = f"{self.pending_label}: {text}", ""
        self.lines.append(self.prefix + text)
        self.numbers.append(line or self.getpos()[0])
        self.prefix = ""

    def _add_pre(self) -> None:
        rows = "".join(self.pre_text).split("\n")
        for offset, row in enumerate(rows):
            if row.strip():
                self.lines.append(row.rstrip())
                self.numbers.append(self.pre_line + offset)
        self.lines.append("")
        self.numbers.append(self.pre_line + len(rows))
