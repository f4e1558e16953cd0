"""Idempotency keys: a retried request returns the first result without redoing it.

The first request with a key claims it by inserting a PENDING record (a unique index
makes the claim atomic); retries that arrive meanwhile wait for it to finish, then
replay its outcome. The same key with a different request is IDEMPOTENCY_CONFLICT.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed
from pydantic import Field
from pymongo.errors import DuplicateKeyError

from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode, FieldViolation

WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.05


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

    class Settings:
        name = "idempotency_keys"


def request_hash(operation: str, arguments: dict[str, Any]) -> str:
    canonical = json.dumps([operation, arguments], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_error(error: DomainError) -> dict[str, Any]:
    return {
        "code": error.code.value,
        "message": error.message,
        "field": error.field,
        "violations": [[v.path, v.message, v.code] for v in error.violations],
    }


def _replayed_error(stored: dict[str, Any]) -> DomainError:
    violations = [FieldViolation(*v) for v in stored["violations"]]
    return DomainError(ErrorCode(stored["code"]), stored["message"], stored["field"], violations)


async def run_once(scope_key: str, fingerprint: str, work: Callable[[], Awaitable[str]]) -> str:
    """Run `work` (which returns a dossier code) at most once per `scope_key`."""
    record = IdempotencyRecord(scope_key=scope_key, request_hash=fingerprint)
    try:
        await record.insert()
    except DuplicateKeyError:
        return await _replay(scope_key, fingerprint)
    try:
        code = await work()
    except DomainError as error:
        record.state, record.error = RecordState.DONE, _stored_error(error)
        await record.save()
        raise
    except BaseException:
        await record.delete()  # an unexpected failure may be retried for real
        raise
    record.state, record.result_code = RecordState.DONE, code
    await record.save()
    return code


async def _replay(scope_key: str, fingerprint: str) -> str:
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while True:
        found = await IdempotencyRecord.find_one(IdempotencyRecord.scope_key == scope_key)
        if found is not None and found.request_hash != fingerprint:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_CONFLICT,
                "this idempotency key was used for a different request",
                "idempotencyKey",
            )
        if found is not None and found.state is RecordState.DONE:
            if found.error is not None:
                raise _replayed_error(found.error)
            assert found.result_code is not None
            return found.result_code
        if asyncio.get_running_loop().time() > deadline:
            raise DomainError(
                ErrorCode.CONFLICT,
                "the first request with this key is still running",
                "idempotencyKey",
            )
        await asyncio.sleep(_POLL_SECONDS)
