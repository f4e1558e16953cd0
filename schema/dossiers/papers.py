"""A dossier's papers: its attachments (those the viewer may open), what was reused from
the applicant's repository, and how its required papers are satisfied."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Self

import strawberry
from strawberry import relay

from documents.common.tolerant import UnreadableDocumentError
from documents.national.population import LookupResult
from documents.papers.attachments import Attachment, find_attachment, paper_states
from schema.core.context import Info
from schema.core.enums import AttachmentKind, PaperDigitisation, PaperSource, RepositoryItemKind
from schema.core.global_ids import derived_id, raw_key
from schema.dossiers.result_signatures import ResultSignatureType
from schema.dossiers.visibility import as_seen

if TYPE_CHECKING:
    from documents.dossiers.dossier import Dossier


def download_path(code: str, attachment_id: str) -> str:
    """Where `GET` serves the file (api/http/downloads.py), relative to the API's root."""
    return f"/dossiers/{code}/attachments/{attachment_id}"


@strawberry.type(name="Attachment", description="A file attached to a dossier.")
class AttachmentType(relay.Node):
    attachment_id: strawberry.ID = strawberry.field(
        description="The raw key that `downloadUrl`, `ReusedPaper.attachmentId` and payment "
        "orders name; `attachmentId` arguments take it or `id` (docs/relay.md)."
    )
    dossier_code: strawberry.Private[str]
    slot: str | None = strawberry.field(
        description="The required paper it fills; null for results."
    )
    kind: AttachmentKind = strawberry.field(description="What the file is.")
    filename: str = strawberry.field(description="The name it was uploaded with.")
    media_type: str = strawberry.field(description="Judged by the content, not the name.")
    size: int = strawberry.field(description="Bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the content; the download's ETag.")
    electronic: bool = strawberry.field(description="An electronic original (results).")
    result_type: str | None = strawberry.field(
        description="Results: what kind, e.g. JUDICIAL_RECORD; null for papers."
    )
    result_code: str | None = strawberry.field(
        description="Results: `<dossier code>-KQ(n)`, n = 1, 2 … in the order attached."
    )
    signature: ResultSignatureType | None = strawberry.field(
        description="Electronic results: the verified digital signature."
    )
    valid_until: date | None = strawberry.field(
        description="The last day it is valid; null if it does not expire."
    )
    uploaded_at: datetime = strawberry.field(description="When it was attached.")
    uploaded_by: str | None = strawberry.field(description="The id of who attached it.")
    reused: bool = strawberry.field(description="Taken from the applicant's e-data repository.")
    digitisation: PaperDigitisation = strawberry.field(
        description="How the paper came to be electronic (Decision 766, docs/scoreboard.md)."
    )
    digitised_by: str | None = strawberry.field(
        description="DIGITISED_AT_COUNTER: the officer who scanned it."
    )
    download_url: str = strawberry.field(description="GET it with the same credentials.")

    @classmethod
    def from_document(cls, attachment: Attachment) -> AttachmentType:
        ident = str(attachment.id)
        return cls(
            attachment_id=strawberry.ID(ident),
            dossier_code=attachment.dossier_code,
            slot=attachment.slot,
            kind=attachment.kind,
            filename=attachment.filename,
            media_type=attachment.media_type,
            size=attachment.size,
            sha256=attachment.sha256,
            electronic=attachment.electronic,
            result_type=attachment.result_type,
            result_code=attachment.result_code,
            signature=(
                ResultSignatureType.from_document(
                    attachment.signature, f"{attachment.dossier_code}/{ident}"
                )
                if attachment.signature
                else None
            ),
            valid_until=attachment.valid_until,
            uploaded_at=attachment.uploaded_at,
            uploaded_by=attachment.uploaded_by,
            reused=attachment.reused,
            digitisation=attachment.came_as,
            digitised_by=attachment.digitised_by,
            download_url=download_path(attachment.dossier_code, ident),
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return f"{root.dossier_code}/{root.attachment_id}"

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AttachmentType | None]:
        """Those the viewer may open, of dossiers it may see (`Dossier.attachments`)."""
        access = await info.context.access()
        found: list[AttachmentType | None] = []
        for node_id in node_ids:
            code, _, ident = node_id.rpartition("/")
            try:
                stored = await info.context.loaders.dossier_by_code.load(code)
            except UnreadableDocumentError:
                stored = None  # not to be shown by id; `dossier(code)` says why
            dossier = await as_seen(info, stored)
            attachment = await find_attachment(code, ident) if dossier else None
            shown = dossier and attachment and access.can_open(dossier, attachment)
            found.append(cls.from_document(attachment) if shown and attachment else None)
        return found


