"""Papers uploaded once for a group submission: a paper attached to one member is shared
with every other member that asks for the same slot, as the same stored file
(docs/groups.md, "Papers uploaded once")."""

from __future__ import annotations

from collections.abc import Callable

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.statuses import PAPERS_ATTACHABLE
from documents.groups.records import DossierGroup
from documents.papers.attachments import Attachment, AttachmentKind, find_attachment


async def _takers(
    record: DossierGroup,
    source: Dossier,
    paper: Attachment,
    may_attach: Callable[[Dossier], bool],
) -> list[Dossier]:
    """The other members that ask for the paper's slot, still take papers, may be given
    papers by this actor, and do not hold this file yet."""
    takers = []
    for member in record.members:
        if member.dossier_code == source.code:
            continue
        procedure = await Procedure.find_one(Procedure.code == member.procedure_code)
        if procedure is None or all(p.slot != paper.slot for p in procedure.required_papers):
            continue
        other = await load_dossier(member.dossier_code)
        if other.status not in PAPERS_ATTACHABLE or not may_attach(other):
            continue
        held = await Attachment.find_one(
            Attachment.dossier_code == other.code, Attachment.file_id == paper.file_id
        )
        if held is None:  # sharing again changes nothing
            takers.append(other)
    return takers


async def share_with_group(
    code: str, attachment_id: str, actor: Actor, may_attach: Callable[[Dossier], bool]
) -> Dossier:
    """Give the paper `attachment_id` of dossier `code` to the other members of its
    group that ask for its slot, in one transaction; each records ATTACHMENT_ADDED."""
    dossier = await load_dossier(code)
    if dossier.group_code is None:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "the dossier is not part of a group submission", "code"
        )
    paper = await find_attachment(code, attachment_id)
    if paper is None or paper.kind is not AttachmentKind.APPLICATION or paper.slot is None:
        raise not_found("attachment", attachment_id, "attachmentId")
    record = await DossierGroup.find_one(DossierGroup.code == dossier.group_code)
    if record is None:
        raise not_found("dossier group", dossier.group_code, "code")
    takers = await _takers(record, dossier, paper, may_attach)
    now = utcnow()

    async def work(session: AsyncClientSession) -> None:
        events = []
        for other in takers:
            shared = Attachment.sharing(
                paper,
                dossier_code=other.code,
                slot=paper.slot,
                uploaded_by=actor.user,
                uploaded_at=now,
                digitisation=paper.came_as,
                digitised_by=paper.digitised_by,
            )
            await shared.insert(session=session)
            events.append(
                DossierEvent(
                    dossier_code=other.code,
                    type=EventType.ATTACHMENT_ADDED,
                    at=now,
                    actor=actor.user,
                    from_status=other.status,
                    to_status=other.status,
                    agency_code=actor.agency_code or other.handling_agency_code,
                    procedure_code=other.procedure_code,
                    payload={
                        "attachmentId": str(shared.id),
                        "slot": shared.slot,
                        "kind": shared.kind.value,
                        "size": shared.size,
                        "sha256": shared.sha256,
                        "sharedFrom": code,
                    },
                )
            )
        await record_events(session, events)  # last (documents/dossiers/events.py)

    if takers:
        await in_event_transaction(Attachment, work)
    return dossier
