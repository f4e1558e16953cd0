"""Integrators' API keys and the audit log, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from documents.access.api_keys import ApiKey, find_api_key
from documents.access.audit import AuditRecord, audit_records_by_ids
from documents.access.policy import AdminArea
from schema.core.context import Info
from schema.core.enums import Operation
from schema.core.errors import UserError
from schema.core.permissions import require_admin
from schema.core.scalars import as_json


@strawberry.type(name="ApiKey", description="An integrator's API key: what it may do, and where.")
class ApiKeyType(relay.Node):
    key_id: str = strawberry.field(
        description="The key's raw id.", deprecation_reason="Use `id`, the global id."
    )
    name: str = strawberry.field(description="A name for people: whose key it is.")
    agencies: list[str] = strawberry.field(description="Empty means every agency.")
    procedures: list[str] = strawberry.field(description="Empty means every procedure.")
    operations: list[Operation] = strawberry.field(description="What it may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str | None = strawberry.field(
        description="The id of the administrator who created it."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while it works."
    )

    @classmethod
    def from_document(cls, key: ApiKey) -> ApiKeyType:
        return cls(
            key_id=key.key_id,
            name=key.name,
            agencies=key.agencies,
            procedures=key.procedures,
            operations=key.operations,
            created_at=key.created_at,
            created_by=key.created_by,
            revoked_at=key.revoked_at,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.key_id

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ApiKeyType | None]:
        wanted = list(node_ids)
        if not (await info.context.access()).can_admin(AdminArea.API_KEYS, []):
            return [None] * len(wanted)  # hidden, as an unknown id
        keys = [await find_api_key(i) for i in wanted]
        return [cls.from_document(k) if k else None for k in keys]


@strawberry.type(description="An API key mutation's error; `field` is the input at fault.")
class ApiKeyError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class ApiKeyPayload:
    api_key: ApiKeyType | None = strawberry.field(
        default=None,
        description="The API key as it is now; null when there are errors.",
    )
    secret: str | None = strawberry.field(
        default=None, description="The full key, shown once: send it as X-Api-Key."
    )
    errors: list[ApiKeyError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.type(
    name="AuditRecord",
    description="One mutation request, as the audit log keeps it: no personal data.",
)
class AuditRecordType(relay.Node):
    record_id: relay.NodeID[str]
    at: datetime = strawberry.field(description="When it was made.")
    actor_kind: str = strawberry.field(
        description="The kind of caller, e.g. OFFICER, INTEGRATOR or ANONYMOUS."
    )
    actor: str | None = strawberry.field(
        description="The caller's id (user or API key); null when anonymous."
    )
    actor_agency: str | None = strawberry.field(description="The caller's agency, if any.")
    request_id: str = strawberry.field(description="The request's id, as the logs carry it.")
    operations: list[str] = strawberry.field(description="The mutations the request ran.")
    targets: list[str] = strawberry.field(
        description="The dossier codes or object keys they named."
    )
    succeeded: bool = strawberry.field(description="Whether every one succeeded.")
    errors: list[str] = strawberry.field(
        description="How it failed: error codes with their paths; empty when it succeeded."
    )
    changes: JSON = strawberry.field(description="Admin objects before and after.")

    @classmethod
    def from_document(cls, record: AuditRecord) -> AuditRecordType:
        return cls(
            record_id=str(record.id),
            at=record.at,
            actor_kind=record.actor_kind,
            actor=record.actor,
            actor_agency=record.actor_agency,
            request_id=record.request_id,
            operations=record.operations,
            targets=record.targets,
            succeeded=record.succeeded,
            errors=record.errors,
            changes=as_json([c.model_dump(mode="json") for c in record.changes]),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AuditRecordType | None]:
        await require_admin(info, AdminArea.AUDIT)
        agencies = (await info.context.access()).agencies
        found = {
            str(r.id): r
            for r in await audit_records_by_ids(list(node_ids))
            if agencies is None or r.actor_agency in agencies
        }
        return [cls.from_document(found[i]) if i in found else None for i in node_ids]


@strawberry.type(description="A page of the audit log, newest first.")
class AuditRecordConnection(relay.Connection[AuditRecordType]):
    """Newest first."""
