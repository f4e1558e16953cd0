"""The applicant's e-data repository and reuse grants, and prefilling forms from what
they gave before."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from documents.common.clock import local_today, utcnow
from documents.papers.consents import grants_of
from documents.papers.repository import repository_of
from documents.papers.reuse import prefill
from schema.core.context import Info
from schema.core.scalars import as_json
from schema.papers.grants import ReuseGrantType, own_id
from schema.papers.types import RepositoryItemType


@strawberry.type
class RepositoryQueries:
    @strawberry.field(description="The signed-in applicant's e-data repository, newest first.")
    async def my_repository(self, info: Info) -> list[RepositoryItemType]:
        owner = await own_id(info)
        today = local_today()
        return [RepositoryItemType.from_document(i, today) for i in await repository_of(owner)]

    @strawberry.field(description="The signed-in applicant's reuse grants, newest first.")
    async def my_reuse_grants(self, info: Info) -> list[ReuseGrantType]:
        owner = await own_id(info)
        now = utcnow()
        return [ReuseGrantType.from_document(g, now) for g in await grants_of(owner)]

    @strawberry.field(
        description="Form data for the procedure's current form, filled where a field's "
        "display hint names a profile attribute, from the signed-in applicant's earlier "
        "accepted dossiers and applicant record; null for an unknown procedure."
    )
    async def prefill_form(self, info: Info, procedure_code: str) -> JSON | None:
        owner = await own_id(info)
        data = await prefill(procedure_code, owner)
        return as_json(data) if data is not None else None
