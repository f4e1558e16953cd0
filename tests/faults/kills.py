"""The kill scenarios: SIGKILL the database, or an API process, under ten submitters, then
audit what was acknowledged against what is stored, and time the recovery."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from api.settings import Settings
from bench.processes import ApiProcess
from tests.faults.harness import (
    Figures,
    Result,
    Server,
    Supervised,
    api,
    eventually,
    load_catalogue,
    officer,
    own_server,
)
from tests.faults.load import (
    Audit,
    Bases,
    Load,
    Submitter,
    audit,
    first_ack_after,
    submitters,
)

# Without sync-on-commit, SecantusDB loses the commits of the last few tens of ms before
# a kill (issue 13 saw up to 200 ms): each kill comes right after an acknowledgement.
AT_RISK_SECONDS = 0.2
KILL_AFTER_ACK_SECONDS = 0.02
FLOWING = 3  # acknowledgements after a restart before the next kill


def _median(values: list[float]) -> float:
    finite = [v for v in values if v != float("inf")]
    return statistics.median(finite) if finite else float("inf")


@dataclass
class DatabaseKills(Result):
    kills: int
    supervised: bool
    audit: Audit = field(default_factory=Audit)
    recoveries: list[float] = field(default_factory=list)  # restart answering -> first ack
    outages: list[float] = field(default_factory=list)  # kill -> first ack
    settled: list[float] = field(default_factory=list)  # answering -> supervisor sees it up
    at_risk: int = 0  # acknowledged within AT_RISK_SECONDS before a kill
    retried: int = 0  # acknowledged keys that needed more than one try
    outcomes: Counter[str] = field(default_factory=Counter)
    moments: list[tuple[float, float]] = field(default_factory=list)  # (killed, answering)
    seconds: float = 0.0

    def figures(self) -> Figures:
        return {
            "restarted by": "the supervisor" if self.supervised else "the test",
            "kills": len(self.outages),
            "acknowledged": self.audit.acked,
            "stored": self.audit.stored,
            f"acked <{AT_RISK_SECONDS * 1000:.0f} ms before a kill": self.at_risk,
            "lost": len(self.audit.lost),
            "reissued codes": len(self.audit.reissued),
            "stuck keys": len(self.audit.stuck_keys),
            "keys retried": self.retried,
            "recovery median s": _median(self.recoveries),
            "recovery max s": max(self.recoveries, default=float("inf")),
            "outage median s": _median(self.outages),
            "until /readyz up median s": _median(self.settled),
            "replay max s": self.audit.replay_max_seconds,
            "tries that failed": sum(n for o, n in self.outcomes.items() if o != "ok"),
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = self.audit.problems()
        if len(self.outages) < self.kills:
            found.append(f"only {len(self.outages)} of {self.kills} kills were made")
        slow = [f"{r:.1f}" for r in self.recoveries if r == float("inf")]
        if slow:
            found.append(f"{len(slow)} restarts without a submission succeeding after them")
        return found


async def database_kills(
    workdir: Path,
    kills: int,
    count: int = 10,
    agencies: int = 3,
    *,
    supervised: bool = True,
    recovery_limit: float = 20.0,
) -> DatabaseKills:
    """SIGKILL the database `kills` times while `count` clients submit through one API
    process. `supervised`: the API's own embedded database, which its supervisor brings
    back; otherwise a server of the scenario's own, restarted on its port at once."""
    result, started = DatabaseKills(kills, supervised), time.monotonic()
    async with (
        _killable(workdir, supervised) as (server, settings, process),
        httpx.AsyncClient(limits=httpx.Limits(max_connections=50)) as http,
    ):
        clients = submitters(settings, Bases([process.base]), http, count, agencies)
        async with Load(clients) as load:
            await _kill_repeatedly(server, load, result, recovery_limit)
            await load.stop(settle=recovery_limit)
        result.outcomes = sum((s.outcomes for s in clients), Counter())
        result.retried = sum(a.tries > 1 for a in load.acks())
        killed = [k for k, _ in result.moments]
        result.at_risk = sum(
            any(0 <= k - a.acked_at < AT_RISK_SECONDS for k in killed) for a in load.acks()
        )
        database: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.uri)
        try:
            result.audit = await audit(database[settings.database], clients, process.base)
        finally:
            await database.close()
    result.seconds = time.monotonic() - started
    return result


@asynccontextmanager
async def _killable(
    workdir: Path, supervised: bool
) -> AsyncIterator[tuple[Server | Supervised, Settings, ApiProcess]]:
    """A database to kill, the catalogue in it, and an API process on it."""
    data_dir = workdir / "var"
    if not supervised:
        async with own_server(workdir) as server:
            settings = await load_catalogue(server.uri, "faults", data_dir)
            async with api(settings, workdir) as process:
                yield server, settings, process
        return
    embedded = Supervised(data_dir)
    try:
        unknown = Settings(mongodb_uri=None, database="faults", data_dir=data_dir)
        async with api(unknown, workdir, embedded=True) as process:
            embedded.api = process.base
            settings = await load_catalogue(embedded.uri, "faults", data_dir)
            yield embedded, settings, process
    finally:
        embedded.leftover()