def attachment_key(value: str) -> str:
    """The raw attachment id an `attachmentId` argument names, in either form."""
    return raw_key(value, "Attachment").rpartition("/")[2]


@strawberry.type(
    name="ReusedPaper",
    description="A paper or result reused from the applicant's e-data repository: what "
    "it is, never its content.",
)
class ReusedPaperType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the attachment, for caches; not a "
        "`Node` (docs/relay.md)."
    )
    attachment_id: strawberry.ID = strawberry.field(
        description="The attachment; in `attachments` only when `opened`."
    )
    slot: str | None = strawberry.field(
        description="The required paper it fills; null for a result."
    )
    kind: RepositoryItemKind | None = strawberry.field(
        description="A result issued, or a paper accepted before; null if not recorded."
    )
    result_type: str | None = strawberry.field(
        description="For a result: what kind; null for a paper."
    )
    procedure_code: str | None = strawberry.field(
        description="The procedure of the dossier it came from."
    )
    issued_at: datetime | None = strawberry.field(
        description="When the result was issued, or the paper accepted."
    )
    valid_until: date | None = strawberry.field(
        description="The last day it is valid; null if it does not expire."
    )
    opened: bool = strawberry.field(description="Whether the viewer may open its content.")

    @classmethod
    def from_document(cls, attachment: Attachment, *, opened: bool) -> ReusedPaperType:
        origin = attachment.origin
        kind = None
        if origin is not None:
            kind = RepositoryItemKind.RESULT if origin.result else RepositoryItemKind.PAPER
        return cls(
            id=derived_id("ReusedPaper", attachment.dossier_code, str(attachment.id)),
            attachment_id=strawberry.ID(str(attachment.id)),
            slot=attachment.slot,
            kind=kind,
            result_type=attachment.result_type,
            procedure_code=origin.procedure_code if origin else None,
            issued_at=origin.issued_at if origin else None,
            valid_until=attachment.valid_until,
            opened=opened,
        )


@strawberry.type(name="DossierPaper", description="A required paper of the dossier's procedure.")
class DossierPaperType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the slot, for caches; not a `Node` "
        "(docs/relay.md)."
    )
    slot: str = strawberry.field(description="The slot's key.")
    name: str = strawberry.field(description="The paper's name.")
    optional: bool = strawberry.field(description="Whether the dossier may go without it.")
    satisfied: bool = strawberry.field(description="Whether something fills it.")
    source: PaperSource | None = strawberry.field(description="Null while nothing fills it.")


@strawberry.type
class DossierPapers:
    """The paper fields of `Dossier`, kept here to keep its module small."""

    if TYPE_CHECKING:
        code: str
        procedure_code: str
        document: Dossier

    @strawberry.field(
        description="Papers and results, oldest first: those the viewer may open. A paper "
        "reused from the applicant's repository is here only for the applicant and, once "
        "the dossier is accepted, the officers of the agencies handling it; `reusedPapers` "
        "says to everyone what was reused."
    )
    async def attachments(self, info: Info) -> list[AttachmentType]:
        access = await info.context.access()
        found = await info.context.loaders.attachments_by_dossier.load(self.code)
        opened = [a for a in found if access.can_open(self.document, a)]
        return [AttachmentType.from_document(a) for a in opened]

    @strawberry.field(
        description="What was taken from the applicant's e-data repository, without its "
        "content: shown to everyone who sees the dossier."
    )
    async def reused_papers(self, info: Info) -> list[ReusedPaperType]:
        access = await info.context.access()
        found = await info.context.loaders.attachments_by_dossier.load(self.code)
        return [
            ReusedPaperType.from_document(a, opened=access.can_open(self.document, a))
            for a in found
            if a.reused
        ]

    @strawberry.field(description="Each required paper, and whether something fills it.")
    async def required_papers(self, info: Info) -> list[DossierPaperType]:
        loaders = info.context.loaders
        procedure, attachments = await asyncio.gather(
            loaders.procedure_by_code.load(self.procedure_code),
            loaders.attachments_by_dossier.load(self.code),
        )
        papers = procedure.required_papers if procedure else []
        found = self.document.lookups
        looked_up = frozenset(x.slot for x in found if x.result is LookupResult.FOUND)
        return [
            DossierPaperType(
                id=derived_id("DossierPaper", self.code, state.paper.slot),
                slot=state.paper.slot,
                name=state.paper.name,
                optional=state.paper.optional,
                satisfied=state.source is not None,
                source=state.source,
            )
            for state in paper_states(papers, attachments, looked_up)
        ]

    @strawberry.field(description="Papers taken from the e-data repository at submission.")
    def reused_count(self) -> int:
        return self.document.reused_count
