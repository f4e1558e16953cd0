"""What syncing every commit costs: submissions per second on the embedded database with
`--sync-on-commit` (the default) against the same server without it.

Each mode gets its own SecantusDB and catalogue; rounds alternate between the two so
machine noise hits both alike. A round is `--per-round` submissions through the domain's
`submit` (one transaction each: code counter, dossier, event, statistics fact) by
`--writers` concurrent writers. Medians of the rounds and their ratio matter.

    .venv/bin/python -m bench.durability [--rounds 7] [--per-round 100] [--writers 10]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from statistics import median

from beanie import init_beanie
from pymongo import AsyncMongoClient

from api.embedded import EmbeddedDatabase
from demo.catalogue import procedures
from demo.sample_data import sample_applicant, sample_form_data
from demo.seeding import seed_catalogue
from documents import DOCUMENT_MODELS
from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.dossier import Channel
from documents.workflow.submitting import Submission, submit

MODES = {"sync on commit": True, "no sync": False}


async def bind(uri: str) -> AsyncMongoClient[dict[str, object]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        uri, tz_aware=True, w="majority", journal=True
    )
    await init_beanie(database=client["bench"], document_models=DOCUMENT_MODELS)
    return client


async def submissions_per_second(count: int, writers: int, rng: random.Random) -> float:
    """Submissions per second for `count` submissions by `writers` concurrent writers."""
    catalogue = procedures()
    hours = OfficeHours()
    queue: asyncio.Queue[Submission] = asyncio.Queue()
    for _ in range(count):
        procedure = rng.choice(catalogue)
        queue.put_nowait(
            Submission(
                procedure_code=procedure.code,
                receiving_agency_code=procedure.agency_codes[0],
                channel=Channel.ONLINE,
                applicant=sample_applicant(rng),
                data=sample_form_data(procedure.form_key, rng),
            )
        )

    async def writer() -> None:
        while not queue.empty():
            await submit(queue.get_nowait(), actor="bench", hours=hours)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    return count / (time.perf_counter() - started)


async def main(rounds: int, per_round: int, writers: int) -> None:
    rng = random.Random(2026)
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    with ExitStack() as stack:
        uris = {}
        for mode, sync in MODES.items():
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="motcua-bench-")))
            database = EmbeddedDatabase(home / "db", init=True, sync_on_commit=sync)
            uris[mode] = database.start()
            stack.callback(database.stop)
        for mode in MODES:
            client = await bind(uris[mode])
            await seed_catalogue()
            await submissions_per_second(20, writers, rng)  # warm-up
            await client.close()
        for _ in range(rounds):
            for mode in MODES:
                client = await bind(uris[mode])
                rates[mode].append(await submissions_per_second(per_round, writers, rng))
                await client.close()
    synced, unsynced = (median(rates[mode]) for mode in MODES)
    print(f"{rounds} rounds of {per_round} submissions by {writers} writers (medians)")
    for mode in MODES:
        print(f"  {mode:15} {median(rates[mode]):7.1f} submissions/s")
    print(f"  ratio sync/no sync {synced / unsynced:.2f} (cost {1 - synced / unsynced:.0%})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=100)
    parser.add_argument("--writers", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.per_round, arguments.writers))
