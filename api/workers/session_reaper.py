"""The session lease of this API process and the reaper of dead processes' leases: after a
kill -9, the transactions the dead process left open are killed within seconds instead of
blocking an agency's code counter for a minute (docs/durability.md)."""

from __future__ import annotations

import logging
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from api.settings import Settings
from api.workers.failures import describe
from api.workers.periodic import Periodic
from documents.common.session_leases import SessionLease, reap_dead_leases
from documents.common.transactions import (
    TransactionSetup,
    bind_transactions,
    unbind_transactions,
)

log = logging.getLogger(__name__)

STOP_SECONDS = 1.0


class SessionReaper:
    """Renews this process's lease every heartbeat (without backing off: a lease left
    unrenewed for the lease time looks dead) and, every two heartbeats and once at start,
    kills the sessions of leases whose heartbeat stopped."""

    def __init__(self, database: AsyncDatabase[Any], settings: Settings) -> None:
        self.database = database
        self.lease = SessionLease(database)
        self.lease_seconds = settings.session_lease_seconds
        beat = settings.heartbeat_seconds
        self.heartbeat = Periodic("session lease", beat, self.renew, grace=beat, max_backoff=beat)
        self.rounds = Periodic(
            "session reaper",
            2 * beat,
            self.reap,
            max_backoff=max(2 * beat, self.lease_seconds),
        )

    async def renew(self) -> None:
        with pymongo.timeout(self.lease_seconds):  # a renewal later than that is too late
            await self.lease.renew()

    async def reap(self) -> int:
        with pymongo.timeout(self.lease_seconds):
            return await reap_dead_leases(self.database, self.lease_seconds, spare=self.lease.id)

    async def start(self) -> None:
        """Write the lease, reap once (a crashed run's leases, when the whole deployment
        restarted), then keep both going; a database that is not answering yet only
        delays the first round."""
        try:
            await self.renew()
            await self.reap()
        except PyMongoError as error:
            log.warning("session leases: first round failed (%s)", describe(error))
        self.heartbeat.start()
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.stop()
        await self.heartbeat.stop()
        try:
            with pymongo.timeout(STOP_SECONDS):
                await self.lease.end()
        except PyMongoError as error:  # it expires and is reaped like a dead one's
            log.warning("session lease not removed (%s)", describe(error))


async def lease_sessions(client: AsyncMongoClient[Any], settings: Settings) -> SessionReaper | None:
    """Bind `client`'s transactions to their time limit and, where background services
    (the heartbeat) run, to this process's session lease, started here; the reaper."""
    sessions = None
    if settings.background_services:
        sessions = SessionReaper(client[settings.database], settings)
    lease = None if sessions is None else sessions.lease
    bind_transactions(client, TransactionSetup(settings.transaction_limits, lease))
    if sessions is not None:
        await sessions.start()
    return sessions


async def release_sessions(client: AsyncMongoClient[Any], sessions: SessionReaper | None) -> None:
    if sessions is not None:
        await sessions.stop()
    unbind_transactions(client)
