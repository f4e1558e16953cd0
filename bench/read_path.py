"""Read-path benchmark: one nested GraphQL page of 100 dossiers against raw PyMongo.

The API answers the page through Strawberry, Beanie models and DataLoaders; the
baseline fetches the same data with the same number of queries (a page, then one
`$in` each for procedures, agencies and events) and builds the same JSON shape by
hand. Runs alternate between the two so machine noise hits both alike; medians
and their ratio are what matter. `--record` rewrites the section between the
markers in docs/benchmarks.md.

    .venv/bin/python bench/read_path.py [--dossiers 1000] [--runs 30] [--warmup 5] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.app import create_app
from api.database import connect
from api.embedded import database_uri
from api.seed import seed_catalogue, seed_dossiers
from api.settings import Settings

PAGE = 100
QUERY = """{ dossiers(first: 100) { edges { node {
    code status channel receivedAt receivingAgencyCode handlingAgencyCode
    applicant { fullName idNumber }
    procedure { code name processingDays }
    receivingAgency { code name }
    handlingAgency { code name }
    events(last: 3) { type at toStatus actor }
} } } }"""
DOSSIER_FIELDS = {
    "_id": 0, "code": 1, "status": 1, "channel": 1, "received_at": 1, "procedure_code": 1,
    "receiving_agency_code": 1, "handling_agency_code": 1,
    "applicant.full_name": 1, "applicant.id_number": 1,
}  # fmt: skip
EVENT_FIELDS = {"_id": 0, "dossier_code": 1, "type": 1, "at": 1, "to_status": 1, "actor": 1}
BIG_BATCH = 10_000  # every reply holds the whole result: no getMore
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- read_path:start -->", "<!-- read_path:end -->"
MACHINE = "2 cores, shared and noisy; medians and ratio matter, not absolute times"
DOC_TEMPLATE = f"""# Benchmarks

Benchmarks here are scripts under `bench/`. Each one times a path through the API
against a baseline measured in the same run (raw PyMongo doing the same work in the
fewest round trips), alternating the two so noise hits both alike, and records the
medians and their ratio. Absolute times depend on the machine; the ratio is the figure
to watch.

Run them with `make bench`, or record fresh figures here with
`.venv/bin/python bench/read_path.py --record`.

## Read path: a nested page of 100 dossiers

