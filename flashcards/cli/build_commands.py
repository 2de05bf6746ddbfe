"""``k8sprep build`` and ``k8sprep decks``: chapters in, YAML decks out."""

from __future__ import annotations
