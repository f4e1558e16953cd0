"""The applicant's e-data repository, and prefilling forms from what they gave before."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from documents.common.clock import utcnow
from documents.papers.repository import RepositoryItem, local_today, repository_of
from documents.papers.reuse import prefill
from schema.core.context import Info
from schema.core.enums import RepositoryItemKind
from schema.core.permissions import PermissionDeniedError
from schema.core.scalars import as_json
from schema.dossiers.papers import download_path


@strawberry.type(
    name="RepositoryItem",
    description="A paper or result kept in the applicant's e-data repository.",
)
class RepositoryItemType:
    id: strawberry.ID = strawberry.field(description="Name it in `submitDossier.reusedPapers`.")
    kind: RepositoryItemKind
    name: str
    slot: str | None = strawberry.field(description="The slot it filled (papers).")
    result_type: str | None = strawberry.field(description="E.g. JUDICIAL_RECORD (results).")
    electronic: bool
    valid_from: datetime = strawberry.field(description="Issued (results) or accepted (papers).")
    valid_until: date | None
    expired: bool
    filename: str
    media_type: str
    size: int
    sha256: str
    dossier_code: str = strawberry.field(description="The dossier it came from.")
    agency_code: str = strawberry.field(description="The agency that handled that dossier.")
    procedure_code: str
    added_at: datetime
    download_url: str

    @classmethod
    def from_document(cls, item: RepositoryItem, today: date) -> RepositoryItemType:
        return cls(
            id=strawberry.ID(str(item.id)),
            kind=item.kind,
            name=item.name,
            slot=item.slot,
            result_type=item.result_type,
            electronic=item.electronic,
            valid_from=item.valid_from,
            valid_until=item.valid_until,
            expired=item.expired(today),
            filename=item.filename,
            media_type=item.media_type,
            size=item.size,
            sha256=item.sha256,
            dossier_code=item.dossier_code,
            agency_code=item.agency_code,
            procedure_code=item.procedure_code,
            added_at=item.added_at,
            download_url=download_path(item.dossier_code, str(item.attachment_id)),
        )


async def _own_id(info: Info) -> str:
    access = await info.context.access()
    if not access.has_repository():
        raise PermissionDeniedError("only applicants have an e-data repository")
    owner = info.context.principal.id_number
    assert owner is not None  # has_repository checks it
    return owner


@strawberry.type
class RepositoryQueries:
    @strawberry.field(description="The signed-in applicant's e-data repository, newest first.")
    async def my_repository(self, info: Info) -> list[RepositoryItemType]:
        owner = await _own_id(info)
        today = local_today(utcnow())
        return [RepositoryItemType.from_document(i, today) for i in await repository_of(owner)]

    @strawberry.field(
        description="Form data for the procedure's current form, filled where a field's "
        "display hint names a profile attribute, from the signed-in applicant's earlier "
        "accepted dossiers and applicant record; null for an unknown procedure."
    )
    async def prefill_form(self, info: Info, procedure_code: str) -> JSON | None:
        owner = await _own_id(info)
        data = await prefill(procedure_code, owner)
        return as_json(data) if data is not None else None
