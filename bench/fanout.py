"""Fan-out benchmark: N WebSocket subscribers on one API process, changes via another.

On the demo catalogue, process A holds N `dossierEvents` subscribers (reception
officers of the dossiers' ward: every event is theirs, unmasked); process B accepts
M dossiers, `--interval` apart. For every delivery it records the time from B's
mutation response to the subscriber receiving the event, then reports p50/p99,
deliveries per second and A's resident memory per subscriber. It steps N up (e.g.
250, 500, 1000, 2000) within a time budget and reports the largest N with p99 under
500 ms. `--record` rewrites docs/benchmarks.md's fan-out section.

    .venv/bin/python -m bench.fanout [--steps 250,500,1000,2000] [--changes 10]
                                     [--interval 0.5] [--budget 300] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from api.authentication import issue_token
from api.database import connect as connect_database
from api.embedded import database_uri
from api.settings import Settings
from bench.processes import ApiProcess, api_process, logged_api_process
from demo.catalogue import WARDS_AND_COMMUNES
from demo.sample_data import sample_applicant, sample_form_data
from demo.seeding import seed_catalogue
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import ApplicantKind, Channel, Dossier
from documents.dossiers.statuses import DossierStatus
from documents.workflow.submitting import Submission, submit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- fanout:start -->", "<!-- fanout:end -->"
TARGET_P99_MS = 500.0
INTERVAL = [0.5]  # set from --interval, for the report
WARD = WARDS_AND_COMMUNES[0]
SUBSCRIBE = "subscription { dossierEvents(filter: {types: [ACCEPTED]}) { eventId dossierCode } }"
ACCEPT = "mutation($code: String!) { acceptDossier(code: $code) { dossier { code } } }"
MACHINE = f"{os.cpu_count()} cores; subscribers' client and both API processes share them"


@dataclass(frozen=True)
class Step:
    subscribers: int
    changes: int
    latencies_ms: list[float]
    deliveries_per_second: float
    rss_per_subscriber_kib: float
    missing: int
    executions_per_event: float
    mutation_ms: float  # median round trip of the change itself, included in the latency
    problems: tuple[str, ...] = ()

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else math.inf

    @property
    def ok(self) -> bool:
        return self.missing == 0 and not self.problems and self.percentile(0.99) <= TARGET_P99_MS


class Subscriber:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: dict[str, float] = {}
        # Anything but an event: error payloads, `error`/`complete` frames, a closed socket.
        self.problems: list[str] = []

    async def listen(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                self.take(message)
                if message.get("type") == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
        except Exception as error:  # reported, never silent
            self.problems.append(f"listener: {type(error).__name__}: {error}"[:300])

    def take(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        payload = message.get("payload")
        update = None
        if kind == "next" and isinstance(payload, dict):
            update = (payload.get("data") or {}).get("dossierEvents")
        if isinstance(update, dict) and isinstance(update.get("dossierCode"), str):
            self.received[update["dossierCode"]] = time.perf_counter()
        elif kind not in ("ping", "pong"):
            self.problems.append(json.dumps(message)[:300])


async def open_subscriber(url: str, token: str, stack: AsyncExitStack) -> Subscriber:
    ws = await stack.enter_async_context(
        connect(url, subprotocols=["graphql-transport-ws"], open_timeout=60)  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return Subscriber(ws)


async def gql(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


class Dossiers:
    """Demo dossiers received at WARD, submitted straight through the domain (untimed)."""

    def __init__(self, procedure: Procedure, hours: OfficeHours) -> None:
        self.procedure, self.hours = procedure, hours
        self.rng = random.Random(2026)

    async def submitted(self) -> Dossier:
        submission = Submission(
            procedure_code=self.procedure.code,
            receiving_agency_code=WARD,
            channel=Channel.ONLINE,
            applicant=sample_applicant(self.rng, ApplicantKind.CITIZEN),
            data=sample_form_data(self.procedure.form_key, self.rng),
        )
        return await submit(submission, actor="bench", hours=self.hours)

    async def received(self) -> str:
        return (await self.submitted()).code


async def acceptable(hours: OfficeHours) -> Dossiers:
    """Dossiers of the first WARD procedure whose submissions stay at WARD's reception,
    RECEIVED: not routed to another agency, and no population lookup (none is configured
    here, so it would ask for a supplement), so that WARD's reception may accept them."""
    procedures = await Procedure.find(Procedure.agency_codes == WARD).sort("code").to_list()
    for procedure in procedures:
        dossiers = Dossiers(procedure, hours)
        probe = await dossiers.submitted()
        if probe.status is DossierStatus.RECEIVED and probe.handling_agency_code == WARD:
            return dossiers
    raise SystemExit(f"no demo procedure at {WARD} leaves a dossier RECEIVED at {WARD}")


