"""Card styling shared by every k8sprep note type.

Readable on a desktop and on a phone (fluid width, no fixed sizes except the
diagram's monospace, which scrolls sideways inside its own box rather than wrap
and break the drawing, or widen the page), and in Anki's night mode: desktop
and AnkiMobile set ``.nightMode``, AnkiDroid sets ``.night_mode``; both switch
the same colour variables. Every colour lives in those two variable blocks, so
no element can keep a day colour at night (a test holds this).

The diagram keeps the font's own line height (``normal``): box-drawing
characters are drawn to span exactly that height, so a taller line leaves gaps
in every vertical stroke. Ligatures are off so ``->`` stays two characters wide
in fonts that would draw an arrow.
"""

from __future__ import annotations

CSS = """\
.card {
  --bg: #ffffff; --fg: #1d2330; --muted: #5b6475; --accent: #2f5fc4; --rule: #d5dae3;
  --trap-bg: #fff1f0; --trap-fg: #a8071a; --pre-bg: #f3f5f9; --pre-rule: #dfe3ea;
  --good-fg: #17653a;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.45; color: var(--fg); background: var(--bg);
  text-align: left; margin: 0; padding: 0.6em;
}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card,
body.nightMode, body.night_mode {
  --bg: #16191f; --fg: #e6e9ef; --muted: #a3abbc; --accent: #8fb0f8; --rule: #3b4252;
  --trap-bg: #3a1d1f; --trap-fg: #ff9b94; --pre-bg: #1f2430; --pre-rule: #343b4a;
  --good-fg: #7ddc9f;
  background: var(--bg);
}
.k8s { max-width: 42em; margin: 0 auto; overflow-wrap: break-word; }
.kind {
  font-size: 0.7em; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase;
  color: var(--accent); margin-bottom: 0.4em;
}
.spot .kind { color: var(--trap-fg); }
.q { font-size: 1.1em; font-weight: 600; }
.practice .q { font-size: 1em; font-weight: 400; }
.answer, .stages { margin: 0.6em 0; }
.answer-label {
  margin-top: 0.6em; font-size: 0.7em; font-weight: 700; letter-spacing: 0.06em;
  text-transform: uppercase; color: var(--good-fg);
}
.answer-label + .answer { margin-top: 0.2em; }
.stages ol, .answer ol { margin: 0.3em 0; padding-left: 1.6em; }
.stages li, .answer li { margin: 0.2em 0; }
.flow-note { margin-top: 0.4em; color: var(--muted); }
.trap, .candidate {
  margin: 0.8em 0; padding: 0.5em 0.7em; border-left: 4px solid var(--trap-fg);
  background: var(--trap-bg); border-radius: 4px;
}
.trap-label { font-weight: 700; color: var(--trap-fg); }
.prompt { margin-top: 0.6em; font-style: italic; color: var(--muted); }
pre.diagram {
  font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.7em; line-height: normal; font-variant-ligatures: none; tab-size: 8;
  white-space: pre; overflow-wrap: normal; overflow-x: auto; max-width: 100%;
  box-sizing: border-box; text-align: left;
  background: var(--pre-bg); color: var(--fg); border: 1px solid var(--pre-rule);
  padding: 0.6em; border-radius: 4px; margin: 0.8em 0;
}
.source { margin-top: 1em; font-size: 0.7em; color: var(--muted); }
hr#answer {
  border: 0; border-top: 1px solid var(--rule); max-width: 42em; margin: 0.8em auto;
}
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 0.4em; }
  pre.diagram { font-size: 0.6em; padding: 0.5em; }
}
"""