async def _kill_repeatedly(
    server: Server | Supervised, load: Load, result: DatabaseKills, recovery_limit: float
) -> None:
    moments = result.moments
    ready = time.monotonic()
    for _ in range(result.kills + 1):
        if not await load.until_acked(FLOWING, ready, recovery_limit):
            result.recoveries.append(float("inf"))
            return
        if moments:
            result.recoveries.append(first_ack_after(load.submitters, ready))
            result.outages.append(first_ack_after(load.submitters, moments[-1][0]))
        if len(moments) == result.kills:
            return
        if moments:
            result.settled.append(await server.settled(recovery_limit) - ready)
        await load.next_ack(recovery_limit)
        await asyncio.sleep(random.uniform(0, KILL_AFTER_ACK_SECONDS))
        killed = await server.kill()
        ready = await server.back()
        moments.append((killed, ready))


@dataclass
class ApiKill(Result):
    recovery_limit: float
    killed_at: str = ""  # UTC, to find the kill in the API processes' logs
    rate: float = 0.0  # submissions acknowledged per second before the kill
    audit: Audit = field(default_factory=Audit)
    per_agency: dict[str, float] = field(default_factory=dict)  # kill -> first ack there
    retried: dict[str, float] = field(default_factory=dict)  # in flight -> answered (s)
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def figures(self) -> Figures:
        answered = [s for s in self.retried.values() if s != float("inf")]
        return {
            "killed at (UTC)": self.killed_at,
            "submissions/s before the kill": self.rate,
            "agencies": len(self.per_agency),
            "agency recovery median s": _median(list(self.per_agency.values())),
            "agency recovery max s": max(self.per_agency.values(), default=float("inf")),
            "in flight at the kill": len(self.retried),
            "of them completed": len(answered),
            "slowest of them s": max(answered, default=0.0),
            "IN_PROGRESS answers": self.outcomes["IN_PROGRESS"],
            "acknowledged": self.audit.acked,
            "lost": len(self.audit.lost),
            "reissued codes": len(self.audit.reissued),
            "stuck keys": len(self.audit.stuck_keys),
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = self.audit.problems()
        late = {a: s for a, s in self.per_agency.items() if s > self.recovery_limit}
        if late:
            shown = ", ".join(f"{a} after {s:.1f} s" for a, s in sorted(late.items()))
            found.append(f"agencies accepting again only {shown} (limit {self.recovery_limit} s)")
        if not self.retried:
            found.append("no request was in flight at the killed process")
        stuck = sorted(k for k, s in self.retried.items() if s == float("inf"))
        if stuck:
            found.append(f"{len(stuck)} keys in flight at the kill never completed: {stuck[:10]}")
        return found


async def api_kill(
    workdir: Path,
    count: int = 10,
    agencies: int = 5,
    recovery_limit: float = 10.0,
    settle: float = 30.0,
) -> ApiKill:
    """SIGKILL one of two API processes while `count` clients submit through both at
    `agencies` agencies; start it again. Every agency must accept within
    `recovery_limit` s of the kill; keys in flight at the kill get `settle` s."""
    result, started = ApiKill(recovery_limit), time.monotonic()
    async with own_server(workdir) as server, AsyncExitStack() as stack:
        settings = await load_catalogue(server.uri, "faults", workdir / "var")
        first = await stack.enter_async_context(api(settings, workdir))
        second = await stack.enter_async_context(api(settings, workdir))
        http = await stack.enter_async_context(httpx.AsyncClient())
        bases = Bases([first.base, second.base])
        clients = submitters(settings, bases, http, count, agencies)
        at = sorted({s.agency for s in clients})
        # One fresh client per agency from the kill on: when does each agency accept a
        # new submission (the in-flight keys wait for their lease, apart)?
        probers = [
            Submitter(f"p{i}", agency, officer(settings, f"p{i}", agency), bases, http)
            for i, agency in enumerate(at)
        ]
        async with Load(clients) as load:
            loaded = time.monotonic()
            await load.until_acked(2 * count, started, 30.0)
            flying = await _in_flight_at(clients, first.base)
            os.kill(first.pid, signal.SIGKILL)
            killed = time.monotonic()
            result.killed_at = f"{datetime.now(UTC):%H:%M:%S.%f}"[:-3]
            result.rate = len(load.acks()) / (killed - loaded)
            bases.urls.remove(first.base)
            async with Load(probers) as probing:
                restarted = await stack.enter_async_context(api(settings, workdir))
                bases.urls.append(restarted.base)
                await eventually(
                    lambda: all(first_ack_after(probers, killed, a) < float("inf") for a in at),
                    within=killed + 2 * recovery_limit - time.monotonic(),
                    step=0.05,
                )
                left = max(0.0, killed + settle - time.monotonic())
                await probing.stop(settle=left)
            await load.stop(settle=max(0.0, killed + settle - time.monotonic()))
        result.per_agency = {a: first_ack_after(probers, killed, a) for a in at}
        acked = {a.key: a.acked_at - killed for a in load.acks()}
        result.retried = {key: acked.get(key, float("inf")) for key in flying}
        clients += probers
        result.outcomes = sum((s.outcomes for s in clients), Counter())
        database: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.uri)
        try:
            result.audit = await audit(database[settings.database], clients, second.base)
        finally:
            await database.close()
    result.seconds = time.monotonic() - started
    return result


async def _in_flight_at(clients: list[Submitter], base: str, want: int = 3) -> list[str]:
    """The keys in flight at `base`, once `want` are (or after 2 s)."""

    def flying() -> list[str]:
        return [k for s in clients for k, b in list(s.in_flight.items()) if b == base]

    await eventually(lambda: len(flying()) >= want, within=2.0, step=0.002)
    return flying()
