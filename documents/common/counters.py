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


async def next_value(name: str, session: AsyncClientSession | None = None) -> int:
    """Increment and return the counter `name` (1 on first use).

    Inside a transaction the increment is undone if the transaction aborts, which
    is what keeps dossier codes gap-free.
    """
    doc = await Counter.get_pymongo_collection().find_one_and_update(
        {"_id": name},
        {"$inc": {"seq": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    assert doc is not None  # upsert with ReturnDocument.AFTER always returns one
    return int(doc["seq"])
