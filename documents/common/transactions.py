"""Run a unit of work in one MongoDB transaction, retried on transient conflicts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from beanie import Document
from pymongo.asynchronous.client_session import AsyncClientSession

T = TypeVar("T")


async def in_transaction(
    model: type[Document], work: Callable[[AsyncClientSession], Awaitable[T]]
) -> T:
    """Run `work(session)` in a transaction on `model`'s client.

    `with_transaction` retries the whole callback on TransientTransactionError,
    e.g. two submissions bumping the same code counter, so `work` must build its
    documents afresh on each call.
    """
    client = model.get_pymongo_collection().database.client
    async with client.start_session() as session:
        return await session.with_transaction(work)
