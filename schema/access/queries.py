"""Integrators' API keys and the audit log, for administrators to read."""

from __future__ import annotations

from typing import Annotated

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from documents.access.api_keys import all_api_keys
from documents.access.audit import audit_page
from documents.access.policy import AdminArea
from documents.common.paging import page_size
from schema.access.types import ApiKeyType, AuditRecordConnection, AuditRecordType
from schema.core.context import Info
from schema.core.pagination import InvalidCursorError, page_info
from schema.core.permissions import require_admin


@strawberry.type
class AdministrationQueries:
    @strawberry.field(
        description="Every integrator API key, revoked ones included (administrators)."
    )
    async def api_keys(self, info: Info) -> list[ApiKeyType]:
        await require_admin(info, AdminArea.API_KEYS, [])
        return [ApiKeyType.from_document(k) for k in await all_api_keys()]

    @strawberry.field(description="Every mutation request, newest first.")
    async def audit_log(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="At most this many (up to 100).")
        ] = 20,
        after: str | None = None,
        operation: str | None = None,
    ) -> AuditRecordConnection:
        await require_admin(info, AdminArea.AUDIT)
        if after is not None and not PydanticObjectId.is_valid(after):
            raise InvalidCursorError
        before = PydanticObjectId(after) if after else None
        access = await info.context.access()
        records, more = await audit_page(page_size(first), before, operation, access.agencies)
        edges = [
            relay.Edge(cursor=str(r.id), node=AuditRecordType.from_document(r)) for r in records
        ]
        return AuditRecordConnection(
            edges=edges,
            page_info=page_info(edges, more, after),
        )
