"""What the rate limit adds to a request: the same cheap GraphQL query (`{ __typename }`)
through the app in-process, on one embedded SecantusDB, with the limiter off, with one
database round trip per request (leases of 1, as before issue 18), and with leases of
`LEASE_TOKENS` (the default). Rounds alternate between the modes so machine noise hits
all alike; the medians of each request's time and the added time against "off" matter.

    .venv/bin/python -m bench.rate_limit [--rounds 7] [--per-round 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from statistics import median

import httpx
from starlette.applications import Starlette

from api.app import create_app
from api.embedded import EmbeddedDatabase
from api.middleware import rate_limit
from api.middleware.rate_limit import LEASE_TOKENS, SharedBuckets
from api.settings import Settings
from documents.access.rate_limits import Decision

QUERY = {"query": "{ __typename }"}
MODES = ("off", "round trip per request", f"leases of {LEASE_TOKENS}")


@contextlib.contextmanager
def limiter_off() -> Iterator[None]:
    """Every bucket admits at once: the request without the limiter's step."""
    saved = SharedBuckets.take

    async def admit(self: SharedBuckets, key: str) -> Decision:
        return Decision(allowed=True, remaining=self.policy.capacity, reset=0, retry_after=1)

    SharedBuckets.take = admit  # type: ignore[method-assign]  # the bench's one switch
    try:
        yield
    finally:
        SharedBuckets.take = saved  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def app_with_leases(settings: Settings, lease: int) -> AsyncIterator[httpx.AsyncClient]:
    saved, rate_limit.LEASE_TOKENS = rate_limit.LEASE_TOKENS, lease
    try:
        app: Starlette = create_app(settings)
    finally:
        rate_limit.LEASE_TOKENS = saved
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://localhost") as http,
    ):
        yield http


async def request_times(http: httpx.AsyncClient, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = await http.post("/graphql", json=QUERY)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return times


async def step_times(buckets: SharedBuckets, count: int) -> list[float]:
    """The limiter's own step (what the middleware awaits before the request goes on)."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        decision = await buckets.take("address:203.0.113.9")
        times.append(time.perf_counter() - started)
        assert decision.allowed
    return times


async def main(rounds: int, per_round: int) -> None:
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as home:
        database = EmbeddedDatabase(Path(home) / "db", init=True)
        uri = database.start()
        settings = Settings(
            mongodb_uri=uri,
            database="bench",
            data_dir=Path(home) / "var",
            dev_mode=True,
            background_services=False,
            # Never refused: the cost of the step, not of refusals.
            rate_limit_burst=10_000_000,
            rate_limit_per_minute=600_000_000,
        )
        try:
            async with (
                app_with_leases(settings, 1) as single,
                app_with_leases(settings, LEASE_TOKENS) as leased,
            ):
                await request_times(single, 50)  # warm-up: connections, caches
                await request_times(leased, 50)
                for _ in range(rounds):
                    with limiter_off():
                        samples[MODES[0]] += await request_times(leased, per_round)
                    samples[MODES[1]] += await request_times(single, per_round)
                    samples[MODES[2]] += await request_times(leased, per_round)
                capacity, per_minute = settings.rate_limit_burst, settings.rate_limit_per_minute
                steps = {
                    lease: SharedBuckets("bench", capacity, per_minute, lease)
                    for lease in (1, LEASE_TOKENS)
                }
                step_samples: dict[int, list[float]] = {lease: [] for lease in steps}
                for _ in range(rounds):
                    for lease, buckets in steps.items():
                        step_samples[lease] += await step_times(buckets, per_round)
        finally:
            database.stop()
    base = median(samples[MODES[0]]) * 1000
    for mode in MODES:
        ms = median(samples[mode]) * 1000
        print(f"{mode:>24}: median {ms:.3f} ms/request, added {ms - base:+.3f} ms")
    for lease, times in step_samples.items():
        ms, p90 = median(times) * 1000, sorted(times)[len(times) * 9 // 10] * 1000
        print(f"limiter step, leases of {lease:>2}: median {ms:.3f} ms, 90th pct {p90:.3f} ms")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.per_round))


if __name__ == "__main__":
    run()
