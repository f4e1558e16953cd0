"""The e-data repository (kho dữ liệu điện tử) of each applicant.

It holds the papers an applicant submitted that were accepted, and the results issued
to them, each with where it came from. Items share the attachment's GridFS file: a
paper is stored once however often it is reused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from beanie import Document, PydanticObjectId, SortDirection
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date
from documents.dossiers.dossier import Dossier
from documents.papers.attachments import Attachment, AttachmentKind, attachments_of

Write = Callable[[AsyncClientSession], Awaitable[None]]


class RepositoryItemKind(StrEnum):
    PAPER = "PAPER"
    RESULT = "RESULT"


class RepositoryItem(Document):
    # The applicant's personal identification number or tax code.
    owner_id: str
    kind: RepositoryItemKind
    name: str
    slot: str | None = None
    result_type: str | None = None
    electronic: bool = False
    valid_from: datetime
    valid_until: date | None = None
    # The file, shared with the attachment it came from.
    file_id: PydanticObjectId
    sha256: str
    size: int
    media_type: str
    filename: str
    # Where it came from.
    attachment_id: PydanticObjectId
    dossier_code: str
    agency_code: str
    procedure_code: str
    added_at: datetime

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    class Settings:
        name = "repository_items"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("owner_id", ASCENDING), ("added_at", DESCENDING)], name="by_owner"),
            IndexModel(
                [("owner_id", ASCENDING), ("result_type", ASCENDING), ("valid_from", DESCENDING)],
                name="results_by_type",
            ),
            # Filing is idempotent: one item per attachment.
            IndexModel([("attachment_id", ASCENDING)], name="by_attachment", unique=True),
            IndexModel([("file_id", ASCENDING)], name="by_file"),
        ]


def _item(attachment: Attachment, dossier: Dossier, name: str, now: datetime) -> dict[str, Any]:
    assert attachment.id is not None
    result = attachment.kind is AttachmentKind.RESULT
    return {
        "owner_id": dossier.applicant.id_number,
        "kind": RepositoryItemKind.RESULT if result else RepositoryItemKind.PAPER,
        "name": name,
        "slot": attachment.slot,
        "result_type": attachment.result_type,
        "electronic": attachment.electronic,
        "valid_from": attachment.uploaded_at if result else now,
        "valid_until": attachment.valid_until,
        "file_id": attachment.file_id,
        "sha256": attachment.sha256,
        "size": attachment.size,
        "media_type": attachment.media_type,
        "filename": attachment.filename,
        "attachment_id": attachment.id,
        "dossier_code": dossier.code,
        "agency_code": dossier.handling_agency_code,
        "procedure_code": dossier.procedure_code,
        "added_at": now,
    }


def result_item(attachment: Attachment, dossier: Dossier, name: str) -> RepositoryItem:
    return RepositoryItem(**_item(attachment, dossier, name, attachment.uploaded_at))


async def accepted_papers(dossier: Dossier, procedure: Procedure, now: datetime) -> Write:
    """The write that files the dossier's uploaded papers in the applicant's repository
    when reception accepts it; reused papers are there already."""
    names = {paper.slot: paper.name for paper in procedure.required_papers}
    papers = [
        a
        for a in await attachments_of(dossier.code)
        if a.kind is AttachmentKind.APPLICATION and not a.reused
    ]

    async def write(session: AsyncClientSession) -> None:
        if not papers:
            return
        items = [
            _item(a, dossier, names.get(a.slot or "", a.slot or a.filename), now) for a in papers
        ]
        # Built afresh on every attempt: the transaction may be retried.
        await RepositoryItem.insert_many(
            [RepositoryItem(**item) for item in items], session=session
        )

    return write


async def repository_of(owner_id: str) -> list[RepositoryItem]:
    """An applicant's items, newest first."""
    return (
        await RepositoryItem.find(RepositoryItem.owner_id == owner_id)
        .sort([("added_at", SortDirection.DESCENDING), ("_id", SortDirection.DESCENDING)])
        .to_list()
    )


async def find_item(item_id: str) -> RepositoryItem | None:
    if not PydanticObjectId.is_valid(item_id):
        return None
    return await RepositoryItem.get(PydanticObjectId(item_id))


async def newest_valid_result(
    owner_id: str, result_type: str, max_age_days: int, now: datetime
) -> RepositoryItem | None:
    """The newest result of this type issued within `max_age_days` and not expired."""
    found = (
        await RepositoryItem.find(
            RepositoryItem.owner_id == owner_id,
            RepositoryItem.kind == RepositoryItemKind.RESULT,
            RepositoryItem.result_type == result_type,
            RepositoryItem.valid_from >= now - timedelta(days=max_age_days),
        )
        .sort([("valid_from", SortDirection.DESCENDING)])
        .to_list()
    )
    today = local_date(now)
    return next((item for item in found if not item.expired(today)), None)


async def file_is_shared(file_id: PydanticObjectId, other_than: PydanticObjectId) -> bool:
    """Whether a repository item or another attachment uses the file."""
    if await RepositoryItem.find_one(RepositoryItem.file_id == file_id) is not None:
        return True
    other = await Attachment.find_one(Attachment.file_id == file_id, Attachment.id != other_than)
    return other is not None
