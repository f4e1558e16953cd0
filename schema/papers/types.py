"""Items of the applicant's e-data repository, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from documents.common.clock import local_today
from documents.papers.repository import RepositoryItem, find_item
from schema.core.context import Info
from schema.core.enums import RepositoryItemKind
from schema.dossiers.papers import download_path


@strawberry.type(
    name="RepositoryItem",
    description="A paper or result kept in the applicant's e-data repository.",
)
class RepositoryItemType(relay.Node):
    token: strawberry.ID = strawberry.field(
        description="The raw key, a random token; `submitDossier.reusedPapers` and "
        "`grantReuse` take it or `id` (docs/relay.md)."
    )
    kind: RepositoryItemKind = strawberry.field(description="A paper or a result.")
    name: str = strawberry.field(description="What it is, for people.")
    slot: str | None = strawberry.field(description="The slot it filled (papers).")
    result_type: str | None = strawberry.field(description="E.g. JUDICIAL_RECORD (results).")
    result_code: str | None = strawberry.field(description="`<dossier code>-KQ(n)` (results).")
    electronic: bool = strawberry.field(
        description="An electronic original (a signed result), not a scan."
    )
    valid_from: datetime = strawberry.field(description="Issued (results) or accepted (papers).")
    valid_until: date | None = strawberry.field(
        description="The last day it is valid; null if it does not expire."
    )
    expired: bool = strawberry.field(description="Whether `validUntil` has passed.")
    filename: str = strawberry.field(description="The file's name.")
    media_type: str = strawberry.field(description="Judged by the content, not the name.")
    size: int = strawberry.field(description="Bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the content.")
    dossier_code: str = strawberry.field(description="The dossier it came from.")
    agency_code: str = strawberry.field(description="The agency that handled that dossier.")
    procedure_code: str = strawberry.field(description="The procedure of the dossier it came from.")
    added_at: datetime = strawberry.field(description="When it was added to the repository.")
    download_url: str = strawberry.field(
        description="The path on this server to download it from, with your credentials."
    )

    @classmethod
    def from_document(cls, item: RepositoryItem, today: date) -> RepositoryItemType:
        assert item.token is not None  # repository_of names every item it lists
        return cls(
            token=strawberry.ID(item.token),
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

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return str(root.token)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RepositoryItemType | None]:
        """The signed-in applicant's own items (`myRepository`); null for anyone else's."""
        wanted = list(node_ids)
        access = await info.context.access()
        owner = info.context.principal.id_number if access.has_repository() else None
        items = [await find_item(token) for token in wanted] if owner else []
        today = local_today()
        return [
            cls.from_document(i, today) if i and i.owner_id == owner else None
            for i in items or [None] * len(wanted)
        ]
