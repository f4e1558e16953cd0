"""One round trip per batch: raw finds with a batch size that avoids getMore calls."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from beanie import Document

D = TypeVar("D", bound=Document)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# SecantusDB's `$in` slows down past about a hundred values; every loader caps its batch.
MAX_BATCH = 100
# A batch's documents come back in the first reply, however many there are.
_REPLY_BATCH = 10_000


async def find_documents(
    model: type[D], query: Mapping[str, Any], sort: Sequence[tuple[str, int]] | None = None
) -> list[D]:
    cursor = model.get_pymongo_collection().find(query, sort=sort, batch_size=_REPLY_BATCH)
    return [model.model_validate(doc) for doc in await cursor.to_list()]


def in_key_order(keys: Iterable[K], found: Mapping[K, V]) -> list[V | None]:
    return [found.get(key) for key in keys]


def grouped_in_key_order(keys: Iterable[K], found: Mapping[K, list[V]]) -> list[list[V]]:
    return [found.get(key, []) for key in keys]