{START}
{END}
"""

Page = dict[str, Any]
Step = Callable[[], Awaitable[Page]]


class DbClock(CommandListener):
    """Wall time with at least one command in flight (concurrent commands overlap)."""

    _IGNORED = frozenset({"hello", "ismaster", "isMaster", "ping", "endSessions"})

    def __init__(self) -> None:
        self._open: dict[int, float] = {}
        self._spans: list[tuple[float, float]] = []

    def reset(self) -> None:
        self._open.clear()
        self._spans.clear()

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name not in self._IGNORED:
            self._open[event.request_id] = time.perf_counter()

    def succeeded(self, event: CommandSucceededEvent) -> None:
        begun = self._open.pop(event.request_id, None)
        if begun is not None:
            self._spans.append((begun, time.perf_counter()))

    def failed(self, event: CommandFailedEvent) -> None:
        self._open.pop(event.request_id, None)

    def seconds(self) -> float:
        total, reached = 0.0, -math.inf
        for begun, ended in sorted(self._spans):
            total += max(0.0, ended - max(begun, reached))
            reached = max(reached, ended)
        return total


@dataclass
class Series:
    wall: list[float] = field(default_factory=list)
    db: list[float] = field(default_factory=list)


def codes_of(page: Page) -> list[str]:
    return [edge["node"]["code"] for edge in page["data"]["dossiers"]["edges"]]


async def api_page(http: httpx.AsyncClient) -> Page:
    response = await http.post("/graphql", json={"query": QUERY})
    body: Page = response.json()
    if "errors" in body:
        raise RuntimeError(f"the API answered with errors: {body['errors']}")
    return body


async def _by_code(db: AsyncDatabase[Page], name: str, codes: Iterable[str]) -> dict[str, Page]:
    fields = {"_id": 0, "code": 1, "name": 1} | ({"processing_days": 1} if name == "procedures" else {})
    cursor = db[name].find({"code": {"$in": sorted(set(codes))}}, fields, batch_size=BIG_BATCH)
    return {doc["code"]: doc for doc in await cursor.to_list()}


async def _last_events(db: AsyncDatabase[Page], codes: list[str]) -> dict[str, list[Page]]:
    query = {"dossier_code": {"$in": codes}}
    order = [("dossier_code", 1), ("_id", 1)]
    cursor = db.dossier_events.find(query, EVENT_FIELDS, sort=order, batch_size=BIG_BATCH)
    grouped: defaultdict[str, list[Page]] = defaultdict(list)
    for event in await cursor.to_list():
        grouped[event["dossier_code"]].append(event)
    return {code: events[-3:] for code, events in grouped.items()}


def _agency(agency: Page | None) -> Page | None:
    return None if agency is None else {"code": agency["code"], "name": agency["name"]}


def _node(d: Page, procedures: dict[str, Page], agencies: dict[str, Page], events: list[Page]) -> Page:
    procedure = procedures.get(d["procedure_code"])
    return {
        "code": d["code"], "status": d["status"], "channel": d["channel"],
        "receivedAt": d["received_at"], "receivingAgencyCode": d["receiving_agency_code"],
        "handlingAgencyCode": d["handling_agency_code"],
        "applicant": {"fullName": d["applicant"]["full_name"], "idNumber": d["applicant"]["id_number"]},
        "procedure": procedure and {
            "code": procedure["code"], "name": procedure["name"],
            "processingDays": procedure["processing_days"],
        },
        "receivingAgency": _agency(agencies.get(d["receiving_agency_code"])),
        "handlingAgency": _agency(agencies.get(d["handling_agency_code"])),
        "events": [
            {"type": e["type"], "at": e["at"], "toStatus": e.get("to_status"), "actor": e.get("actor")}
            for e in events
        ],
    }  # fmt: skip


async def baseline_page(db: AsyncDatabase[Page]) -> Page:
    order = [("received_at", -1), ("code", -1)]
    cursor = db.dossiers.find({}, DOSSIER_FIELDS, sort=order, limit=PAGE, batch_size=PAGE)
    dossiers = await cursor.to_list()
    codes = [d["code"] for d in dossiers]
    agency_codes = [c for d in dossiers for c in (d["receiving_agency_code"], d["handling_agency_code"])]
    procedures, agencies, events = await asyncio.gather(
        _by_code(db, "procedures", (d["procedure_code"] for d in dossiers)),
        _by_code(db, "agencies", agency_codes),
        _last_events(db, codes),
    )
    edges = [{"node": _node(d, procedures, agencies, events.get(d["code"], []))} for d in dossiers]
    page: Page = {"data": {"dossiers": {"edges": edges}}}
    json.dumps(page, default=str)
    return page


async def timed(step: Step, clock: DbClock, into: Series | None) -> None:
    clock.reset()
    begun = time.perf_counter()
    await step()
    elapsed = time.perf_counter() - begun
    if into is not None:
        into.wall.append(elapsed * 1000)
        into.db.append(clock.seconds() * 1000)


async def measure(pairs: list[tuple[Step, DbClock, Series]], runs: int, warmup: int) -> None:
    for run in range(warmup + runs):
        order = pairs if run % 2 == 0 else pairs[::-1]  # neither always goes first
        for step, clock, series in order:
            await timed(step, clock, series if run >= warmup else None)


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class Result:
    dossiers: int
    runs: int
    api: Series
    baseline: Series

    @property
    def ratio(self) -> float:
        return statistics.median(self.api.wall) / statistics.median(self.baseline.wall)

    @property
    def db_share(self) -> float:
        return statistics.median(self.api.db) / statistics.median(self.api.wall)


def report(result: Result) -> None:
    print(f"\n{'':10}{'median ms':>11}{'p90 ms':>9}{'db ms (median)':>16}")
    for name, series in (("API", result.api), ("baseline", result.baseline)):
        wall, db = series.wall, series.db
        print(f"{name:10}{statistics.median(wall):11.2f}{p90(wall):9.2f}{statistics.median(db):16.2f}")
    print(f"\nratio of medians API / baseline: {result.ratio:.2f}  (target <= 2.0)")
    print(f"API time with a database command in flight: {result.db_share:.0%};")
    print(f"the other {1 - result.db_share:.0%} is Python in the API process (models, GraphQL, JSON).")


def section(result: Result) -> str:
    api, base = result.api.wall, result.baseline.wall
    return "\n".join([
        "| date (UTC) | dossiers | runs | API median (p90) ms | baseline median (p90) ms "
        "| ratio | db share of API time |",
        "|---|---|---|---|---|---|---|",
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {result.dossiers} | {result.runs} "
        f"| {statistics.median(api):.1f} ({p90(api):.1f}) "
        f"| {statistics.median(base):.1f} ({p90(base):.1f}) "
        f"| {result.ratio:.2f} | {result.db_share:.0%} |",
        "",
        f"Machine: {MACHINE}.",
    ])  # fmt: skip


def record(result: Result, path: Path = DOCS) -> None:
    text = path.read_text() if path.exists() else DOC_TEMPLATE
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Read path\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{START}\n{section(result)}\n{END}{after}")
    print(f"recorded in {path}")


async def seed(uri: str, database: str, dossiers: int) -> None:
    client = await connect(uri, database)
    try:
        print("seeding the demo catalogue…", flush=True)
        await seed_catalogue()
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if done % 100 == 0 or done == dossiers:
                print(f"\r  {done}/{dossiers} dossiers", end="", flush=True)

        await seed_dossiers(dossiers, on_each=tick)
        print()
    finally:
        await client.close()


async def benchmark(uri: str, database: str, args: argparse.Namespace) -> Result:
    api, baseline = Series(), Series()
    api_clock, base_clock = DbClock(), DbClock()
    app = create_app(Settings(mongodb_uri=uri, database=database, dev_mode=True), [api_clock])
    raw: AsyncMongoClient[Page] = AsyncMongoClient(uri, tz_aware=True, event_listeners=[base_clock])
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
        ):
            db = raw[database]
            expected, got = codes_of(await api_page(http)), codes_of(await baseline_page(db))
            assert expected == got and len(got) == min(PAGE, args.dossiers), "pages differ"
            print(f"timing {args.warmup} warm-up + {args.runs} runs of each, interleaved…")
            pairs = [
                (lambda: api_page(http), api_clock, api),
                (lambda: baseline_page(db), base_clock, baseline),
            ]
            await measure(pairs, args.runs, args.warmup)
    finally:
        await raw.drop_database(database)
        await raw.close()
    return Result(args.dossiers, args.runs, api, baseline)


async def run(uri: str, args: argparse.Namespace) -> None:
    database = f"bench_read_path_{uuid.uuid4().hex[:8]}"
    await seed(uri, database, args.dossiers)
    result = await benchmark(uri, database, args)
    report(result)
    if args.record:
        record(result)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers to seed")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each side")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    parser.add_argument("--record", action="store_true", help=f"rewrite the section in {DOCS}")
    args = parser.parse_args()
    if args.dossiers < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--dossiers and --runs must be positive, --warmup not negative")
    return args


def main() -> None:
    args = parse_args()
    configured = os.environ.get("MONGODB_URI")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as scratch:
        if configured is None:
            print("starting an embedded SecantusDB…", flush=True)
        with database_uri(configured, Path(scratch) / "db") as uri:
            asyncio.run(run(uri, args))


if __name__ == "__main__":
    main()
