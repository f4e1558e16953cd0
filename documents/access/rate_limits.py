"""Rate-limit buckets that every API process shares: one token bucket per key, in MongoDB.

A bucket holds at most `capacity` tokens and gains `per_second` of them a second; each
request takes one. The whole step — refill for the time since the last request, take a
token if there is one, remember when — is one `findAndModify` with an update pipeline,
atomic on the bucket's document, so N processes (or hosts) draw on one limit.

Time is the database server's clock (`$$NOW`), so processes whose clocks differ still
agree. A bucket's `expire_at` is when it will be full again: from then on it is the
same as no bucket at all, and a TTL index deletes it (MongoDB's TTL monitor runs about
once a minute, SecantusDB's too). Correctness never waits for that deletion: a stale
bucket is simply refilled to `capacity` by the next request.

Keys are stored as SHA-256 digests: the collection names no user or address.

A process may take a lease of several tokens in one step (`take(..., want=k)`) and spend
them itself without a round trip: it is granted at most `want`, and at most one
`LEASE_SHARE`-th of the tokens left, so near the limit each step takes one token and a
small bucket is never leased at all (docs/hardening.md, "Leases").
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beanie import Document
from pymongo import IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.write_concern import WriteConcern

# A lease takes at most this share of the tokens left: 1/8.
LEASE_SHARE = 8


class RateLimitBucket(Document):
    """A token bucket; `id` is the digest of its key, `at` the last request in epoch ms."""

    id: str  # type: ignore[assignment]
    tokens: float
    at: int
    allowed: bool
    granted: int = 1  # tokens the last step took: 0 refused, more than 1 a lease
    expire_at: datetime

    class Settings:
        name = "rate_limits"
        indexes = [IndexModel("expire_at", expireAfterSeconds=0)]  # noqa: RUF012 - Beanie reads it


@dataclass(frozen=True)
class BucketPolicy:
    capacity: int
    per_second: float


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    # Seconds until the bucket is full again, and until the next token.
    reset: int
    retry_after: int
    granted: int = 1  # tokens taken for this request and, beyond 1, for the next ones


def bucket_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _take_pipeline(policy: BucketPolicy, want: int) -> list[dict[str, Any]]:
    capacity = policy.capacity
    ms_per_token = 1000 / policy.per_second
    # `$subtract` with `$$NOW` fails on SecantusDB; epoch milliseconds do not.
    now = "$_now"
    elapsed = {"$max": [0, {"$subtract": [now, {"$ifNull": ["$at", now]}]}]}
    until_full = {"$multiply": [{"$subtract": [capacity, "$tokens"]}, ms_per_token]}
    refilled = {"$add": [{"$ifNull": ["$tokens", capacity]}, {"$divide": [elapsed, ms_per_token]}]}
    share = {"$floor": {"$divide": ["$_level", LEASE_SHARE]}}
    granted: Any = 1 if want <= 1 else {"$max": [1, {"$min": [want, share]}]}
    return [
        {"$set": {"_now": {"$toLong": "$$NOW"}}},
        {"$set": {"_level": {"$min": [capacity, refilled]}}},
        {"$set": {"allowed": {"$gte": ["$_level", 1]}}},
        {"$set": {"granted": {"$cond": ["$allowed", granted, 0]}}},
        {"$set": {"tokens": {"$subtract": ["$_level", "$granted"]}, "at": now}},
        {"$set": {"expire_at": {"$add": ["$$NOW", until_full]}}},
        {"$unset": ["_now", "_level"]},
    ]


async def take(key: str, policy: BucketPolicy, want: int = 1) -> Decision:
    """Takes one token from the bucket `key`, creating it full if it does not exist; up
    to `want` if that many are left (see LEASE_SHARE)."""
    # A lost update on a fail-over costs a token or two; not worth waiting for a majority.
    collection = RateLimitBucket.get_pymongo_collection().with_options(
        write_concern=WriteConcern(w=1)
    )
    pipeline = _take_pipeline(policy, want)
    query = {"_id": bucket_id(key)}
    bucket = None
    # Two first requests may race to create the bucket (a duplicate key), and SecantusDB
    # has been seen answering an upsert with no document while the collection was being
    # emptied; one more attempt settles both.
    for _ in range(2):
        try:
            bucket = await collection.find_one_and_update(
                query, pipeline, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:
            continue
        if bucket is not None:
            break
    if bucket is None:  # callers treat this like any database failure: fail open, log once
        raise PyMongoError("the rate-limit bucket was not written")
    tokens = float(bucket["tokens"])
    return Decision(
        allowed=bool(bucket["allowed"]),
        remaining=math.floor(tokens),
        reset=math.ceil((policy.capacity - tokens) / policy.per_second),
        retry_after=max(1, math.ceil((1 - tokens) / policy.per_second)),
        granted=int(bucket.get("granted", 1 if bucket["allowed"] else 0)),
    )
