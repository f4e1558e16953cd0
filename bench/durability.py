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
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from pathlib import Path
from statistics import median
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient

from api.embedded import EmbeddedDatabase
from demo.catalogue import procedures
from demo.sample_data import sample_applicant, sample_form_data
from demo.seeding import seed_catalogue
from documents import DOCUMENT_MODELS
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Channel
from documents.workflow.submitting import Submission, submit

MODES = {"sync on commit": True, "no sync": False}


async def bind(uri: str) -> AsyncMongoClient[dict[str, object]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        uri, tz_aware=True, w="majority", journal=True
    )
    await init_beanie(database=client["bench"], document_models=DOCUMENT_MODELS)
    return client


def sample_submission(procedure: Procedure, rng: random.Random) -> Submission:
    """An online submission of `procedure` at its first agency, by a sample applicant."""
    return Submission(
        procedure_code=procedure.code,
        receiving_agency_code=procedure.agency_codes[0],
        channel=Channel.ONLINE,
        applicant=sample_applicant(rng),
        data=sample_form_data(procedure.form_key, rng),
    )


async def submissions_per_second(count: int, writers: int, rng: random.Random) -> float:
    """Submissions per second for `count` submissions by `writers` concurrent writers."""
    catalogue = procedures()
    hours = OfficeHours()
    queue: asyncio.Queue[Submission] = asyncio.Queue()
    for _ in range(count):
        queue.put_nowait(sample_submission(rng.choice(catalogue), rng))

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
    synced, unsynced = print_medians(rates, per_round, writers)
    print(f"  ratio sync/no sync {synced / unsynced:.2f} (cost {1 - synced / unsynced:.0%})")


def print_medians(rates: dict[str, list[float]], per_round: int, writers: int) -> list[float]:
    """Print each mode's median rate over its rounds; the medians, in the modes' order."""
    rounds = len(next(iter(rates.values())))
    print(f"{rounds} rounds of {per_round} submissions by {writers} writers (medians)")
    width = max(len(mode) for mode in rates)
    for mode, rated in rates.items():
        print(f"  {mode:{width}} {median(rated):7.1f} submissions/s")
    return [median(rated) for rated in rates.values()]


def run_rounds(doc: str, main: Callable[[int, int, int], Coroutine[Any, Any, None]]) -> None:
    """`main(rounds, per_round, writers)` with those from the command line."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=100)
    parser.add_argument("--writers", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.per_round, arguments.writers))


if __name__ == "__main__":
    run_rounds(__doc__ or "", main)