async def executions(http: httpx.AsyncClient, reader: ApiProcess) -> int:
    """Shared executions so far on the subscribers' process (its /metrics)."""
    response = await http.get(f"{reader.base}/metrics")
    for row in response.text.splitlines():
        if row.startswith("motcua_fanout_executions_total "):
            return int(float(row.split()[1]))
    return 0


async def measure(
    reader: ApiProcess,
    http: httpx.AsyncClient,
    token: str,
    dossiers: Dossiers,
    n: int,
    args: argparse.Namespace,
) -> Step:
    changes = args.changes
    codes = [await dossiers.received() for _ in range(changes)]
    async with AsyncExitStack() as stack:
        rss_before = reader.rss_bytes()
        subscribers: list[Subscriber] = []
        for start in range(0, n, 100):
            batch = range(start, min(n, start + 100))
            subscribers += await asyncio.gather(
                *(open_subscriber(reader.ws_url, token, stack) for _ in batch)
            )
        listeners = [asyncio.create_task(s.listen()) for s in subscribers]
        await asyncio.sleep(1.0)  # let every subscription register with the hub
        await gql(http, token, ACCEPT, code=await dossiers.received())  # untimed
        await asyncio.sleep(2.0 + n / 500)
        for s in subscribers:
            s.received.clear()
        executed_before = await executions(http, reader)
        rss_per = (reader.rss_bytes() - rss_before) / n / 1024
        answered: dict[str, float] = {}
        round_trips: list[float] = []
        began = time.perf_counter()
        for code in codes:
            # From the request: the event often reaches A's subscribers before B's answer.
            answered[code] = time.perf_counter()
            await gql(http, token, ACCEPT, code=code)
            round_trips.append((time.perf_counter() - answered[code]) * 1000)
            await asyncio.sleep(args.interval)
        deadline = time.perf_counter() + 60 + n / 50
        expected = n * changes
        while sum(len(s.received) for s in subscribers) < expected:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.05)
        last = max((t for s in subscribers for t in s.received.values()), default=began)
        for listener in listeners:
            listener.cancel()
        latencies = [
            (s.received[code] - answered[code]) * 1000
            for s in subscribers
            for code in codes
            if code in s.received
        ]
        problems = [problem for s in subscribers for problem in s.problems]
    executed = await executions(http, reader) - executed_before
    return Step(
        n,
        changes,
        latencies,
        len(latencies) / (last - began) if last > began else 0.0,
        rss_per,
        expected - len(latencies),
        executed / changes,
        statistics.median(round_trips),
        tuple(problems),
    )


def report_problems(step: Step, reader_log: Path) -> None:
    """What the subscribers got instead of events, and the reader's errors, if any."""
    if not step.problems:
        return
    distinct = sorted(set(step.problems))
    print(f"  {len(step.problems)} problems, {len(distinct)} distinct; first:", flush=True)
    for problem in distinct[:5]:
        print(f"    {problem}")
    if reader_log.exists():
        tail = reader_log.read_text(errors="replace").splitlines()[-20:]
        print("  subscribers' API process, last lines:\n    " + "\n    ".join(tail))


