"""Statistics benchmark: the public scoreboard's queries at a small and a large history.

Both sizes spread dossiers over the past year across the demo catalogue's agencies and
procedures. They are bulk-inserted (dossiers, their facts and the daily roll-ups, with
`insert_many` in batches) rather than played through the workflow, which would take
hours at 100,000; the facts come from the same `compute_fact` the workflow uses. The
query reads roll-ups only, so its time should not grow with the number of dossiers:
the ratio of the medians is the figure to watch. `motcua stats rebuild` is timed too.

    .venv/bin/python -m bench.statistics [--small 1000] [--large 100000] [--runs 20] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from api.app import create_app
from api.database import connect
from api.embedded import database_uri
from api.settings import Settings
from demo.seeding import seed_catalogue
from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import Timeliness
from documents.statistics.contributions import FactInputs
from documents.statistics.facts import DossierFact, OpenClock, compute_fact, open_clock
from documents.statistics.rebuild import add_fact, insert_rollups, rebuild
from documents.statistics.tables import COUNTERS, expanded, rollup_rows

BATCH = 2000


def median(values: list[float]) -> float:
    """By hand: this file's name shadows the standard library's `statistics`."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# What the public scoreboard (/cong-khai) asks for, one query at a time.
QUERIES = {
    "statistics": """query($from: Date!, $to: Date!) {
  publicStatistics(from: $from, to: $to, granularity: MONTH) {
    totals { received resolved overdueInProgress onTimeRate satisfaction }
    series { period indicators { received onTimeRate onlineShare } } } }""",
    "ranking": """query($from: Date!, $to: Date!) { agencyRanking(from: $from, to: $to) {
  rank score agency { code name } indicators { received onTimeRate satisfaction } } }""",
    "procedures": """query($from: Date!, $to: Date!) { procedureTable(from: $from, to: $to) {
  procedure { code name } indicators { received resolved onTimeRate workingDaysSaved } } }""",
}
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- statistics:start -->", "<!-- statistics:end -->"


def _dossier(
    index: int, procedure: Procedure, agency: str, now: datetime, rng: random.Random
) -> dict[str, Any]:
    received = now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
    due = received + timedelta(days=procedure.processing_days * 7 / 5)
    doc: dict[str, Any] = {
        "code": f"BENCH-{index:07d}",
        "procedure_code": procedure.code,
        "form_key": procedure.form_key,
        "form_version": 1,
        "applicant": {"kind": "CITIZEN", "id_number": "001090012345", "full_name": "Bench"},
        "data": {},
        "channel": rng.choice(["ONLINE", "ONLINE", "COUNTER"]),
        "receiving_agency_code": agency,
        "handling_agency_code": agency,
        "agency_codes": [agency],
        "status": "IN_PROGRESS",
        "received_at": received,
        "updated_at": received,
        "due_at": due,
        "appointment_at": due,
    }
    finished = received + timedelta(days=procedure.processing_days * rng.uniform(0.3, 1.3))
    if finished < now:  # old dossiers are finished; open ones are recent
        late = finished > due
        doc |= {"status": "RETURNED", "finished_at": finished, "updated_at": finished}
        doc["timeliness"] = Timeliness.LATE if late else Timeliness.ON_TIME
    return doc


async def fill(size: int, hours: OfficeHours) -> None:
    """`size` dossiers, their facts and roll-ups, bulk-inserted."""
    rng, now, calendar = random.Random(size), datetime.now(UTC), await load_calendar(hours)
    procedures = await Procedure.find_all().to_list()
    agencies = [a.code for a in await Agency.find_all().to_list()]
    table: dict[tuple[str, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTERS, 0)
    )
    for start in range(0, size, BATCH):
        docs, facts = [], []
        for index in range(start, min(size, start + BATCH)):
            procedure = rng.choice(procedures)
            agency = rng.choice(procedure.agency_codes or agencies)
            doc = _dossier(index, procedure, agency, now, rng)
            inputs = FactInputs(procedure=procedure)
            fact = compute_fact(Dossier.model_validate(doc), calendar, inputs, now)
            add_fact(table, fact)
            docs.append(doc)
            facts.append(fact.model_dump(exclude={"id", "revision_id"}))
        await Dossier.get_pymongo_collection().insert_many(docs)
        await DossierFact.get_pymongo_collection().insert_many(facts)
        clocks = [c for c in map(open_clock, map(DossierFact.model_validate, facts)) if c]
        if clocks:
            await OpenClock.get_pymongo_collection().insert_many(clocks)
        print(f"\r  {min(size, start + BATCH)}/{size} dossiers", end="", flush=True)
    print()
    await insert_rollups(rollup_rows(expanded(table)))


