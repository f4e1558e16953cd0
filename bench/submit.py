"""Submission throughput: `submitDossier` over HTTP against a raw PyMongo insert
transaction, from 1, 10 and 50 concurrent clients; and the time to validate a 700-field
form.

One embedded SecantusDB (syncing every commit), its demo catalogue, and one API process
(`python -m api serve`). Every submission goes to one procedure at one agency on one
day, so all of them take the same dossier-code counter: the worst case. For each
concurrency the baseline runs first, then the API:

* API: `--count` `submitDossier` mutations (validation, code, dossier, its events and
  statistics fact in one transaction) by that many concurrent HTTP clients.
* baseline: the same number of transactions by that many tasks over PyMongo (w:majority,
  journal): `$inc` the day's counter, insert the dossier, insert its event.

After each run the stored codes of the day are checked: no duplicates, no gaps.
Then, in this process, `--writers` concurrent domain `submit` calls are counted
(transaction attempts, write conflicts, time waiting for the event-writing turn) to show
what serialises them, and the 700-field form is validated `--validations` times.

    .venv/bin/python -m bench.submit [--count 100] [--levels 1,10,50] [--validations 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median, quantiles
from typing import Any

import httpx
from bson import ObjectId
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandSucceededEvent
from pymongo.monitoring import CommandStartedEvent as Started

from api.authentication import issue_token
from api.database import connect
from api.embedded import database_uri
from api.settings import Settings
from bench import form_data
from bench.durability import sample_submission
from bench.processes import api_process
from demo.catalogue import procedures
from demo.sample_data import sample_applicant, sample_form_data
from demo.seeding import seed_catalogue
from documents.catalogue.forms import validation
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date
from documents.dossiers import events
from documents.dossiers.dossier import Applicant
from documents.workflow.submitting import submit

SUBMIT = """
mutation Submit($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code field } }
}
"""
LIMITS = {"rate_limit_per_minute": "100000000", "rate_limit_burst": "10000000"}


@dataclass
class Run:
    """One side's run at one concurrency: latencies, codes, attempts."""

    latencies: list[float] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # error code -> how many
    attempts: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p50(self) -> float:
        return median(self.latencies)

    @property
    def p99(self) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0]
        return quantiles(self.latencies, n=100, method="inclusive")[98]


