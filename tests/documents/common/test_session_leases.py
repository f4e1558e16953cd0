"""Session leases: a dead process's open transaction is killed by the reaper, a live
process's lease is left alone, and a lease reaped while its process lived is restored."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from documents.common.counters import Counter
from documents.common.session_leases import (
    COLLECTION,
    SessionLease,
    reap_dead_leases,
    server_time,
)
from documents.common.transactions import in_transaction
from tests.documents.common.transaction_helpers import models_client

pytestmark = pytest.mark.usefixtures("http")  # the module's app binds the models


def _database() -> AsyncDatabase[Any]:
    database: AsyncDatabase[Any] = Counter.get_pymongo_collection().database
    return database


async def _silence(lease: SessionLease, seconds: float) -> None:
    """Back-date the lease's heartbeat, as if its process stopped `seconds` ago."""
    then = await server_time(_database()) - timedelta(seconds=seconds)
    await _database()[COLLECTION].update_one({"_id": lease.id}, {"$set": {"heartbeat_at": then}})


async def _bump(session: AsyncClientSession) -> None:
    await Counter.get_pymongo_collection().update_one(
        {"_id": "agency"}, {"$inc": {"seq": 1}}, upsert=True, session=session
    )


async def test_the_reaper_kills_a_dead_leases_transaction_and_spares_live_ones() -> None:
    database = _database()
    dead, alive, mine = SessionLease(database), SessionLease(database), SessionLease(database)
    for lease in (alive, mine):
        await lease.renew()
    async with models_client().start_session() as orphan:
        await dead.enlist(orphan)
        await orphan.start_transaction()
        await _bump(orphan)  # holds the counter; its process then "dies"
        await _silence(dead, 10)
        await _silence(mine, 10)  # one's own lease is never reaped by oneself
        assert await reap_dead_leases(database, 5.0, spare=mine.id) == 1
        async with asyncio.timeout(3):  # the lock is free at once, not after 60 s
            await in_transaction(Counter, _bump)
        with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the driver calls it
            await orphan.commit_transaction()
    remaining = {lease["_id"] async for lease in database[COLLECTION].find()}
    assert remaining == {alive.id, mine.id}
    stored = await Counter.find_one(Counter.id == "agency")
    assert stored is not None
    assert stored.seq == 1  # the dead transaction's increment was rolled back


async def test_a_lease_reaped_while_its_process_lived_is_written_again_with_its_sessions() -> None:
    database = _database()
    lease = SessionLease(database)
    async with models_client().start_session() as session:
        await lease.enlist(session)
        lsid = session.session_id["id"]
    await _silence(lease, 10)
    assert await reap_dead_leases(database, 5.0) == 1
    await lease.renew()
    stored = await database[COLLECTION].find_one({"_id": lease.id})
    assert stored is not None
    assert stored["lsids"] == [lsid]
    assert await reap_dead_leases(database, 5.0) == 0
