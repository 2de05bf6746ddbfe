"""Card styling shared by every k8sprep note type.

Readable on a desktop and on a phone (fluid width, no fixed sizes except the
diagram's monospace, which scrolls sideways rather than wrap and break the
drawing), and in Anki's night mode: desktop and AnkiMobile set ``.nightMode``,
AnkiDroid sets ``.night_mode``; both switch the same colour variables.
"""

from __future__ import annotations

CSS = """\
.card {
  --fg: #1d2330; --muted: #5b6475; --accent: #326ce5; --rule: #d5dae3;
  --trap-bg: #fff1f0; --trap-fg: #a8071a; --pre-bg: #f5f7fa;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.45; color: var(--fg); background: #fff;
  text-align: left; margin: 0; padding: 0.6em;
}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card {
  --fg: #e6e9ef; --muted: #9aa3b5; --accent: #7aa2f7; --rule: #3b4252;
  --trap-bg: #3a1d1f; --trap-fg: #ff9b94; --pre-bg: #1f2430;
  background: #16191f;
}
.k8s { max-width: 42em; margin: 0 auto; }
.kind {
  font-size: 0.7em; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase;
  color: var(--accent); margin-bottom: 0.4em;
}
.q { font-size: 1.1em; font-weight: 600; }
.answer, .stages { margin: 0.6em 0; }
.stages ol { margin: 0.3em 0; padding-left: 1.6em; }
.stages li { margin: 0.2em 0; }
.flow-note { margin-top: 0.4em; color: var(--muted); }
.trap, .candidate {
  margin: 0.8em 0; padding: 0.5em 0.7em; border-left: 4px solid var(--trap-fg);
  background: var(--trap-bg); border-radius: 4px;
}
.trap-label { font-weight: 700; color: var(--trap-fg); }
.trap-text { text-decoration: line-through; text-decoration-color: var(--trap-fg); }
.prompt { margin-top: 0.6em; font-style: italic; color: var(--muted); }
pre.diagram {
  font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.7em; line-height: 1.25; white-space: pre; overflow-x: auto;
  background: var(--pre-bg); color: var(--fg); padding: 0.6em; border-radius: 4px;
}
.source { margin-top: 1em; font-size: 0.7em; color: var(--muted); }
hr#answer { border: 0; border-top: 1px solid var(--rule); margin: 0.8em 0; }
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 0.4em; }
  pre.diagram { font-size: 0.6em; }
}
"""
