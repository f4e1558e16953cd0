"""Long-lived objects out of the garbage collector's view.

The schema, the models and the imported modules are a few hundred thousand tracked
objects; a full collection walks them all and pauses requests for ~170 ms, about every
sixth page of 100 dossiers (docs/benchmarks.md, "Read path"). Frozen, they are skipped.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Freezes what is alive now, after collecting what is not (at start-up)."""
    gc.collect()
    gc.freeze()


def refreeze_long_lived() -> None:
    """Once a new schema is served: thaws what was frozen, so the schema it replaced
    can be collected (frozen objects never are), then freezes the new one. One full
    collection, once per published form."""
    gc.unfreeze()
    freeze_long_lived()
