"""Items of the applicant's e-data repository, as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from documents.papers.repository import RepositoryItem
from schema.core.enums import RepositoryItemKind
from schema.dossiers.papers import download_path


@strawberry.type(
    name="RepositoryItem",
    description="A paper or result kept in the applicant's e-data repository.",
)
class RepositoryItemType:
    id: strawberry.ID = strawberry.field(
        description="Name it in `submitDossier.reusedPapers` or `grantReuse`: a random token."
    )
    kind: RepositoryItemKind
    name: str
    slot: str | None = strawberry.field(description="The slot it filled (papers).")
    result_type: str | None = strawberry.field(description="E.g. JUDICIAL_RECORD (results).")
    result_code: str | None = strawberry.field(description="`<dossier code>-KQ(n)` (results).")
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
        assert item.token is not None  # repository_of names every item it lists
        return cls(
            id=strawberry.ID(item.token),
            kind=item.kind,
            name=item.name,
            slot=item.slot,
            result_type=item.result_type,
            result_code=item.result_code,
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
