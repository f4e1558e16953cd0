"""Idempotency keys always end: a claim has a lease, a retry within it answers IN_PROGRESS
at once, a retry after it runs the request again, and a run whose claim was taken over
cannot commit; cleaning up after a failure never waits on the database for long."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.access.idempotency import (
    IdempotencyRecord,
    IdempotencyTiming,
    RecordState,
    run_once,
)
from documents.common.counters import Counter
from documents.common.errors import DomainError, ErrorCode
from documents.common.transactions import in_transaction
from tests.documents.common.transaction_helpers import models_client

pytestmark = pytest.mark.usefixtures("http")  # the module's app binds the models

SCOPE, FINGERPRINT = "citizen:someone|key-1", "f" * 64
TIMING = IdempotencyTiming(lease_seconds=5.0, wait_seconds=0.2, cleanup_seconds=0.3)


def _remember_marker(returned: object) -> str | None:
    return returned if isinstance(returned, str) else None


async def _marked(name: str) -> str:
    """The work: one write (a counter named `name`) in a transaction, which returns it."""

    async def write(session: AsyncClientSession) -> str:
        await Counter.get_pymongo_collection().update_one(
            {"_id": name}, {"$inc": {"seq": 1}}, upsert=True, session=session
        )
        return name

    return await in_transaction(Counter, write)


async def _stuck(**fields: Any) -> None:
    """A PENDING record as a crashed run leaves it, written directly."""
    record = {
        "scope_key": SCOPE,
        "request_hash": FINGERPRINT,
        "state": "PENDING",
        "result_code": None,
        "error": None,
        "created_at": datetime.now(UTC),
        **fields,
    }
    await IdempotencyRecord.get_pymongo_collection().insert_one(record)


async def _record() -> IdempotencyRecord:
    found = await IdempotencyRecord.find_one(IdempotencyRecord.scope_key == SCOPE)
    assert found is not None
    return found


async def test_a_retry_within_a_dead_runs_lease_is_in_progress_at_once_and_runs_after_it() -> None:
    lease_until = datetime.now(UTC) + timedelta(seconds=1.5)
    await _stuck(owner="a-crashed-run", lease_until=lease_until)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(DomainError) as refused:
        await run_once(SCOPE, FINGERPRINT, lambda: _marked("m"), timing=TIMING)
    assert loop.time() - started < 1.0  # waited `wait_seconds`, not the whole lease
    assert refused.value.code is ErrorCode.IN_PROGRESS
    assert refused.value.retry_after_seconds in {1, 2}
    assert await Counter.find_one(Counter.id == "m") is None

    await asyncio.sleep((lease_until - datetime.now(UTC)).total_seconds() + 0.05)
    done = await run_once(
        SCOPE, FINGERPRINT, lambda: _marked("m"), timing=TIMING, committed=_remember_marker
    )
    assert done == "m"
    record = await _record()
    assert (record.state, record.result_code) == (RecordState.DONE, "m")
    # A retry now replays it without running the work again.
    assert await run_once(SCOPE, FINGERPRINT, lambda: _marked("again"), timing=TIMING) == "m"
    assert await Counter.find_one(Counter.id == "again") is None


async def test_a_key_left_pending_by_an_older_version_runs_again_at_once() -> None:
    await _stuck()  # no owner, no lease: what a crash used to leave, stuck for ever
    done = await run_once(
        SCOPE, FINGERPRINT, lambda: _marked("m"), timing=TIMING, committed=_remember_marker
    )
    assert done == "m"
    assert (await _record()).state is RecordState.DONE


async def test_a_run_whose_claim_was_taken_over_cannot_commit_and_answers_the_others_result() -> (
    None
):
    short = IdempotencyTiming(lease_seconds=0.5, wait_seconds=0.1, cleanup_seconds=0.3)
    first_wrote, go_on = asyncio.Event(), asyncio.Event()

    async def slow(session: AsyncClientSession) -> str:
        await Counter.get_pymongo_collection().insert_one({"_id": "first"}, session=session)
        first_wrote.set()
        await go_on.wait()  # paused, as a process that froze; its lease runs out
        return "first"

    first = asyncio.create_task(
        run_once(
            SCOPE,
            FINGERPRINT,
            lambda: in_transaction(Counter, slow),
            timing=short,
            committed=_remember_marker,
        )
    )
    await first_wrote.wait()
    await asyncio.sleep(0.6)
    second = await run_once(
        SCOPE, FINGERPRINT, lambda: _marked("second"), timing=short, committed=_remember_marker
    )
    go_on.set()
    assert second == "second"
    assert await first == "second"  # its transaction aborted; it answers what was stored
    assert await Counter.find_one(Counter.id == "first") is None
    assert await Counter.find_one(Counter.id == "second") is not None
    assert (await _record()).result_code == "second"


async def test_a_domain_error_is_kept_and_replayed() -> None:
    async def refused() -> str:
        raise DomainError(ErrorCode.NOT_FOUND, "no such procedure", "procedureCode")

    for _ in range(2):
        with pytest.raises(DomainError) as error:
            await run_once(SCOPE, FINGERPRINT, refused, timing=TIMING)
        assert (error.value.code, error.value.field) == (ErrorCode.NOT_FOUND, "procedureCode")
    assert (await _record()).state is RecordState.DONE


async def test_the_same_key_for_another_request_is_an_idempotency_conflict() -> None:
    await _stuck(owner="someone", lease_until=datetime.now(UTC) + timedelta(seconds=30))
    with pytest.raises(DomainError) as refused:
        await run_once(SCOPE, "0" * 64, lambda: _marked("m"), timing=TIMING)
    assert refused.value.code is ErrorCode.IDEMPOTENCY_CONFLICT


async def test_cleaning_up_after_a_failure_never_waits_long_for_the_database() -> None:
    client = models_client()
    async with client.start_session() as locker:

        async def broken() -> str:
            # Another transaction holds the record, so the clean-up's delete waits, as on
            # a database that stopped answering.
            await locker.start_transaction()
            await IdempotencyRecord.get_pymongo_collection().update_one(
                {"scope_key": SCOPE}, {"$set": {"held": True}}, session=locker
            )
            raise RuntimeError("a bug")

        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(5):
                with pytest.raises(RuntimeError):
                    await run_once(SCOPE, FINGERPRINT, broken, timing=TIMING)
            took = loop.time() - started
        finally:
            await locker.abort_transaction()
    assert took < TIMING.cleanup_seconds + 0.5