async def concurrently(clients: int, count: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Run `one(i)` for i < count from `clients` workers; the wall time."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            await one(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - started


def applicant_input(applicant: Applicant) -> dict[str, Any]:
    return {
        "kind": applicant.kind.value,
        "idNumber": applicant.id_number,
        "fullName": applicant.full_name,
        "phone": applicant.phone,
        "address": applicant.address,
    }


async def api_run(http: httpx.AsyncClient, inputs: list[dict[str, Any]], clients: int) -> Run:
    run = Run()

    async def one(i: int) -> None:
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": SUBMIT, "variables": inputs[i]})
        elapsed = time.perf_counter() - started
        body = response.json()
        payload = (body.get("data") or {}).get("submitDossier") or {}
        if payload.get("dossier"):
            run.latencies.append(elapsed)
            run.codes.append(payload["dossier"]["code"])
            return
        errors = body.get("errors") or payload.get("errors") or [{}]
        failed = errors[0].get("extensions", errors[0]).get("code", "?")
        run.failures[failed] = run.failures.get(failed, 0) + 1

    run.seconds = await concurrently(clients, len(inputs), one)
    return run


async def raw_run(
    client: AsyncMongoClient[dict[str, Any]],
    database: str,
    prefix: str,
    documents: list[dict[str, Any]],
    clients: int,
) -> Run:
    """The baseline: counter, dossier, event in one transaction, retried as PyMongo
    retries (`with_transaction`)."""
    run = Run()
    db = client[database]

    async def one(i: int) -> None:
        started = time.perf_counter()

        async def work(session: AsyncClientSession) -> str:
            run.attempts += 1
            counter = await db.counters.find_one_and_update(
                {"_id": prefix},
                {"$inc": {"seq": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
                session=session,
            )
            assert counter is not None
            code = f"{prefix}-{counter['seq']:04d}"
            now = datetime.now(UTC)
            dossier = {**documents[i], "_id": ObjectId(), "code": code, "received_at": now}
            await db.dossiers.insert_one(dossier, session=session)
            event = {"dossier_code": code, "type": "RECEIVED", "at": now, "to_status": "RECEIVED"}
            await db.dossier_events.insert_one(event, session=session)
            return code

        async with client.start_session() as session:
            code = await session.with_transaction(work)
        run.latencies.append(time.perf_counter() - started)
        run.codes.append(code)

    run.seconds = await concurrently(clients, len(documents), one)
    return run


def code_faults(codes: list[str]) -> tuple[int, int]:
    """(duplicates, gaps) among one day's codes of one agency: sequences 1…n expected."""
    sequences = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    duplicates = len(sequences) - len(set(sequences))
    gaps = (max(sequences) - len(set(sequences))) if sequences else 0
    return duplicates, gaps


async def stored_codes(client: AsyncMongoClient[dict[str, Any]], database: str) -> list[str]:
    found = client[database].dossiers.find({}, {"code": 1, "_id": 0})
    return [document["code"] async for document in found]


class Conflicts(CommandListener):
    """Counts what the database answered to transactions: commits, write conflicts."""

    def __init__(self) -> None:
        self.commits = 0
        self.conflicts = 0
        self.transient = 0

    def started(self, event: Started) -> None:
        pass

    def succeeded(self, event: CommandSucceededEvent) -> None:
        if event.command_name == "commitTransaction":
            self.commits += 1

    def failed(self, event: CommandFailedEvent) -> None:
        failure = event.failure if isinstance(event.failure, dict) else {}
        if failure.get("code") == 112 or failure.get("codeName") == "WriteConflict":
            self.conflicts += 1
        if "TransientTransactionError" in failure.get("errorLabels", []):
            self.transient += 1


@contextmanager
def timed_turns(spent: list[float]) -> Iterator[None]:
    """Time spent inside `in_transaction` per call (its attempts and their waits for the
    process's turn), so the rest of an event-recording transaction's time is its wait in
    its agency's line (the bench's one probe)."""
    original = events.in_transaction

    async def probe(model: Any, work: Any, turn: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return await original(model, work, turn)
        finally:
            spent.append(time.perf_counter() - started)

    events.in_transaction = probe
    try:
        yield
    finally:
        events.in_transaction = original


async def diagnose(uri: str, writers: int, count: int, procedure: Procedure) -> str:
    """In this process: `count` domain submissions by `writers`, with the database's
    answers counted and the time in a transaction against the whole."""
    listener = Conflicts()
    database = f"bench_submit_probe_{uuid.uuid4().hex[:8]}"
    settings = Settings(mongodb_uri=uri, database=database)
    client = await connect(uri, settings, [listener])
    rng = random.Random(7)
    in_transaction: list[float] = []
    latencies: list[float] = []
    try:
        await seed_catalogue()
        hours = settings.office_hours

        async def one(_: int) -> None:
            started = time.perf_counter()
            await submit(sample_submission(procedure, rng), actor="bench", hours=hours)
            latencies.append(time.perf_counter() - started)

        await concurrently(writers, 10, one)  # warm-up
        in_transaction.clear()
        latencies.clear()
        listener.commits = listener.conflicts = listener.transient = 0
        with timed_turns(in_transaction):
            seconds = await concurrently(writers, count, one)
    finally:
        await client.drop_database(database)
        await client.close()
    return (
        f"domain submit in-process, {writers} writers, {count} submissions:"
        f" {count / seconds:.1f}/s; {listener.commits} commits,"
        f" {listener.conflicts} write conflicts, {listener.transient} transient errors;"
        f" median {median(latencies) * 1000:.0f} ms per submission, of which"
        f" {median(in_transaction) * 1000:.0f} ms in its transaction"
    )


def validation_ms(times: int) -> tuple[float, float, int]:
    """Median ms per validation of a valid 700-field form (the first, which compiles,
    apart); and how many validators were compiled for the `times` calls."""
    rng = random.Random(700)
    schema = form_data.form_schema()
    data = {name: f"giá trị {name} {rng.randrange(10**6)}" for name in form_data.NAMES}
    before = validation.compilations()
    started = time.perf_counter()
    validation.ensure_valid(schema, data, form=("bench-700", 1))
    first = time.perf_counter() - started
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        validation.ensure_valid(schema, data, form=("bench-700", 1))
        spent.append(time.perf_counter() - started)
    return first * 1000, median(spent) * 1000, validation.compilations() - before


async def measure(uri: str, scratch: Path, args: argparse.Namespace) -> list[str]:
    database = f"bench_submit_{uuid.uuid4().hex[:8]}"
    raw_database = f"bench_submit_raw_{uuid.uuid4().hex[:8]}"
    settings = Settings(mongodb_uri=uri, database=database, data_dir=scratch)
    client = await connect(uri, settings)
    raw: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, tz_aware=True, w="majority", journal=True
    )
    lines: list[str] = []
    try:
        await seed_catalogue()
        procedure = procedures()[0]
        agency = procedure.agency_codes[0]
        token = issue_token(settings, "officer:reception", sub="bench", agency=agency)
        prefix = f"{agency}-{local_date(datetime.now(UTC)).strftime('%y%m%d')}"
        rng = random.Random(2026)

        def inputs(n: int) -> list[dict[str, Any]]:
            made = []
            for _ in range(n):
                data = sample_form_data(procedure.form_key, rng)
                made.append(
                    {
                        "input": {
                            "procedureCode": procedure.code,
                            "receivingAgencyCode": agency,
                            "channel": "ONLINE",
                            "applicant": applicant_input(sample_applicant(rng)),
                            "data": data,
                        }
                    }
                )
            return made

        def documents(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {
                    "procedure_code": procedure.code,
                    "receiving_agency_code": agency,
                    "handling_agency_code": agency,
                    "channel": "ONLINE",
                    "status": "RECEIVED",
                    "applicant": one["input"]["applicant"],
                    "data": one["input"]["data"],
                }
                for one in batch
            ]

        headers = {"authorization": f"Bearer {token}"}
        async with AsyncExitStack() as stack:
            api = await stack.enter_async_context(api_process(uri, database, scratch, **LIMITS))
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=api.base, headers=headers, timeout=120)
            )
            warm = inputs(10)
            await api_run(http, warm, 2)
            await raw_run(raw, raw_database, prefix, documents(warm), 2)
            header = (
                "| clients | baseline /s | API /s | ratio | baseline p99 | API p99 | API failed |"
            )
            lines += [header, "|---:|---:|---:|---:|---:|---:|---:|"]
            for clients in args.levels:
                batch = inputs(args.count)
                base = await raw_run(raw, raw_database, prefix, documents(batch), clients)
                ours = await api_run(http, batch, clients)
                faults = [
                    code_faults(await stored_codes(raw, raw_database)),
                    code_faults(await stored_codes(raw, database)),
                ]
                retries = base.attempts - len(base.latencies)
                print(
                    f"{clients:3} clients: baseline {base.rate:6.1f}/s p50 {base.p50 * 1000:.0f}"
                    f" p99 {base.p99 * 1000:.0f} ms ({retries} retries); API {ours.rate:6.1f}/s"
                    f" p50 {ours.p50 * 1000:.0f} p99 {ours.p99 * 1000:.0f} ms"
                    f" (failed: {ours.failures or 0});"
                    f" (duplicates, gaps) baseline {faults[0]}, API {faults[1]}",
                    flush=True,
                )
                if any(faults[0]) or any(faults[1]):
                    raise SystemExit(f"duplicate or missing codes: {faults}")
                lines.append(
                    f"| {clients} | {base.rate:.1f} | {ours.rate:.1f} | {ours.rate / base.rate:.2f}"
                    f" | {base.p99 * 1000:.0f} ms | {ours.p99 * 1000:.0f} ms"
                    f" | {sum(ours.failures.values())} |"
                )
        for writers in args.probe:
            lines.append(await diagnose(uri, writers, args.count, procedure))
            print(lines[-1], flush=True)
    finally:
        for name in (database, raw_database):
            await raw.drop_database(name)
        await raw.close()
        await client.close()
    first, typical, compiled = validation_ms(args.validations)
    lines.append(
        f"700-field form: first validation {first:.1f} ms, then median {typical:.1f} ms"
        f" over {args.validations} ({compiled} validator compiled)"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="submissions per run")
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients")
    parser.add_argument("--probe", default="1,10", help="writers of the in-process probe")
    parser.add_argument("--validations", type=int, default=200)
    args = parser.parse_args()
    args.levels = [int(n) for n in args.levels.split(",")]
    args.probe = [int(n) for n in args.probe.split(",") if n]
    configured = os.environ.get("MONGODB_URI")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as scratch:
        print("using MONGODB_URI" if configured else "starting an embedded SecantusDB…")
        with database_uri(configured, Path(scratch) / "db") as uri:
            lines = asyncio.run(measure(uri, Path(scratch) / "var", args))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
