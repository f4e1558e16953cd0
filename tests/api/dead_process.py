"""A process that takes an agency's dossier code inside a transaction and then hangs, with
its session leased and its lease renewed, until the test kills it with SIGKILL.

Run as `python -m tests.api.dead_process <mongodb uri> <database> <agency code>`; it prints
`holding` once the transaction holds the counter."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import utcnow
from documents.common.counters import Counter
from documents.common.session_leases import SessionLease
from documents.common.transactions import TransactionSetup, bind_transactions, in_transaction
from documents.dossiers.codes import next_dossier_code


async def heartbeat(lease: SessionLease) -> None:
    while True:
        await lease.renew()
        await asyncio.sleep(1.0)


async def main(uri: str, database: str, agency: str) -> None:
    client: AsyncMongoClient[Any] = AsyncMongoClient(uri, tz_aware=True)
    await init_beanie(database=client[database], document_models=[Counter])
    lease = SessionLease(client[database])
    bind_transactions(client, TransactionSetup(lease=lease))
    await lease.renew()
    beating = asyncio.create_task(heartbeat(lease))

    async def hold(session: AsyncClientSession) -> None:
        await next_dossier_code(agency, utcnow(), session)
        print("holding", flush=True)
        await asyncio.sleep(3600)  # until SIGKILL

    await in_transaction(Counter, hold)
    beating.cancel()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
