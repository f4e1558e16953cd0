"""A group member's results reused as papers of the member they fed: the same stored
file, no copy (docs/groups.md, "When the result is recorded")."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.groups.definition import Feed
from documents.papers.attachments import (
    Attachment,
    AttachmentKind,
    PaperDigitisation,
    ReuseOrigin,
)


async def results_as_papers(
    code: str,
    feed: Feed,
    sources: dict[str, Dossier],
    procedure: Procedure,
    now: datetime,
    session: AsyncClientSession,
) -> list[Attachment]:
    """The results of the feeding member (of `feed.result_type` when named) as papers of
    dossier `code`: the same stored file, no copy, in the slot that result satisfies."""
    source = sources[feed.from_procedure]
    results = await Attachment.find(
        Attachment.dossier_code == source.code,
        Attachment.kind == AttachmentKind.RESULT,
        session=session,
    ).to_list()
    reused = []
    for result in results:
        if feed.result_type is not None and result.result_type != feed.result_type:
            continue
        slot = next(
            (
                p.slot
                for p in procedure.required_papers
                if p.satisfied_by_result is not None
                and p.satisfied_by_result.result_type == result.result_type
            ),
            None,
        )
        reused.append(
            # Shares the file of the result attachment (a group's, not the repository's).
            Attachment.sharing(
                result,
                dossier_code=code,
                slot=slot,
                electronic=result.electronic,
                result_type=result.result_type,
                valid_until=result.valid_until,
                uploaded_at=now,
                digitisation=PaperDigitisation.REUSED_FROM_RESULT,
                origin=ReuseOrigin(
                    result=True,
                    procedure_code=source.procedure_code,
                    issued_at=source.finished_at or now,
                ),
            )
        )
    return reused
