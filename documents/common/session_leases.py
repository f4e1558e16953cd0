"""Session leases: which database sessions each live API process uses, so that another
process can kill the sessions of one that died and free its transactions' locks at once.

A database keeps a dead client's open transaction, and the locks it holds (an agency's
code counter, say), until the transaction's lifetime ends (60 s). `killSessions` with the
session's id aborts it at once, but only the process that opened it knows that id. So each
API process keeps a lease document: its host and pid, the ids of the sessions it runs
transactions on, and a heartbeat (the database's clock) it renews every second or so.
`in_transaction` records a session's id before the transaction writes anything; a reaper in
every process kills the sessions of leases whose heartbeat is older than the lease time,
then deletes those leases (docs/durability.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import Binary
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

COLLECTION = "session_leases"
# PyMongo drops a pooled session idle for 29 minutes; an id unused for longer than this is
# dropped from the lease too (it is recorded again if it comes back).
IDLE_SESSION_SECONDS = 30 * 60.0

log = logging.getLogger(__name__)


class SessionLease:
    """This process's lease (one per database client). `enlist` records a session before
    its transaction; `renew` is the heartbeat; `end` removes the lease on a clean stop.

    Only a process whose heartbeat runs may enlist sessions: a lease that is not renewed
    looks dead, and other processes would kill its sessions."""

    def __init__(self, database: AsyncDatabase[Any]) -> None:
        self.id = uuid.uuid4().hex
        self.collection = database[COLLECTION]
        self.identity = {"host": socket.gethostname(), "pid": os.getpid()}
        # Session id (its 16 bytes) -> when a transaction last used it (monotonic clock).
        self._enlisted: dict[bytes, float] = {}
        self._writing = asyncio.Lock()  # enlisting, re-creating and pruning, one at a time

    @property
    def enlisted(self) -> frozenset[bytes]:
        return frozenset(self._enlisted)

    async def enlist(self, session: AsyncClientSession) -> None:
        """Record `session`'s id in the lease, before its transaction's first write. PyMongo
        pools server sessions, so this is one write the first time an id is seen."""
        lsid: Binary = session.session_id["id"]
        key = bytes(lsid)
        if key not in self._enlisted:
            async with self._writing:
                await self.collection.update_one(
                    {"_id": self.id},
                    {
                        "$addToSet": {"lsids": lsid},
                        "$currentDate": {"heartbeat_at": True},
                        "$setOnInsert": self.identity,
                    },
                    upsert=True,
                )
        self._enlisted[key] = time.monotonic()

    async def renew(self) -> None:
        """The heartbeat. A lease found missing was reaped while this process was alive but
        silent for longer than the lease time (its transactions were killed): it is written
        again with every session it enlisted."""
        renewed = await self.collection.update_one(
            {"_id": self.id},
            {"$currentDate": {"heartbeat_at": True}, "$setOnInsert": self.identity},
            upsert=True,
        )
        if renewed.upserted_id is not None and self._enlisted:
            log.warning("this process's session lease had been reaped; writing it again")
            async with self._writing:
                await self.collection.update_one(
                    {"_id": self.id},
                    {"$addToSet": {"lsids": {"$each": [Binary(k, 4) for k in self._enlisted]}}},
                )
        await self._prune()

    async def _prune(self) -> None:
        cutoff = time.monotonic() - IDLE_SESSION_SECONDS
        idle = [key for key, used in self._enlisted.items() if used < cutoff]
        if not idle:
            return
        async with self._writing:
            for key in idle:
                del self._enlisted[key]
            await self.collection.update_one(
                {"_id": self.id}, {"$pull": {"lsids": {"$in": [Binary(k, 4) for k in idle]}}}
            )

    async def end(self) -> None:
        """Remove the lease on a clean stop: the client's close ends its sessions."""
        await self.collection.delete_one({"_id": self.id})


async def server_time(database: AsyncDatabase[Any]) -> datetime:
    """The database's clock (`hello`'s localTime): leases compare heartbeats written with
    `$currentDate`, so the processes' own clocks may disagree."""
    reply = await database.client.admin.command("hello")
    now: datetime = reply["localTime"]
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


async def reap_dead_leases(
    database: AsyncDatabase[Any], lease_seconds: float, *, spare: str | None = None
) -> int:
    """Kill the sessions of every lease (but `spare`, one's own) whose heartbeat is older
    than `lease_seconds`, then delete it; the number of leases reaped.

    `killSessions` is idempotent, so two reapers may both kill; the delete is conditional
    on the heartbeat read, so a lease renewed meanwhile stays (its process is alive: its
    transactions were aborted and are retried or fail, nothing half-written remains)."""
    collection = database[COLLECTION]
    cutoff = await server_time(database) - timedelta(seconds=lease_seconds)
    dead = await collection.find({"heartbeat_at": {"$lt": cutoff}, "_id": {"$ne": spare}}).to_list()
    for lease in dead:
        lsids = lease.get("lsids") or []
        if lsids:
            await database.client.admin.command({"killSessions": [{"id": i} for i in lsids]})
        await collection.delete_one({"_id": lease["_id"], "heartbeat_at": lease["heartbeat_at"]})
        log.warning(
            "reaped the session lease of a process that stopped (pid %s on %s): %d sessions killed",
            lease.get("pid"),
            lease.get("host"),
            len(lsids),
        )
    return len(dead)
