"""DataLoaders shared by several executions, whose lookups no single caller can cancel.

A DataLoader hands every caller of `load(key)` the same future. An execution that is
cancelled (its subscriber disconnected) while awaiting that future cancels the
future itself, and every other execution waiting on it dies with CancelledError.
Here each caller awaits its own `asyncio.shield` of the shared future instead: a
cancelled caller stops waiting, and the lookup, its cached result and the other
callers go on. Loaders made per request need none of this (one execution owns them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")


class ShieldedDataLoader(DataLoader[K, T]):
    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))


def shielded(loader: DataLoader[K, T]) -> DataLoader[K, T]:
    """`loader`, not used yet, as a shielded loader: the same batch function and batch
    size, and its (empty) cache."""
    made: DataLoader[K, T] = ShieldedDataLoader(
        loader.load_fn,
        max_batch_size=loader.max_batch_size,
        cache=loader.cache,
        cache_map=loader.cache_map if loader.cache else None,
    )
    return made


def shielded_fields(loaders: Any) -> dict[str, Any]:
    """Every DataLoader attribute of a dataclass instance, shielded, by name (`Any`: to
    pass as keyword arguments beside the instance's other fields)."""
    return {
        name: shielded(value)
        for name, value in vars(loaders).items()
        if isinstance(value, DataLoader)
    }


async def run_to_end(work: Awaitable[T]) -> T:
    """`work`'s result; if the caller is cancelled meanwhile, it stops waiting and `work`
    still runs to its end. For a subscriber's own database reads: a client that leaves
    cancels them, and a PyMongo call cancelled while it opens a connection leaks that
    socket (PYTHON-5867)."""
    return await asyncio.shield(work)
