"""Attaching files to a dossier, removing them, and attaching results.

The file is streamed to GridFS first, outside any transaction; an electronic result's
signature is then verified on the stored bytes; the attachment, its event and (for
results) the repository item are then written in one transaction. A per-dossier counter
bumped in that transaction makes concurrent uploads conflict, so the dossier's size
limit holds when two arrive at once; results take their `KQ(n)` number from another in
the same transaction, so a number is used only when its result is recorded. If the
verification or the transaction fails, the file is deleted again.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from typing import Any

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow
from documents.common.counters import next_value
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.statuses import (
    PAPERS_ATTACHABLE,
    PAPERS_REMOVABLE,
    RESULTS_ATTACHABLE,
    DossierStatus,
)
from documents.papers.attachments import (
    Attachment,
    AttachmentKind,
    AttachmentLimits,
    PaperDigitisation,
    find_attachment,
)
from documents.papers.file_store import ChunkSource, FileLimits, StoredFile, store
from documents.papers.grid_files import delete_file
from documents.papers.media_types import SIGNED_XML
from documents.papers.repository import file_is_shared, result_item
from documents.papers.signatures import ResultSignature
from documents.papers.verifying import verify_stored

_RESULT_TYPE_PATTERN = "^[A-Z][A-Z0-9_]{0,63}$"


def _require_status(dossier: Dossier, allowed: frozenset[DossierStatus], what: str) -> None:
    if dossier.status not in allowed:
        states = ", ".join(sorted(s.value for s in allowed))
        raise DomainError(
            ErrorCode.ATTACHMENTS_LOCKED,
            f"{what} only while the dossier is {states}; it is {dossier.status.value}",
            "code",
        )


async def _procedure(dossier: Dossier) -> Procedure:
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    if procedure is None:
        raise not_found("procedure", dossier.procedure_code, "procedureCode")
    return procedure


async def stored_bytes(code: str, session: AsyncClientSession | None = None) -> int:
    """The bytes the dossier's own files take (reused ones are the repository's)."""
    pipeline: list[dict[str, Any]] = [
        {"$match": {"dossier_code": code, "reused_from": None}},
        {"$group": {"_id": None, "total": {"$sum": "$size"}}},
    ]
    cursor = await Attachment.get_pymongo_collection().aggregate(pipeline, session=session)
    rows = await cursor.to_list()
    return int(rows[0]["total"]) if rows else 0


def _event(
    dossier: Dossier, kind: EventType, actor: Actor, attachment: Attachment, at: datetime
) -> DossierEvent:
    return DossierEvent(
        dossier_code=dossier.code,
        type=kind,
        at=at,
        actor=actor.user,
        from_status=dossier.status,
        to_status=dossier.status,
        agency_code=actor.agency_code or dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload={
            "attachmentId": str(attachment.id),
            "slot": attachment.slot,
            "kind": attachment.kind.value,
            "filename": attachment.filename,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )


async def new_attachment(
    session: AsyncClientSession,
    dossier_code: str,
    stored: StoredFile,
    actor: Actor,
    limits: AttachmentLimits,
    fields: dict[str, Any],
) -> Attachment:
    """The attachment of a stored file, made in the upload's transaction: the dossier's
    upload counter is bumped first, so two uploads at once conflict and the dossier's
    size limit holds; DOSSIER_FILES_TOO_LARGE past it. The caller inserts it."""
    limit = limits.max_dossier_bytes
    await next_value(f"attachments:{dossier_code}", session)  # serialises uploads
    if await stored_bytes(dossier_code, session) + stored.size > limit:
        raise DomainError(
            ErrorCode.DOSSIER_FILES_TOO_LARGE,
            f"the dossier's files may add up to at most {limit} bytes",
            "file",
        )
    return Attachment(
        dossier_code=dossier_code,
        file_id=stored.file_id,
        sha256=stored.sha256,
        size=stored.size,
        media_type=stored.media_type,
        filename=stored.filename,
        uploaded_by=actor.user,
        uploaded_at=utcnow(),
        **fields,
    )


async def _record(
    dossier: Dossier,
    stored: StoredFile,
    actor: Actor,
    fields: dict[str, Any],
    limits: AttachmentLimits,
    repository_name: str | None = None,
) -> Attachment:
    """Write the attachment for a stored file, or delete the file if that fails."""

    async def work(session: AsyncClientSession) -> Attachment:
        attachment = await new_attachment(session, dossier.code, stored, actor, limits, fields)
        if repository_name is not None:
            number = await next_value(f"results:{dossier.code}", session)
            attachment.result_code = result_code(dossier.code, number)
        await attachment.insert(session=session)
        if repository_name is not None:
            await result_item(attachment, dossier, repository_name).insert(session=session)
        kind = EventType.RESULT_ATTACHED if repository_name else EventType.ATTACHMENT_ADDED
        event = _event(dossier, kind, actor, attachment, attachment.uploaded_at)
        await record_events(session, [event])  # last (documents/dossiers/events.py)
        return attachment

    try:
        return await in_event_transaction(Attachment, work)
    except BaseException:
        await asyncio.shield(delete_file(stored.file_id))
        raise


def result_code(dossier_code: str, number: int) -> str:
    """The code of a dossier's `number`th result (its e-data repository key)."""
    return f"{dossier_code}-KQ({number})"


