"""Read-path benchmark: one nested GraphQL page of 100 dossiers against raw PyMongo.

The API answers through Strawberry, Beanie models and DataLoaders; the baseline runs
the same four queries (the page, then one `$in` each for procedures, agencies and
events) and builds the same JSON by hand. Runs alternate so machine noise hits both
alike; medians and their ratio matter. A second ratio leaves out the time with a
database command in flight (a command listener on each side's client): it is what a
database that answered at once would leave, the Python of each side.
`--record` rewrites docs/benchmarks.md's section.

    .venv/bin/python -m bench.read_path [--dossiers 1000] [--runs 30] [--warmup 5] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import httpx
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from api.app import create_app
from api.authentication import issue_token
from api.database import connect
from api.embedded import database_uri
from api.settings import Settings
from demo.catalogue import CITY
from demo.seeding import seed_catalogue, seed_dossiers

PAGE = 100
QUERY = """{ dossiers(first: 100) { edges { node {
    code status channel receivedAt receivingAgencyCode handlingAgencyCode
    applicant { fullName idNumber }
    procedure { code name processingDays }
    receivingAgency { code name }
    handlingAgency { code name }
    events(last: 3) { type at toStatus actor }
} } } }"""
# GraphQL name -> MongoDB field, for the baseline's projections and JSON.
NODE = {
    "code": "code", "status": "status", "channel": "channel", "receivedAt": "received_at",
    "receivingAgencyCode": "receiving_agency_code", "handlingAgencyCode": "handling_agency_code",
}  # fmt: skip
APPLICANT = {"fullName": "full_name", "idNumber": "id_number"}
PROCEDURE = {"code": "code", "name": "name", "processingDays": "processing_days"}
AGENCY = {"code": "code", "name": "name"}
EVENT = {"type": "type", "at": "at", "toStatus": "to_status", "actor": "actor"}
DOSSIER_FIELDS = [*NODE.values(), "procedure_code", *(f"applicant.{f}" for f in APPLICANT.values())]
BIG_BATCH = 10_000  # the first reply holds the whole result: no getMore
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- read_path:start -->", "<!-- read_path:end -->"
MACHINE = "2 cores, shared and noisy; medians and ratio matter, not absolute times"
DOC_TEMPLATE = f"""# Benchmarks

Benchmarks are modules under `bench/` that time a path through the API against a baseline
measured in the same run (raw PyMongo doing the same work in the fewest round trips),
alternating the two so noise hits both alike. They report medians and their ratio: the
ratio is the figure to watch. Run them with `make bench`; record fresh figures here with
`.venv/bin/python -m bench.read_path --record` (it rewrites only its own section).

## Read path: a nested page of 100 dossiers

{START}
{END}
"""

Doc = dict[str, Any]
Step = Callable[[], Awaitable[Doc]]


class DbClock(monitoring.CommandListener):
    """Wall time with at least one command in flight; concurrent commands count once."""

    def __init__(self) -> None:
        self._open: dict[int, float] = {}
        self.spans: list[tuple[float, float]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self._open[event.request_id] = time.perf_counter()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.spans.append((self._open.pop(event.request_id), time.perf_counter()))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._open.pop(event.request_id, None)

    def take_seconds(self) -> float:
        total, reached = 0.0, -math.inf
        for begun, ended in sorted(self.spans):
            total += max(0.0, ended - max(begun, reached))
            reached = max(reached, ended)
        self.spans.clear()
        return total


@dataclass
class Series:
    wall_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)

    @property
    def python_ms(self) -> list[float]:
        """Each run's time without a database command in flight."""
        return [wall - db for wall, db in zip(self.wall_ms, self.db_ms, strict=True)]


def codes_of(page: Doc) -> list[str]:
    return [edge["node"]["code"] for edge in page["data"]["dossiers"]["edges"]]


async def api_page(http: httpx.AsyncClient) -> Doc:
    response = await http.post("/graphql", json={"query": QUERY})
    body: Doc = response.json()
    if "errors" in body:
        raise RuntimeError(f"the API answered with errors: {body['errors']}")
    return body


def _projection(fields: Iterable[str]) -> Doc:
    return {"_id": 0} | dict.fromkeys(fields, 1)


