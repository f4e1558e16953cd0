"""Idempotency keys: a retried request returns the first result without redoing it.

The first request with a key claims it: a PENDING record with a random owner token and a
lease (a unique index makes the claim atomic). Its outcome is written as DONE, with the
result, inside the same transaction as the work's writes, after checking that the claim
is still its own; so whatever the work stored is always found by its key, and a run whose
claim was taken over cannot commit. A retry while the lease runs waits a moment for the
outcome, then answers IN_PROGRESS with a retry-after hint; once the lease has run out (the
first run's process died, or its database went away), a retry takes the claim over and
runs again: nothing half-written exists, since the work ran in a transaction. The same
key with a different request is IDEMPOTENCY_CONFLICT (docs/durability.md).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import pymongo
from beanie import Document, Indexed
from pydantic import Field
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError, PyMongoError

from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode, FieldViolation
from documents.common.transactions import finishing_in_transaction

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.05
_CLAIM_ATTEMPTS = 3


@dataclass(frozen=True)
class IdempotencyTiming:
    """`lease_seconds`: how long a claim holds before a retry may take it over, shorter
    than the operation limit; `wait_seconds`: how long a retry waits for a running first
    request's outcome before answering IN_PROGRESS; `cleanup_seconds`: the most an
    unexpected failure spends releasing its claim (the lease covers a failed release)."""

    lease_seconds: float = 10.0
    wait_seconds: float = 1.0
    cleanup_seconds: float = 1.0


class RecordState(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"


class IdempotencyRecord(Document):
    # "<principal>|<client key>": keys are private to whoever sent them.
    scope_key: Annotated[str, Indexed(unique=True)]
    request_hash: str
    state: RecordState = RecordState.PENDING
    # The dossier code the request produced, or the domain error it ended with.
    result_code: str | None = None
    error: dict[str, Any] | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # The claim: which run holds it, and until when (records older than leases have neither
    # and count as expired).
    owner: str | None = None
    lease_until: datetime | None = None

    class Settings:
        name = "idempotency_keys"


class ClaimLostError(Exception):
    """Raised inside the work's transaction when another run took the claim over: the
    transaction aborts, so only one run's writes ever commit."""


def request_hash(operation: str, arguments: dict[str, Any]) -> str:
    canonical = json.dumps([operation, arguments], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_error(error: DomainError) -> dict[str, Any]:
    return {
        "code": error.code.value,
        "message": error.message,
        "field": error.field,
        "violations": [
            [v.path, v.message, v.code, v.params, v.message_vi] for v in error.violations
        ],
    }


def _replayed_error(stored: dict[str, Any]) -> DomainError:
    violations = [FieldViolation(*v) for v in stored["violations"]]
    return DomainError(ErrorCode(stored["code"]), stored["message"], stored["field"], violations)


def _now() -> datetime:
    # Leases measure real time, not the business clock that tests and imports may fix.
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_progress(retry_after: float) -> DomainError:
    seconds = max(1, math.ceil(retry_after))
    return DomainError(
        ErrorCode.IN_PROGRESS,
        f"the first request with this key is still running; retry in {seconds} s",
        "idempotencyKey",
        retry_after_seconds=seconds,
    )


def _outcome(found: IdempotencyRecord, fingerprint: str) -> str | None:
    """The replayed result of a DONE record (or its error, raised), None while PENDING."""
    if found.request_hash != fingerprint:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "this idempotency key was used for a different request",
            "idempotencyKey",
        )
    if found.state is not RecordState.DONE:
        return None
    if found.error is not None:
        raise _replayed_error(found.error)
    assert found.result_code is not None
    return found.result_code


class Claim:
    """One run's hold on a key: every write to the record is conditional on its token."""

    def __init__(self, scope_key: str, timing: IdempotencyTiming) -> None:
        self.scope_key = scope_key
        self.timing = timing
        self.token = secrets.token_hex(16)
        self.lease_until = _now() + timedelta(seconds=timing.lease_seconds)
        # Whether the last transaction that ran `finish_in` wrote DONE (it counts once
        # that transaction committed).
        self.wrote_done = False

    @property
    def _ours(self) -> dict[str, Any]:
        return {"scope_key": self.scope_key, "owner": self.token, "state": RecordState.PENDING}

    async def finish_in(
        self, session: AsyncClientSession | None, remembered: str | None, error: DomainError | None
    ) -> None:
        """Write DONE in `session`'s transaction, or, when the result is not known there,
        renew the lease: a write too, so a takeover conflicts with this transaction."""
        if remembered is None and error is None:
            self.lease_until = _now() + timedelta(seconds=self.timing.lease_seconds)
            update: dict[str, Any] = {"lease_until": self.lease_until}
        else:
            update = {
                "state": RecordState.DONE,
                "result_code": remembered,
                "error": None if error is None else _stored_error(error),
                "lease_until": None,
            }
        written = await IdempotencyRecord.get_pymongo_collection().update_one(
            self._ours, {"$set": update}, session=session
        )
        if written.matched_count == 0:
            raise ClaimLostError
        self.wrote_done = "state" in update

    async def finish_after(self, remembered: str | None, error: DomainError | None) -> bool:
        """Write DONE after work that ran no transaction (or a domain error, after its
        transaction aborted); False when the claim was lost. A failing database leaves the
        record PENDING until its lease ends, when a retry runs the work again."""
        limit = max(self._time_left(), self.timing.cleanup_seconds)
        try:
            async with asyncio.timeout(limit):
                with pymongo.timeout(limit):
                    await self.finish_in(None, remembered, error)
        except ClaimLostError:
            return False
        except (PyMongoError, TimeoutError) as failure:
            log.warning(
                "an idempotency record stays PENDING until its lease ends (%s)",
                type(failure).__name__,
            )
        return True

    async def release(self) -> None:
        """After an unexpected failure: delete the claim so a retry runs at once, within
        what is left of the lease (and never after it, when a retry may take it anyway)."""
        left = min(self.timing.cleanup_seconds, self._time_left())
        if left <= 0:
            return
        try:
            async with asyncio.timeout(left):
                with pymongo.timeout(left):
                    await IdempotencyRecord.get_pymongo_collection().delete_one(self._ours)
        except (PyMongoError, TimeoutError) as failure:
            log.warning(
                "an idempotency key stays claimed until its lease ends (%s)",
                type(failure).__name__,
            )

    def _time_left(self) -> float:
        return (self.lease_until - _now()).total_seconds()


