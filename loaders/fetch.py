"""One round trip per batch: raw finds with a batch size that avoids getMore calls. A
document this version cannot read is skipped and counted (documents/common/tolerant.py),
never allowed to fail the whole batch."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from beanie import Document

from documents.common.tolerant import Unreadable, read, read_all

D = TypeVar("D", bound=Document)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# SecantusDB's `$in` slows down past about a hundred values; every loader caps its batch.
MAX_BATCH = 100
# A batch's documents come back in the first reply, however many there are.
_REPLY_BATCH = 10_000


async def find_raw(
    model: type[D], query: Mapping[str, Any], sort: Sequence[tuple[str, int]] | None = None
) -> list[dict[str, Any]]:
    cursor = model.get_pymongo_collection().find(query, sort=sort, batch_size=_REPLY_BATCH)
    return await cursor.to_list()


async def find_documents(
    model: type[D], query: Mapping[str, Any], sort: Sequence[tuple[str, int]] | None = None
) -> list[D]:
    """The documents this version can read; the others are skipped and counted."""
    return read_all(model, await find_raw(model, query, sort))


async def find_by_key(model: type[D], key: str, values: list[Any]) -> dict[Any, D | Unreadable]:
    """Documents by a unique `key`, each read or known to be unreadable."""
    wanted = set(values)
    found: dict[Any, D | Unreadable] = {}
    for raw in await find_raw(model, {key: {"$in": values}}):
        value = raw.get(key)
        if isinstance(value, Hashable) and value in wanted:  # not, say, an array holding it
            found[value] = read(model, raw)
    return found


def in_key_order(keys: Iterable[K], found: Mapping[K, V]) -> list[V | None]:
    return [found.get(key) for key in keys]


def grouped_in_key_order(keys: Iterable[K], found: Mapping[K, list[V]]) -> list[list[V]]:
    return [found.get(key, []) for key in keys]
