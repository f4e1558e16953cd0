"""Monotonic counters for codes and versions, bumped atomically by MongoDB."""

from __future__ import annotations

from beanie import Document
from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession


class Counter(Document):
    """`_id` names what is counted, e.g. `dossier:000.00.15.H26:261129`."""

    id: str  # type: ignore[assignment]  # Beanie's id is an ObjectId by default
    seq: int = 0

    class Settings:
        name = "counters"


async def next_value(name: str, session: AsyncClientSession | None = None, by: int = 1) -> int:
    """Increment the counter `name` by `by` and return its new value (`by` on first use).

    Inside a transaction the increment is undone if the transaction aborts, which
    is what keeps dossier codes gap-free.
    """
    doc = await Counter.get_pymongo_collection().find_one_and_update(
        {"_id": name},
        {"$inc": {"seq": by}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    assert doc is not None  # upsert with ReturnDocument.AFTER always returns one
    return int(doc["seq"])


async def raise_to(name: str, value: int) -> None:
    """Move the counter `name` up to `value` unless it is past it already."""
    await Counter.get_pymongo_collection().update_one(
        {"_id": name}, {"$max": {"seq": value}}, upsert=True
    )
