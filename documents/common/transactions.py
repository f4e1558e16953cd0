"""Run a unit of work in one MongoDB transaction: time-limited, retried on transient
conflicts, its session leased so a dead process's transaction can be killed, and with a
step of the caller's run just before the commit (an idempotency key's DONE state)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import pymongo
from beanie import Document
from pymongo import AsyncMongoClient, _csot
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import ExecutionTimeout, OperationFailure, PyMongoError

from documents.common.session_leases import SessionLease

T = TypeVar("T")

BeforeCommit = Callable[[AsyncClientSession, object], Awaitable[None]]

KILL_SECONDS = 1.0
# Between two attempts of a transaction that conflicted: a random pause up to this, the
# same for every attempt. PyMongo's `with_transaction` grows its pause to 0.5 s, so the
# transaction that has waited longest (on a dead process's lock, say) retried least
# often and kept losing the shared counters to fresh ones until its time ran out.
RETRY_PAUSE_SECONDS = 0.02
# A transaction with no time limit bound stops retrying after this, as PyMongo's does.
RETRY_SECONDS = 120.0


@dataclass(frozen=True)
class TransactionLimits:
    """How long one `in_transaction` call may take, `with_transaction`'s retries and the
    commit included: PyMongo's client-side operation timeout gives each command the time
    that is left as its `maxTimeMS` and ends the retries when it runs out."""

    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class TransactionSetup:
    """What a database client's transactions use: their time limit, and the process's
    session lease (None when no heartbeat runs, e.g. tests without background services)."""

    limits: TransactionLimits | None = None
    lease: SessionLease | None = None


# Each app binds its own client at start-up and unbinds it at shutdown; a client nothing
# bound (the CLI, demo seeding, a test's own) runs transactions as PyMongo does by default.
_bound: dict[int, tuple[object, TransactionSetup]] = {}


def bind_transactions(client: object, setup: TransactionSetup) -> None:
    """Make `in_transaction` on models bound to `client` follow `setup`."""
    _bound[id(client)] = (client, setup)


def unbind_transactions(client: object) -> None:
    _bound.pop(id(client), None)


def setup_for(client: object) -> TransactionSetup:
    found = _bound.get(id(client))
    return found[1] if found is not None and found[0] is client else TransactionSetup()


class Finishing:
    """A step that the first transaction to commit within `finishing_in_transaction` runs
    after its work and before its commit, with the work's result; `committed` tells the
    caller whether that happened (False: no transaction ran, or none committed)."""

    def __init__(self, step: BeforeCommit) -> None:
        self.step = step
        self.committed = False
        self.closed = False

    @property
    def pending(self) -> bool:
        return not (self.committed or self.closed)


_finishing: ContextVar[Finishing | None] = ContextVar("finishing", default=None)


@contextlib.contextmanager
def finishing_in_transaction(step: BeforeCommit) -> Iterator[Finishing]:
    """Within the block, `in_transaction` runs `step(session, result)` inside its
    transaction, until one commits; a step that raises aborts that transaction."""
    finishing = Finishing(step)
    token = _finishing.set(finishing)
    try:
        yield finishing
    finally:
        finishing.closed = True  # tasks started in the block keep the variable
        _finishing.reset(token)


def _time_limit(limits: TransactionLimits | None) -> contextlib.AbstractContextManager[Any]:
    return pymongo.timeout(limits.timeout_seconds) if limits else contextlib.nullcontext()


async def _kill(client: AsyncMongoClient[Any], session: AsyncClientSession) -> None:
    """Abort the session's transaction on the server, if one is still open, before the
    session goes back to the pool; within `KILL_SECONDS`, whatever deadline the caller has
    (a fresh context has none), and a failure leaves it to the database's own expiry."""
    command = {"killSessions": [session.session_id]}

    async def kill() -> None:
        with pymongo.timeout(KILL_SECONDS):
            await client.admin.command(command)

    task = asyncio.get_running_loop().create_task(kill(), context=contextvars.Context())
    task.add_done_callback(lambda done: done.cancelled() or done.exception())
    with contextlib.suppress(PyMongoError):
        await task