async def measure(uri: str, size: int, runs: int) -> dict[str, float]:
    database = f"bench_statistics_{uuid.uuid4().hex[:8]}"
    settings = Settings(mongodb_uri=uri, database=database, dev_mode=True)
    client = await connect(uri, settings)
    try:
        await seed_catalogue()
        print(f"bulk-inserting {size} dossiers with their facts and roll-ups…", flush=True)
        await fill(size, settings.office_hours)
        started = time.perf_counter()
        rollups = await rebuild(settings.office_hours)  # the same roll-ups again, from the dossiers
        rebuild_seconds = time.perf_counter() - started
    finally:
        await client.close()
    # The last twelve whole months, as the public scoreboard shows them.
    this_month = datetime.now(UTC).date().replace(day=1)
    first = this_month.replace(year=this_month.year - 1)
    variables = {"from": first.isoformat(), "to": (this_month - timedelta(days=1)).isoformat()}
    app = create_app(settings)
    times: dict[str, list[float]] = {name: [] for name in QUERIES}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http,
    ):
        for run in range(runs + 3):
            for name, query in QUERIES.items():
                started = time.perf_counter()
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                elapsed = time.perf_counter() - started
                body = response.json()
                assert "errors" not in body, body
                if run >= 3:  # warm-up
                    times[name].append(elapsed)
            received = body["data"]["procedureTable"][0]["indicators"]["received"]
            assert 0 < received <= size, f"expected up to {size} received, got {received}"
    cleanup: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    await cleanup.drop_database(database)
    await cleanup.close()
    medians = {name: 1000 * median(values) for name, values in times.items()}
    return medians | {"rebuild_s": rebuild_seconds, "rollups": rollups}


def record(rows: list[tuple[int, dict[str, float]]], ratios: dict[str, float], runs: int) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    names = list(QUERIES)
    table = "\n".join(
        f"| {stamp} | {size} | {int(r['rollups'])} | {runs} | "
        + " | ".join(f"{r[name]:.1f}" for name in names)
        + f" | {r['rebuild_s']:.1f} |"
        for size, r in rows
    )
    header = " | ".join(f"`{name}` median ms" for name in names)
    ratio_line = ", ".join(f"`{name}` **{ratio:.2f}**" for name, ratio in ratios.items())
    section = (
        f"{START}\n| date (UTC) | dossiers | roll-up documents | runs | {header} "
        f"| `stats rebuild` s |\n|{'---|' * (len(names) + 5)}\n{table}\n\n"
        f"Ratio of the medians, large / small: {ratio_line}. Dossiers, facts and roll-ups "
        f"were bulk-inserted (not played through the workflow).\n{END}"
    )
    text = DOCS.read_text()
    if START in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text += f"\n## Statistics: a year of indicators\n\n{section}\n"
    DOCS.write_text(text)


async def run(uri: str, args: argparse.Namespace) -> None:
    rows = [(size, await measure(uri, size, args.runs)) for size in (args.small, args.large)]
    for size, result in rows:
        medians = ", ".join(f"{name} {result[name]:.1f} ms" for name in QUERIES)
        print(
            f"{size:>7} dossiers: medians {medians} over {int(result['rollups'])} roll-ups; "
            f"stats rebuild {result['rebuild_s']:.1f} s"
        )
    ratios = {name: rows[1][1][name] / rows[0][1][name] for name in QUERIES}
    shown = ", ".join(f"{name} {ratio:.2f}" for name, ratio in ratios.items())
    print(f"ratio large/small: {shown} (data bulk-inserted, not played through the workflow)")
    if args.record:
        record(rows, ratios, args.runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--record", action="store_true", help=f"rewrite the section in {DOCS}")
    args = parser.parse_args()
    configured = os.environ.get("MONGODB_URI")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as scratch:
        print("using MONGODB_URI" if configured else "starting an embedded SecantusDB…")
        with database_uri(configured, Path(scratch) / "db") as uri:
            asyncio.run(run(uri, args))


if __name__ == "__main__":
    main()
