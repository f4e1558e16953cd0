"""`in_transaction`: time-limited whatever holds its locks, a step of the caller's run
inside the transaction that commits, and the session leased before the first write."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from api.settings import Settings
from documents.common.counters import Counter
from documents.common.session_leases import COLLECTION, SessionLease
from documents.common.transactions import (
    TransactionLimits,
    TransactionSetup,
    finishing_in_transaction,
    in_transaction,
)
from tests.documents.common.transaction_helpers import models_client, transactions_set_up

pytestmark = pytest.mark.usefixtures("http")  # the module's app binds the models


async def _bump(name: str, session: AsyncClientSession) -> str:
    await Counter.get_pymongo_collection().update_one(
        {"_id": name}, {"$inc": {"seq": 1}}, upsert=True, session=session
    )
    return name


async def test_a_transaction_waiting_on_a_lock_ends_within_its_time_limit() -> None:
    loop = asyncio.get_running_loop()
    async with models_client().start_session() as holder:
        # An open transaction holds the counter, as a dead process's would.
        await holder.start_transaction()
        await _bump("agency", holder)
        try:
            with transactions_set_up(TransactionSetup(TransactionLimits(timeout_seconds=1.0))):
                started = loop.time()
                async with asyncio.timeout(5):  # without a limit it waits for the lock
                    with pytest.raises(PyMongoError) as stopped:
                        await in_transaction(Counter, lambda s: _bump("agency", s))
                took = loop.time() - started
        finally:
            await holder.abort_transaction()
    assert stopped.value.timeout
    assert took < 2.0


async def test_a_transaction_kept_waiting_still_retries_often() -> None:
    """PyMongo's `with_transaction` grows its pause between attempts to 0.5 s: after a
    dead process's lock was freed, the transaction that had waited longest tried least
    often and lost the shared counters to fresh ones until its limit (issue 13)."""
    loop = asyncio.get_running_loop()
    attempts: list[float] = []

    async def bump(session: AsyncClientSession) -> str:
        attempts.append(loop.time())
        return await _bump("agency", session)

    async with models_client().start_session() as holder:
        await holder.start_transaction()
        await _bump("agency", holder)
        try:
            with transactions_set_up(TransactionSetup(TransactionLimits(timeout_seconds=10.0))):
                waiting = asyncio.create_task(in_transaction(Counter, bump))
                await asyncio.sleep(3.0)
                late = [t for t in attempts if t > loop.time() - 1.0]
        finally:
            await holder.abort_transaction()
        freed = loop.time()
        await waiting
        took = loop.time() - freed
    assert len(late) >= 10, f"{len(late)} attempts in the third second of waiting"
    assert took < 0.3


async def test_a_transaction_that_ran_out_of_time_leaves_no_lock_behind(settings: Settings) -> None:
    async def slow(session: AsyncClientSession) -> str:
        await _bump("agency", session)
        await asyncio.sleep(1.2)  # past the limit: the abort could no longer be sent
        return await _bump("agency", session)

    limited = TransactionSetup(TransactionLimits(timeout_seconds=1.0))
    with transactions_set_up(limited), pytest.raises(PyMongoError) as stopped:
        await in_transaction(Counter, slow)
    assert stopped.value.timeout
    # Another process's transaction gets the counter at once, not after the database's
    # 60 s transaction lifetime.
    other: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    try:
        async with asyncio.timeout(3), other.start_session() as session:

            async def write(session: AsyncClientSession) -> None:
                counters = other[settings.database]["counters"]
                await counters.update_one(
                    {"_id": "agency"}, {"$inc": {"seq": 1}}, upsert=True, session=session
                )

            await session.with_transaction(write)
    finally:
        await other.close()
    stored = await Counter.find_one(Counter.id == "agency")
    assert stored is not None
    assert stored.seq == 1


async def test_the_finishing_step_commits_with_the_work_or_aborts_it() -> None:
    async def finish(session: AsyncClientSession, returned: object) -> None:
        await _bump(f"finished-{returned}", session)

    with finishing_in_transaction(finish) as finishing:
        assert await in_transaction(Counter, lambda s: _bump("work", s)) == "work"
        assert finishing.committed
        await in_transaction(Counter, lambda s: _bump("later", s))  # the step ran once
    assert await Counter.find_one(Counter.id == "finished-work") is not None
    assert await Counter.find_one(Counter.id == "finished-later") is None

    async def refuse(session: AsyncClientSession, returned: object) -> None:
        await _bump("refused", session)
        raise LookupError("the claim was lost")

    with finishing_in_transaction(refuse) as finishing, pytest.raises(LookupError):
        await in_transaction(Counter, lambda s: _bump("aborted", s))
    assert not finishing.committed
    # Aborted after the work: neither the work's write nor the step's exists.
    assert await Counter.find_one(Counter.id == "aborted") is None
    assert await Counter.find_one(Counter.id == "refused") is None


async def test_a_transactions_session_is_in_the_lease_before_it_writes() -> None:
    database = Counter.get_pymongo_collection().database
    lease = SessionLease(database)
    seen: list[bool] = []

    async def work(session: AsyncClientSession) -> str:
        stored = await database[COLLECTION].find_one({"_id": lease.id})
        seen.append(stored is not None and session.session_id["id"] in stored["lsids"])
        return await _bump("leased", session)

    with transactions_set_up(TransactionSetup(lease=lease)):
        await in_transaction(Counter, work)
        await in_transaction(Counter, work)  # a pooled session: recorded once
    assert seen == [True, True]
    stored = await database[COLLECTION].find_one({"_id": lease.id})
    assert stored is not None
    assert {bytes(i) for i in stored["lsids"]} == lease.enlisted
    assert len(lease.enlisted) == 1


async def test_each_attempt_takes_its_own_turn() -> None:
    """A transaction that conflicted gives its turn back and queues again, rather than
    retrying beside the next holder (documents/dossiers/events.py)."""
    attempts, turns, holding = 0, [], [0]

    @contextlib.asynccontextmanager
    async def turn() -> AsyncIterator[None]:
        holding[0] += 1
        turns.append(holding[0])
        try:
            yield
        finally:
            holding[0] -= 1

    async def bump(session: AsyncClientSession) -> str:
        nonlocal attempts
        attempts += 1
        assert holding[0] == 1  # every attempt, its commit included, within a turn
        return await _bump("agency", session)

    async with models_client().start_session() as holder:
        await holder.start_transaction()
        await _bump("agency", holder)  # the counter is held: the first attempts conflict
        try:
            with transactions_set_up(TransactionSetup(TransactionLimits(timeout_seconds=10.0))):
                waiting = asyncio.create_task(in_transaction(Counter, bump, turn=turn))
                await asyncio.sleep(0.5)
        finally:
            await holder.abort_transaction()
        await waiting
    assert attempts > 1
    assert len(turns) == attempts
    assert holding == [0]
