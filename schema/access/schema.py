"""Integrators' API keys and the audit log, for administrators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from pydantic import ValidationError
from strawberry import relay
from strawberry.scalars import JSON

from documents.access.api_keys import (
    ApiKey,
    all_api_keys,
    create_api_key,
    find_api_key,
    revoke_api_key,
)
from documents.access.audit import AuditRecord, audit_page, audit_records_by_ids
from documents.access.policy import AdminArea
from documents.access.principals import Operation
from documents.common.errors import ErrorCode
from documents.dossiers.search import MAX_PAGE
from schema.core.context import Info
from schema.core.errors import UserError, errors_from_validation
from schema.core.pagination import InvalidCursorError, page_info
from schema.core.permissions import require_admin
from schema.core.scalars import as_json

strawberry.enum(Operation, name="ApiKeyOperation")


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


@strawberry.input
class CreateApiKeyInput:
    name: str
    operations: list[Operation]
    agencies: list[str] = strawberry.field(default_factory=list)
    procedures: list[str] = strawberry.field(default_factory=list)


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


@strawberry.type
class AdministrationQueries:
    @strawberry.field
    async def api_keys(self, info: Info) -> list[ApiKeyType]:
        await require_admin(info, AdminArea.API_KEYS, [])
        return [ApiKeyType.from_document(k) for k in await all_api_keys()]

    @strawberry.field(description="Every mutation request, newest first.")
    async def audit_log(
        self, info: Info, first: int = 20, after: str | None = None, operation: str | None = None
    ) -> AuditRecordConnection:
        await require_admin(info, AdminArea.AUDIT)
        if after is not None and not PydanticObjectId.is_valid(after):
            raise InvalidCursorError
        before = PydanticObjectId(after) if after else None
        access = await info.context.access()
        records, more = await audit_page(
            max(0, min(first, MAX_PAGE)), before, operation, access.agencies
        )
        edges = [
            relay.Edge(cursor=str(r.id), node=AuditRecordType.from_document(r)) for r in records
        ]
        return AuditRecordConnection(
            edges=edges,
            page_info=page_info(edges, more, after),
        )


@strawberry.type
class AdministrationMutations:
    @strawberry.mutation(description="Create an integrator's API key; the secret is shown once.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKeyPayload:
        await require_admin(info, AdminArea.API_KEYS, input.agencies)
        try:
            key, secret = await create_api_key(
                input.name,
                list(input.operations),
                input.agencies,
                input.procedures,
                created_by=info.context.principal.subject,
            )
        except ValidationError as error:
            return ApiKeyPayload(errors=errors_from_validation(ApiKeyError, error))
        info.context.audit.change("apiKey", key.key_id, None, key, exclude={"secret_hash"})
        return ApiKeyPayload(api_key=ApiKeyType.from_document(key), secret=secret)

    @strawberry.mutation(description="Revoke a key: it stops working at once.")
    async def revoke_api_key(self, info: Info, key_id: str) -> ApiKeyPayload:
        key = await find_api_key(key_id)
        await require_admin(info, AdminArea.API_KEYS, key.agencies if key else [])
        if key is None:
            missing = ApiKeyError(field="keyId", message="no such key", code=ErrorCode.NOT_FOUND)
            return ApiKeyPayload(errors=[missing])
        before = key.model_copy()
        await revoke_api_key(key)
        info.context.audit.change("apiKey", key.key_id, before, key, exclude={"secret_hash"})
        return ApiKeyPayload(api_key=ApiKeyType.from_document(key))