async def _by_code(
    db: AsyncDatabase[Doc], name: str, codes: Iterable[str], names: dict[str, str]
) -> dict[str, Doc]:
    query = {"code": {"$in": sorted(set(codes))}}
    cursor = db[name].find(query, _projection(names.values()), batch_size=BIG_BATCH)
    return {doc["code"]: doc for doc in await cursor.to_list()}


async def _last_events(db: AsyncDatabase[Doc], codes: list[str]) -> dict[str, list[Doc]]:
    query, order = {"dossier_code": {"$in": codes}}, [("dossier_code", 1), ("_id", 1)]
    projection = _projection(["dossier_code", *EVENT.values()])
    cursor = db.dossier_events.find(query, projection, sort=order, batch_size=BIG_BATCH)
    grouped: defaultdict[str, list[Doc]] = defaultdict(list)
    for event in await cursor.to_list():
        grouped[event["dossier_code"]].append(event)
    return {code: events[-3:] for code, events in grouped.items()}


def _pick(doc: Doc, names: dict[str, str]) -> Doc:
    return {out: doc.get(name) for out, name in names.items()}


def _node(d: Doc, procedure: Doc | None, agencies: dict[str, Doc], events: list[Doc]) -> Doc:
    receiving = agencies.get(d["receiving_agency_code"])
    handling = agencies.get(d["handling_agency_code"])
    return _pick(d, NODE) | {
        "applicant": _pick(d["applicant"], APPLICANT),
        "procedure": procedure and _pick(procedure, PROCEDURE),
        "receivingAgency": receiving and _pick(receiving, AGENCY),
        "handlingAgency": handling and _pick(handling, AGENCY),
        "events": [_pick(e, EVENT) for e in events],
    }


async def baseline_page(db: AsyncDatabase[Doc]) -> Doc:
    order = [("received_at", -1), ("code", -1)]
    cursor = db.dossiers.find({}, _projection(DOSSIER_FIELDS), sort=order, limit=PAGE)
    dossiers = await cursor.to_list()
    agency_codes = [
        d[k] for d in dossiers for k in ("receiving_agency_code", "handling_agency_code")
    ]
    procedures, agencies, events = await asyncio.gather(
        _by_code(db, "procedures", [d["procedure_code"] for d in dossiers], PROCEDURE),
        _by_code(db, "agencies", agency_codes, AGENCY),
        _last_events(db, [d["code"] for d in dossiers]),
    )
    edges = [
        {"node": _node(d, procedures.get(d["procedure_code"]), agencies, events.get(d["code"], []))}
        for d in dossiers
    ]
    page: Doc = {"data": {"dossiers": {"edges": edges}}}
    json.dumps(page, default=str)
    return page


async def measure(sides: Sequence[tuple[Step, DbClock, Series]], runs: int, warmup: int) -> None:
    for run in range(warmup + runs):
        for step, clock, series in sides if run % 2 == 0 else sides[::-1]:
            clock.take_seconds()
            begun = time.perf_counter()
            await step()
            elapsed, db = time.perf_counter() - begun, clock.take_seconds()
            if run >= warmup:
                series.wall_ms.append(elapsed * 1000)
                series.db_ms.append(db * 1000)


def p90(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.9 * len(values)) - 1]


@dataclass(frozen=True)
class Result:
    dossiers: int
    api: Series
    baseline: Series

    @property
    def ratio(self) -> float:
        return median(self.api.wall_ms) / median(self.baseline.wall_ms)

    @property
    def python_ratio(self) -> float:
        """The same ratio for the time without a command in flight: what a database
        that answered at once would leave."""
        return median(self.api.python_ms) / median(self.baseline.python_ms)


def report(result: Result) -> None:
    api_db, base_db = median(result.api.db_ms), median(result.baseline.db_ms)
    print(
        f"\n{section(result)}\n\nratio of medians API / baseline: {result.ratio:.2f} (target <= 2)"
    )
    api_py, base_py = median(result.api.python_ms), median(result.baseline.python_ms)
    print(
        f"without a command in flight: API {api_py:.1f} ms, baseline {base_py:.1f} ms, "
        f"ratio {result.python_ratio:.2f} (target <= 5)"
    )
    print(f"median time with a database command in flight: API {api_db:.1f} ms, baseline")
    print(f"{base_db:.1f} ms; the rest of the API's time is Python: GraphQL, models, JSON.")


