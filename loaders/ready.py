"""Values a loader already holds, handed over at once instead of through an awaitable.

A resolver that returns a plain value costs graphql-core no coroutine, task or gather;
on a page whose related documents were read ahead (schema/dossiers/prefetch.py) most
nested fields can. Anything not yet loaded, or whose batch failed, still comes as the
loader's awaitable, so errors surface at the field as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")
U = TypeVar("U")

MaybeAwaitable: TypeAlias = T | Awaitable[T]


def ready(loader: DataLoader[K, T], key: K) -> MaybeAwaitable[T]:
    """The loaded value for `key` if the loader holds it already, else `loader.load(key)`."""
    future = loader.cache_map.get(key) if loader.cache else None
    if (
        future is not None
        and future.done()
        and not future.cancelled()
        and future.exception() is None
    ):
        return future.result()
    return loader.load(key)


def then(value: MaybeAwaitable[T], make: Callable[[T], U]) -> MaybeAwaitable[U]:
    """`make(value)`, at once for a plain value, after awaiting it for an awaitable."""
    if isawaitable(value):
        return _after(value, make)
    return make(value)


async def _after(value: Awaitable[T], make: Callable[[T], U]) -> U:
    return make(await value)
