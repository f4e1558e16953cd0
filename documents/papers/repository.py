"""The e-data repository (kho dữ liệu điện tử) of each applicant.

It holds the papers an applicant submitted that were accepted, and the results issued
to them, each with where it came from. Items share the attachment's GridFS file: a
paper is stored once however often it is reused. Each item is named by a random 128-bit
`token`, never by its ObjectId, so items cannot be guessed or counted.
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
from documents.papers.consents import new_token

Write = Callable[[AsyncClientSession], Awaitable[None]]


class RepositoryItemKind(StrEnum):
    PAPER = "PAPER"
    RESULT = "RESULT"


class RepositoryItem(Document):
    # What the item is called outside: random, unique. Items filed before tokens existed
    # get one at start-up (`give_tokens`), or when their owner lists them.
    token: str | None = None
    # The applicant's personal identification number or tax code.
    owner_id: str
    kind: RepositoryItemKind
    name: str
    slot: str | None = None
    result_type: str | None = None
    # Results: `<dossier code>-KQ(n)`, the attachment's code.
    result_code: str | None = None
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
            IndexModel([("token", ASCENDING)], name="by_token", unique=True, sparse=True),
        ]


def _item(attachment: Attachment, dossier: Dossier, name: str, now: datetime) -> dict[str, Any]:
    assert attachment.id is not None
    result = attachment.kind is AttachmentKind.RESULT
    return {
        "token": new_token("ri"),
        "owner_id": dossier.applicant.id_number,
        "kind": RepositoryItemKind.RESULT if result else RepositoryItemKind.PAPER,
        "name": name,
        "slot": attachment.slot,
        "result_type": attachment.result_type,
        "result_code": attachment.result_code,
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
    """An applicant's items, newest first, each with its token."""
    query = RepositoryItem.find(RepositoryItem.owner_id == owner_id).sort(
        [("added_at", SortDirection.DESCENDING), ("_id", SortDirection.DESCENDING)]
    )
    items = await query.to_list()
    if any(item.token is None for item in items):
        # Filed by a release without tokens (a rolling upgrade): name them now.
        await give_tokens({"owner_id": owner_id})
        items = await query.to_list()
    return items


async def give_tokens(where: dict[str, Any] | None = None) -> int:
    """Give every item without a token one of its own (once, at start-up; an item named
    meanwhile keeps the name it got). Their ObjectIds stop naming them."""
    collection = RepositoryItem.get_pymongo_collection()
    given = 0
    async for raw in collection.find({**(where or {}), "token": None}, {"_id": 1}):
        result = await collection.update_one(
            {"_id": raw["_id"], "token": None}, {"$set": {"token": new_token("ri")}}
        )
        given += result.modified_count
    return given


async def find_item(token: str) -> RepositoryItem | None:
    """The item named `token`; None for anything else, a bare ObjectId included."""
    if not token.startswith("ri_") or len(token) > 64:
        return None
    return await RepositoryItem.find_one(RepositoryItem.token == token)


async def newest_valid_result(
    owner_id: str,
    result_type: str,
    max_age_days: int,
    now: datetime,
    among: frozenset[str] | None = None,
) -> RepositoryItem | None:
    """The newest result of this type issued within `max_age_days` and not expired;
    only the items named `among`, when given."""
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
    usable = (i for i in found if not i.expired(today) and (among is None or i.token in among))
    return next(usable, None)


async def file_is_shared(file_id: PydanticObjectId, other_than: PydanticObjectId) -> bool:
    """Whether a repository item or another attachment uses the file."""
    if await RepositoryItem.find_one(RepositoryItem.file_id == file_id) is not None:
        return True
    other = await Attachment.find_one(Attachment.file_id == file_id, Attachment.id != other_than)
    return other is not None