def _transient(error: PyMongoError) -> bool:
    return error.has_error_label("TransientTransactionError")


Turn = Callable[[], contextlib.AbstractAsyncContextManager[object]]


async def _run(
    session: AsyncClientSession,
    attempt: Callable[[AsyncClientSession], Awaitable[T]],
    max_commit: int | None,
    turn: Turn | None = None,
) -> T:
    """`with_transaction`'s loop (retry the whole attempt on a transient error, the commit
    on an unknown result) with a short pause that does not grow; the client-side time
    limit, when bound, ends it (each command raises once it has run out). Each attempt,
    its commit included, runs within `turn()` when one is given."""
    started = time.monotonic()
    while True:
        async with turn() if turn is not None else contextlib.nullcontext():
            done, returned = await _once(session, attempt, max_commit, started)
        if done:
            return cast("T", returned)
        await asyncio.sleep(random.uniform(0, RETRY_PAUSE_SECONDS))


async def _once(
    session: AsyncClientSession,
    attempt: Callable[[AsyncClientSession], Awaitable[T]],
    max_commit: int | None,
    started: float,
) -> tuple[bool, T | None]:
    """One attempt and its commit: (True, what it returned), or (False, None) to retry."""
    await session.start_transaction(max_commit_time_ms=max_commit)
    try:
        returned = await attempt(session)
    except BaseException as error:
        if session.in_transaction:
            await session.abort_transaction()
        if isinstance(error, PyMongoError) and _transient(error):
            _raise_when_out_of_time(started, error)
            return False, None
        raise
    if not session.in_transaction:  # the attempt ended it itself
        return True, returned
    while True:
        try:
            await session.commit_transaction()
            return True, returned
        except PyMongoError as error:
            unknown = error.has_error_label("UnknownTransactionCommitResult")
            expired = isinstance(error, OperationFailure) and error.code == 50
            if (unknown and not expired) or _transient(error):
                _raise_when_out_of_time(started, error)
            if unknown and not expired:
                continue
            if _transient(error):
                return False, None
            raise


def _raise_when_out_of_time(started: float, error: PyMongoError) -> None:
    """Like `with_transaction`: a retryable error once the time is up becomes a timeout."""
    remaining = _csot.remaining()  # the `pymongo.timeout` in force, as with_transaction reads it
    if remaining is not None and remaining <= 0:
        raise ExecutionTimeout(str(error), 50) from error
    if remaining is None and time.monotonic() - started >= RETRY_SECONDS:
        raise error


async def in_transaction(
    model: type[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
    turn: Turn | None = None,
) -> T:
    """Run `work(session)` in a transaction on `model`'s client.

    The whole callback is retried (`_run`) on TransientTransactionError,
    e.g. two submissions bumping the same code counter, so `work` must build its
    documents afresh on each call. Keep the writes that many transactions share (a
    counter) as late in `work` as possible: they hold their lock until the commit.
    Each attempt, its commit included, runs within `turn()` when one is given (the
    process's turn of event-recording transactions, documents/dossiers/events.py).
    """
    client = model.get_pymongo_collection().database.client
    setup = setup_for(client)
    finishing = _finishing.get()
    if finishing is not None and not finishing.pending:
        finishing = None

    async def attempt(session: AsyncClientSession) -> T:
        returned = await work(session)
        if finishing is not None:
            await finishing.step(session, returned)
        return returned

    # Under a client-side timeout PyMongo sends the time left as the commit's maxTimeMS;
    # max_commit_time_ms applies when no limit is bound.
    max_commit = int(setup.limits.timeout_seconds * 1000) if setup.limits else None
    async with client.start_session() as session:
        try:
            with _time_limit(setup.limits):
                if setup.lease is not None:
                    await setup.lease.enlist(session)
                returned = await _run(session, attempt, max_commit, turn)
        except BaseException as error:
            # A timeout, a lost connection or a cancellation may have kept the abort from
            # reaching the server, which would keep the transaction and its locks for 60 s.
            if isinstance(error, PyMongoError) or not isinstance(error, Exception):
                await _kill(client, session)
            raise
    if finishing is not None:
        finishing.committed = True
    return returned
