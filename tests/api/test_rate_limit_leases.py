"""A process leases a few of a principal's tokens at a time and spends them without a round
trip; however the requests are spread over processes, no more than the bucket's tokens
are admitted (docs/hardening.md, "Leases")."""

from __future__ import annotations

import asyncio

from api.settings import Settings
from documents.access.rate_limits import RateLimitBucket
from tests.api.conftest import AGENCIES
from tests.conftest import running_app


def limited(settings: Settings, burst: int) -> Settings:
    """`burst` tokens and (almost) no refill during the test."""
    return settings.model_copy(
        update={
            "rate_limit_burst": burst,
            "rate_limit_per_minute": 1,
            "background_services": False,
        }
    )


async def test_a_lease_of_ten_tokens_serves_the_next_nine_requests_without_the_database(
    settings: Settings,
) -> None:
    async for _, http in running_app(limited(settings, 120)):
        first = await http.post("/graphql", json=AGENCIES)
        [bucket] = await RateLimitBucket.find_all().to_list()
        leased = [await http.post("/graphql", json=AGENCIES) for _ in range(9)]
        [unchanged] = await RateLimitBucket.find_all().to_list()
        after = await http.post("/graphql", json=AGENCIES)
        [again] = await RateLimitBucket.find_all().to_list()
    assert int(bucket.tokens) == 110  # one request took ten tokens
    assert (unchanged.tokens, unchanged.at) == (bucket.tokens, bucket.at)
    assert int(again.tokens) == 100
    remaining = [r.headers["ratelimit-remaining"] for r in [first, *leased, after]]
    assert remaining == [str(n) for n in range(119, 108, -1)]


async def test_two_apps_sharing_leases_admit_exactly_the_bucket_and_then_both_refuse(
    settings: Settings,
) -> None:
    async for _, first in running_app(limited(settings, 40)):
        async for _, second in running_app(limited(settings, 40)):
            answers = [await http.post("/graphql", json=AGENCIES) for http in [first, second] * 25]
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 40
    assert statuses[-6:] == [429] * 6  # refused at both processes


async def test_fifty_concurrent_requests_share_leases_and_spend_one_token_each(
    settings: Settings,
) -> None:
    async for _, http in running_app(limited(settings, 120)):
        answers = await asyncio.gather(*(http.post("/graphql", json=AGENCIES) for _ in range(50)))
        [bucket] = await RateLimitBucket.find_all().to_list()
    assert [a.status_code for a in answers] == [200] * 50
    # 50 spent, and at most one lease's unspent nine still held by the process.
    assert 120 - 50 - 9 <= int(bucket.tokens) <= 120 - 50