def section(result: Result) -> str:
    api, base = result.api.wall_ms, result.baseline.wall_ms
    api_py, base_py = median(result.api.python_ms), median(result.baseline.python_ms)
    return (
        "| date (UTC) | dossiers | runs | API median (p90) ms | baseline median (p90) ms "
        "| ratio | db share of API time | API / baseline ms without a command in flight "
        "| ratio without |\n|---|---|---|---|---|---|---|---|---|\n"
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {result.dossiers} | {len(api)} "
        f"| {median(api):.1f} ({p90(api):.1f}) | {median(base):.1f} ({p90(base):.1f}) "
        f"| {result.ratio:.2f} | {median(result.api.db_ms) / median(api):.0%} "
        f"| {api_py:.1f} / {base_py:.1f} | {result.python_ratio:.2f} |"
        f"\n\nMachine: {MACHINE}."
    )


def record(result: Result, path: Path = DOCS) -> None:
    text = path.read_text() if path.exists() else DOC_TEMPLATE
    if START not in text or END not in text:
        text = f"{text.rstrip()}\n\n## Read path\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{before}{START}\n{section(result)}\n{END}{rest.split(END, 1)[1]}")
    print(f"recorded in {path}")


def _progress(done: int, total: int) -> None:
    if done % 100 == 0 or done == total:
        print(f"\r  {done}/{total} dossiers", end="", flush=True)


async def seed(uri: str, database: str, dossiers: int) -> None:
    settings = Settings(mongodb_uri=uri, database=database)
    client = await connect(uri, settings)
    try:
        print("seeding the demo catalogue and dossiers…", flush=True)
        await seed_catalogue()
        done = itertools.count(1)
        await seed_dossiers(
            dossiers, settings.office_hours, on_each=lambda: _progress(next(done), dossiers)
        )
        print()
    finally:
        await client.close()


async def benchmark(
    uri: str, db: AsyncDatabase[Doc], base_clock: DbClock, args: argparse.Namespace
) -> Result:
    api, baseline, api_clock = Series(), Series(), DbClock()
    settings = Settings(
        mongodb_uri=uri,
        database=db.name,
        dev_mode=True,
        data_dir=Path(tempfile.mkdtemp(prefix="motcua-bench-")),
        background_services=False,  # their reads would count as the API's database time
    )
    app = create_app(settings, [api_clock])
    # The city's reception officers see every dossier unmasked, as the baseline does.
    token = issue_token(settings, "officer:reception", sub="bench", agency=CITY)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://bench",
            headers={"authorization": f"Bearer {token}"},
        ) as http,
    ):
        expected, got = codes_of(await api_page(http)), codes_of(await baseline_page(db))
        assert expected == got, "the baseline's page differs from the API's"
        assert len(got) == min(PAGE, args.dossiers), f"expected a full page, got {len(got)}"
        print(f"timing {args.warmup} warm-up + {args.runs} runs of each, interleaved…")
        sides: list[tuple[Step, DbClock, Series]] = [
            (lambda: api_page(http), api_clock, api),
            (lambda: baseline_page(db), base_clock, baseline),
        ]
        await measure(sides, args.runs, args.warmup)
    return Result(args.dossiers, api, baseline)


async def run(uri: str, args: argparse.Namespace) -> None:
    database, clock = f"bench_read_path_{uuid.uuid4().hex[:8]}", DbClock()
    raw: AsyncMongoClient[Doc] = AsyncMongoClient(uri, tz_aware=True, event_listeners=[clock])
    try:
        await seed(uri, database, args.dossiers)
        result = await benchmark(uri, raw[database], clock, args)
    finally:
        await raw.drop_database(database)
        await raw.close()
    report(result)
    if args.record:
        record(result)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers to seed")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each side")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs of each side first")
    parser.add_argument("--record", action="store_true", help=f"rewrite the section in {DOCS}")
    args = parser.parse_args()
    if args.dossiers < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--dossiers and --runs must be positive and --warmup not negative")
    return args


def main() -> None:
    args = parse_args()
    configured = os.environ.get("MONGODB_URI")  # else an embedded server, stopped on exit
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as scratch:
        print("using MONGODB_URI" if configured else "starting an embedded SecantusDB…")
        with database_uri(configured, Path(scratch) / "db") as uri:
            asyncio.run(run(uri, args))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("interrupted") from None
