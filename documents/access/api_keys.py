"""Integrators' API keys, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field

from documents.access.principals import IntegratorScope, Operation, Principal, PrincipalKind
from documents.common.clock import utcnow
from documents.common.tolerant import readable

KEY_PREFIX = "mck"


class ApiKey(Document):
    """The secret is shown once at creation; only its SHA-256 is kept."""

    key_id: Annotated[str, Indexed(unique=True)]
    name: str = Field(min_length=1, max_length=200)
    secret_hash: str
    agencies: list[str] = Field(default_factory=list)
    procedures: list[str] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    created_at: datetime
    created_by: str | None = None
    revoked_at: datetime | None = None

    class Settings:
        name = "api_keys"

    def principal(self) -> Principal:
        return Principal(
            kind=PrincipalKind.INTEGRATOR,
            subject=self.key_id,
            scope=IntegratorScope(
                agencies=frozenset(self.agencies),
                procedures=frozenset(self.procedures),
                operations=frozenset(self.operations),
            ),
        )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_api_key(
    name: str,
    operations: list[Operation],
    agencies: list[str] | None = None,
    procedures: list[str] | None = None,
    created_by: str | None = None,
) -> tuple[ApiKey, str]:
    """The stored key and the full secret `mck_<id>_<secret>`, shown only now."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        key_id=key_id,
        name=name,
        secret_hash=_hash(secret),
        agencies=agencies or [],
        procedures=procedures or [],
        operations=operations,
        created_at=utcnow(),
        created_by=created_by,
    )
    await key.insert()
    return key, f"{KEY_PREFIX}_{key_id}_{secret}"


async def principal_for_key(presented: str) -> Principal | None:
    """The integrator behind a presented key, or None if unknown, malformed or revoked."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or not key_id or not secret:
        return None
    key = await ApiKey.find_one(ApiKey.key_id == key_id)
    if key is None or key.revoked_at is not None:
        return None
    if not secrets.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return key.principal()


async def find_api_key(key_id: str) -> ApiKey | None:
    return await ApiKey.find_one(ApiKey.key_id == key_id)


async def all_api_keys() -> list[ApiKey]:
    return await readable(ApiKey.find_all().sort("+created_at"))


async def revoke_api_key(key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await key.save()
    return key
