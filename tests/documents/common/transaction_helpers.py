"""Helpers for the durability tests: this test's transaction setup on the models' client,
and fail points of the (test-only) database server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from pymongo import AsyncMongoClient

from documents.common.counters import Counter
from documents.common.transactions import TransactionSetup, bind_transactions, setup_for


def models_client() -> AsyncMongoClient[Any]:
    """The client Beanie's models are bound to (the module app's)."""
    client: AsyncMongoClient[Any] = Counter.get_pymongo_collection().database.client
    return client


@contextmanager
def transactions_set_up(setup: TransactionSetup) -> Iterator[None]:
    """Within the block, `in_transaction` on the models' client follows `setup`."""
    client = models_client()
    before = setup_for(client)
    bind_transactions(client, setup)
    try:
        yield
    finally:
        bind_transactions(client, before)


@asynccontextmanager
async def fail_point(mode: Any, **data: Any) -> AsyncIterator[None]:
    """A `failCommand` fail point, switched off after the block."""
    admin = models_client().admin
    await admin.command({"configureFailPoint": "failCommand", "mode": mode, "data": data})
    try:
        yield
    finally:
        await admin.command({"configureFailPoint": "failCommand", "mode": "off"})