def line(step: Step) -> str:
    return (
        f"| {step.subscribers} | {step.changes} | {step.percentile(0.5):.0f} "
        f"| {step.percentile(0.99):.0f} | {step.mutation_ms:.0f} "
        f"| {step.deliveries_per_second:.0f} "
        f"| {step.rss_per_subscriber_kib:.1f} | {step.executions_per_event:g} | {step.missing} "
        f"| {len(step.problems)} | {'yes' if step.ok else 'no'} |"
    )


def section(steps: list[Step]) -> str:
    best = max((s.subscribers for s in steps if s.ok), default=0)
    rows = "\n".join(line(step) for step in steps)
    return (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Latency: from sending the mutation "
        f"to process B to a subscriber on process A receiving the event; changes "
        f"{INTERVAL[0]:g} s apart; mutation p50: the change's own round trip, part of the "
        "latency. Executions/event: shared executions on A per change "
        "(one per group of identical viewers; all subscribers here are one group). "
        "Errors: frames other than events, and listeners that failed.\n\n"
        "| subscribers | changes | p50 ms | p99 ms | mutation p50 ms | deliveries/s "
        "| RSS KiB/subscriber "
        "| executions/event | missing | errors | p99 ≤ 500 ms, none missed |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
        f"{rows}\n\nLargest N with p99 ≤ 500 ms and none missed: **{best or 'none measured'}**. "
        f"Machine: {MACHINE}."
    )


def record(steps: list[Step], path: Path = DOCS) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if START not in text or END not in text:
        title = "## Fan-out: dossier events to WebSocket subscribers"
        text = f"{text.rstrip()}\n\n{title}\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    path.write_text(f"{before}{START}\n{section(steps)}\n{END}{rest.split(END, 1)[1]}")
    print(f"recorded in {path}")


async def run(uri: str, scratch: Path, args: argparse.Namespace) -> list[Step]:
    settings = Settings(mongodb_uri=uri, database=f"bench_fanout_{uuid.uuid4().hex[:8]}")
    settings = settings.model_copy(update={"data_dir": scratch})
    token = issue_token(settings, "officer:reception", sub="bench", agency=WARD)
    client = await connect_database(uri, settings)
    steps: list[Step] = []
    reader_log = scratch.parent / "reader.log"
    try:
        await seed_catalogue()
        dossiers = await acceptable(settings.office_hours)
        limit = {"rate_limit_per_minute": "1000000", "rate_limit_burst": "100000"}
        async with (
            logged_api_process(uri, settings.database, scratch, limit, reader_log) as reader,
            api_process(uri, settings.database, scratch, **limit) as writer,
            httpx.AsyncClient(base_url=writer.base, timeout=60) as http,
        ):
            began = time.perf_counter()
            for n in args.steps:
                if time.perf_counter() - began > args.budget:
                    print(f"budget of {args.budget:.0f} s spent; not trying {n}")
                    break
                print(f"{n} subscribers, {args.changes} changes…", flush=True)
                step = await measure(reader, http, token, dossiers, n, args)
                steps.append(step)
                print(section([step]).split("\n\n")[1].splitlines()[-1], flush=True)
                report_problems(step, reader_log)
    finally:
        await client.drop_database(settings.database)
        await client.close()
    return steps


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", default="250,500,1000,2000", help="subscriber counts")
    parser.add_argument("--changes", type=int, default=10, help="status changes per step")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--budget", type=float, default=300, help="seconds before stopping")
    parser.add_argument("--record", action="store_true", help=f"rewrite the section in {DOCS}")
    args = parser.parse_args()
    INTERVAL[0] = args.interval
    args.steps = [int(n) for n in args.steps.split(",")]
    return args


def main() -> None:
    args = parse_args()
    configured = os.environ.get("MONGODB_URI")
    with (
        tempfile.TemporaryDirectory(prefix="motcua-fanout-") as scratch,
        database_uri(configured, Path(scratch) / "db") as uri,
    ):
        steps = asyncio.run(run(uri, Path(scratch) / "var", args))
    print(f"\n{section(steps)}")
    if args.record:
        record(steps)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("interrupted") from None
