"""Integrators' API keys and the audit log, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from documents.access.api_keys import ApiKey
from documents.access.audit import AuditRecord, audit_records_by_ids
from documents.access.policy import AdminArea
from schema.core.context import Info
from schema.core.enums import Operation
from schema.core.errors import UserError
from schema.core.permissions import require_admin
from schema.core.scalars import as_json


@strawberry.type(name="ApiKey")
class ApiKeyType:
    key_id: str
    name: str
    agencies: list[str] = strawberry.field(description="Empty means every agency.")
    procedures: list[str] = strawberry.field(description="Empty means every procedure.")
    operations: list[Operation]
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None

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


@strawberry.type
class ApiKeyError(UserError):
    pass


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKeyType | None = None
    secret: str | None = strawberry.field(
        default=None, description="The full key, shown once: send it as X-Api-Key."
    )
    errors: list[ApiKeyError] = strawberry.field(default_factory=list)


@strawberry.type(name="AuditRecord")
class AuditRecordType(relay.Node):
    record_id: relay.NodeID[str]
    at: datetime
    actor_kind: str
    actor: str | None
    actor_agency: str | None
    request_id: str
    operations: list[str]
    targets: list[str]
    succeeded: bool
    errors: list[str]
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


@strawberry.type
class AuditRecordConnection(relay.Connection[AuditRecordType]):
    """Newest first."""
