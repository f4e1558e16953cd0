"""Index and data sizes per dossier, measured on the embedded database, for docs/scaling.md.

Seeds the demo catalogue, reads every collection's `collStats`, then plays N demo
dossiers through the workflow (`demo.seeding.seed_dossiers`: events, outbox messages,
facts, roll-ups, ratings, payment orders, as real use writes them) and reads them again.
The growth divided by N is the cost of one dossier; times 10,000,000 is the linear
extrapolation the plan quotes. SecantusDB's `collStats` counts the bytes of the keys
and documents (no page overhead, no compression), so the figures are logical sizes,
not the files a MongoDB would keep on disk.

    .venv/bin/python -m bench.index_sizes [--dossiers 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from api.database import connect
from api.embedded import database_uri
from api.settings import Settings
from demo.seeding import seed_catalogue, seed_dossiers

TARGET = 10_000_000


@dataclass
class Sizes:
    count: int = 0
    data: int = 0
    indexes: dict[str, int] = field(default_factory=dict)


async def snapshot(database: AsyncDatabase[dict[str, Any]]) -> dict[str, Sizes]:
    """Each collection's document count, data bytes and bytes per index."""
    found: dict[str, Sizes] = {}
    for name in sorted(await database.list_collection_names()):
        stats = await database.command({"collStats": name})
        found[name] = Sizes(
            count=int(stats.get("count", 0)),
            data=int(stats.get("size", 0)),
            indexes={k: int(v) for k, v in (stats.get("indexSizes") or {}).items()},
        )
    return found


def _gb(value: float) -> str:
    return f"{value / 1e9:,.2f}"


def report(before: dict[str, Sizes], after: dict[str, Sizes], dossiers: int) -> None:
    """Per collection and per index: growth per dossier and its extrapolation to TARGET."""
    scale = TARGET / dossiers
    print(f"\n{dossiers} dossiers; per dossier, and x {TARGET:,} (GB, 1 GB = 10^9 bytes)\n")
    print(
        "| collection | documents per dossier | avg document bytes | data GB | index | "
        "bytes per dossier | GB per 10 M |"
    )
    print("|---|---|---|---|---|---|---|")
    total_data = total_index = 0.0
    for name, now in after.items():
        was = before.get(name, Sizes())
        grown = now.count - was.count
        data = now.data - was.data
        total_data += data * scale
        average = data / grown if grown else 0
        first = True
        for index, size in sorted(now.indexes.items()):
            delta = size - was.indexes.get(index, 0)
            total_index += delta * scale
            head = (
                f"| {name} | {grown / dossiers:.2f} | {average:,.0f} | {_gb(data * scale)} "
                if first
                else "| | | | "
            )
            print(f"{head}| {index} | {delta / dossiers:,.1f} | {_gb(delta * scale)} |")
            first = False
    print(
        f"\ntotal data {_gb(total_data)} GB, total indexes {_gb(total_index)} GB per 10 M dossiers"
    )


async def declared(database: AsyncDatabase[dict[str, Any]]) -> None:
    """Every index the models (and GridFS) declare, as the database holds them."""
    print("\n| collection | index | keys | options |\n|---|---|---|---|")
    for name in sorted(await database.list_collection_names()):
        async for index in await database[name].list_indexes():
            keys = ", ".join(f"{k} {v}" for k, v in index["key"].items())
            options = sorted(set(index) - {"v", "key", "name", "ns"})
            print(f"| {name} | {index['name']} | {keys} | {', '.join(options)} |")


async def measure(uri: str, dossiers: int) -> None:
    settings = Settings()
    client = await connect(uri, settings)
    try:
        database = client[settings.database]
        await seed_catalogue()
        before = await snapshot(database)
        started = time.perf_counter()
        await seed_dossiers(dossiers, settings.office_hours)
        print(f"seeded {dossiers} dossiers in {time.perf_counter() - started:.0f} s")
        report(before, await snapshot(database), dossiers)
        await declared(database)
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    arguments = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        database_uri(None, Path(folder) / "db") as uri,
    ):
        asyncio.run(measure(uri, arguments.dossiers))


if __name__ == "__main__":
    main()