async def _claim_or_replay(
    scope_key: str, fingerprint: str, timing: IdempotencyTiming
) -> Claim | str:
    """A new claim on the key, or the first run's replayed result; IN_PROGRESS while that
    run's lease lasts (after waiting up to `wait_seconds` for its outcome)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timing.wait_seconds
    collection = IdempotencyRecord.get_pymongo_collection()
    for _ in range(_CLAIM_ATTEMPTS):
        claim = Claim(scope_key, timing)
        try:
            await IdempotencyRecord(
                scope_key=scope_key,
                request_hash=fingerprint,
                owner=claim.token,
                lease_until=claim.lease_until,
            ).insert()
            return claim
        except DuplicateKeyError:
            pass
        while (found := await _record(scope_key)) is not None:
            replayed = _outcome(found, fingerprint)
            if replayed is not None:
                return replayed
            until = _aware(found.lease_until) if found.lease_until else None
            if until is not None and until > _now():
                if loop.time() >= give_up:
                    raise in_progress((until - _now()).total_seconds())
                await asyncio.sleep(_POLL_SECONDS)
                continue
            # The lease ran out: take the claim over, unless another retry just did.
            taken = await collection.update_one(
                {
                    "scope_key": scope_key,
                    "owner": found.owner,
                    "state": RecordState.PENDING,
                    "lease_until": found.lease_until,
                },
                {"$set": {"owner": claim.token, "lease_until": claim.lease_until}},
            )
            if taken.matched_count == 1:
                return claim
            if loop.time() >= give_up:
                raise in_progress(timing.wait_seconds)
            await asyncio.sleep(_POLL_SECONDS)
        # The record went away (its run failed and released it): claim it afresh.
    raise in_progress(timing.wait_seconds)


async def _record(scope_key: str) -> IdempotencyRecord | None:
    return await IdempotencyRecord.find_one(IdempotencyRecord.scope_key == scope_key)


async def _settled(scope_key: str, fingerprint: str, timing: IdempotencyTiming) -> str:
    """The answer of a run whose claim was taken over: the other run's outcome if it has
    one, IN_PROGRESS otherwise."""
    found = await _record(scope_key)
    if found is not None and (replayed := _outcome(found, fingerprint)) is not None:
        return replayed
    until = _aware(found.lease_until) if found is not None and found.lease_until else None
    raise in_progress((until - _now()).total_seconds() if until else timing.wait_seconds)


async def run_once(
    scope_key: str,
    fingerprint: str,
    work: Callable[[], Awaitable[str]],
    *,
    timing: IdempotencyTiming,
    committed: Callable[[object], str | None] = lambda returned: None,
) -> str:
    """Run `work` (which returns what to remember, e.g. a dossier code) at most once per
    `scope_key`. `committed` says what to remember from what the work's transaction
    returned, so that DONE commits with the work; when it cannot tell (None), or the work
    runs no transaction, DONE is written after the work."""
    outcome = await _claim_or_replay(scope_key, fingerprint, timing)
    if isinstance(outcome, str):
        return outcome
    claim = outcome

    async def finish(session: AsyncClientSession, returned: object) -> None:
        await claim.finish_in(session, committed(returned), None)

    with finishing_in_transaction(finish) as finishing:
        try:
            remembered = await work()
        except ClaimLostError:
            return await _settled(scope_key, fingerprint, timing)
        except DomainError as error:
            done = finishing.committed and claim.wrote_done
            if not done and not await claim.finish_after(None, error):
                return await _settled(scope_key, fingerprint, timing)
            raise
        except BaseException:
            if not (finishing.committed and claim.wrote_done):
                await claim.release()
            raise
    done = finishing.committed and claim.wrote_done
    if not done and not await claim.finish_after(remembered, None):
        return await _settled(scope_key, fingerprint, timing)
    return remembered