async def _verified(
    stored: StoredFile, electronic: bool, limits: AttachmentLimits
) -> ResultSignature | None:
    """The signature of an electronic result (XML is electronic whatever it is called);
    None for a scan. The stored file is deleted when the signature does not hold."""
    if not electronic and stored.media_type != SIGNED_XML:
        return None
    try:
        return await verify_stored(stored, limits.trust_roots, utcnow())
    except BaseException:
        await asyncio.shield(delete_file(stored.file_id))
        raise


async def _store_for(
    dossier: Dossier,
    kind: AttachmentKind,
    source: ChunkSource,
    filename: str | None,
    declared: str | None,
    limits: AttachmentLimits,
) -> StoredFile:
    room = limits.max_dossier_bytes - await stored_bytes(dossier.code)
    return await store(
        source,
        filename=filename,
        declared=declared,
        limits=FileLimits(limits.media_types(kind), limits.max_file_bytes, max(room, 0)),
    )


async def upload_attachment(
    code: str,
    slot: str,
    source: ChunkSource,
    actor: Actor,
    *,
    filename: str | None,
    declared_type: str | None,
    limits: AttachmentLimits,
) -> Attachment:
    """Stream a paper into the slot `slot` of the dossier `code`, within `limits`."""
    dossier = await load_dossier(code)
    _require_status(dossier, PAPERS_ATTACHABLE, "papers can be attached")
    procedure = await _procedure(dossier)
    if all(paper.slot != slot for paper in procedure.required_papers):
        raise DomainError(ErrorCode.UNKNOWN_SLOT, "the procedure has no such paper slot", "slot")
    stored = await _store_for(
        dossier, AttachmentKind.APPLICATION, source, filename, declared_type, limits
    )
    # An officer (acting for an agency) uploading a paper scans it at the counter.
    if actor.agency_code is not None:
        how = {"digitisation": PaperDigitisation.DIGITISED_AT_COUNTER, "digitised_by": actor.user}
    else:
        how = {"digitisation": PaperDigitisation.SUBMITTED_ELECTRONICALLY}
    return await _record(dossier, stored, actor, {"slot": slot, **how}, limits)


async def attach_result(
    code: str,
    source: ChunkSource,
    actor: Actor,
    *,
    result_type: str,
    electronic: bool,
    valid_until: date | None,
    filename: str | None,
    declared_type: str | None,
    limits: AttachmentLimits,
) -> Attachment:
    """Attach the result issued for the dossier, within `limits`, as the dossier's next
    `KQ(n)`; it goes to the applicant's repository. An electronic result's signature
    must hold and chain to `limits.trust_roots`."""
    if not re.fullmatch(_RESULT_TYPE_PATTERN, result_type):
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            "a result type is an upper-case key such as JUDICIAL_RECORD",
            "resultType",
        )
    dossier = await load_dossier(code)
    _require_status(dossier, RESULTS_ATTACHABLE, "results can be attached")
    procedure = await _procedure(dossier)
    stored = await _store_for(
        dossier, AttachmentKind.RESULT, source, filename, declared_type, limits
    )
    signature = await _verified(stored, electronic, limits)
    fields = {
        "kind": AttachmentKind.RESULT,
        "electronic": electronic,
        "result_type": result_type,
        "valid_until": valid_until,
        "signature": signature,
    }
    return await _record(dossier, stored, actor, fields, limits, repository_name=procedure.name)


async def remove_attachment(code: str, attachment_id: str, actor: Actor) -> Dossier:
    """Remove a paper before reception is complete; its file goes too, unless the
    repository or another attachment shares it."""
    dossier = await load_dossier(code)
    attachment = await find_attachment(code, attachment_id)
    if attachment is None or attachment.kind is not AttachmentKind.APPLICATION:
        raise not_found("attachment", attachment_id, "attachmentId")
    _require_status(dossier, PAPERS_REMOVABLE, "papers can be removed")
    assert attachment.id is not None
    attachment_key: PydanticObjectId = attachment.id
    removed_at = utcnow()

    async def work(session: AsyncClientSession) -> None:
        collection = Attachment.get_pymongo_collection()
        await collection.delete_one({"_id": attachment_key}, session=session)
        event = _event(dossier, EventType.ATTACHMENT_REMOVED, actor, attachment, removed_at)
        await record_events(session, [event])

    await in_event_transaction(Attachment, work)
    if not await file_is_shared(attachment.file_id, other_than=attachment_key):
        await delete_file(attachment.file_id)
    return dossier
