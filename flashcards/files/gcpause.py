"""Pause Python's cycle collector while a million rows are built.

Building a million tuples (the review log read for an Anki export, the package's
revlog rows) sets off a full collection again and again, each walking every object
alive: a third of the export's time. Those rows hold no cycles, so nothing is lost
by not collecting them at all: what survives the block joins the oldest generation
unexamined (as :func:`gc.freeze` then :func:`gc.unfreeze` do), where only the next
full collection looks at it, instead of the young one walking every row at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cycle collector off; it is back as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()  # everything tracked, to the permanent generation...
            gc.unfreeze()  # ...and from there to the oldest one: no walk over the rows
            gc.enable()
