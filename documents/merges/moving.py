"""Moving open dossiers to the agency their agencies were merged into."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from beanie.exceptions import RevisionIdWasChanged
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType, record_events
from documents.dossiers.parts import StepRecord


def open_step(dossier: Dossier) -> StepRecord | None:
    step = dossier.steps[-1] if dossier.steps else None
    return step if step is not None and step.finished_at is None else None


def moving_from(dossier: Dossier, sources: Collection[str]) -> list[str]:
    """The merged agencies an open dossier moves away from: its handling agency and
    its open step's agency, where they are among `sources`. Empty: it stays."""
    if dossier.finished_at is not None:
        return []
    found = [dossier.handling_agency_code] if dossier.handling_agency_code in sources else []
    step = open_step(dossier)
    if step is not None and step.agency_code in sources and step.agency_code not in found:
        found.append(step.agency_code)
    return found


async def open_dossiers_naming(
    codes: list[str], session: AsyncClientSession | None = None
) -> list[Dossier]:
    """Open dossiers that name one of `codes` as receiving, handling or step agency."""
    query = {"finished_at": None, "agency_codes": {"$in": codes}}
    return await Dossier.find(query, session=session).sort("+code").to_list()


def _moved(dossier: Dossier, sources: Collection[str], target: str) -> None:
    if dossier.handling_agency_code in sources:
        dossier.handling_agency_code = target
    step = open_step(dossier)
    if step is not None and step.agency_code in sources:
        step.agency_code = target


async def move_dossiers(
    dossiers: list[Dossier],
    sources: list[str],
    target: str,
    effective: date,
    now: datetime,
    actor: str | None,
    session: AsyncClientSession,
) -> list[str]:
    """Move the open dossiers among `dossiers` whose handling agency or open step is a
    source to `target`, each with an AGENCY_MERGED event; return their codes.

    Each dossier is replaced with its revision checked (which also derives its
    `agency_codes` again), so an officer who read it before the merge gets CONFLICT
    instead of overwriting it, and a change the merge did not see aborts the merge.
    """
    moved: list[str] = []
    events: list[DossierEvent] = []
    for dossier in dossiers:
        origins = moving_from(dossier, sources)
        if not origins:
            continue
        _moved(dossier, sources, target)
        dossier.updated_at = now
        try:
            await dossier.replace(session=session)
        except RevisionIdWasChanged:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"dossier {dossier.code!r} changed during the merge; run the merge again",
                "sources",
            ) from None
        moved.append(dossier.code)
        events.append(
            DossierEvent(
                dossier_code=dossier.code,
                type=EventType.AGENCY_MERGED,
                at=now,
                actor=actor,
                from_status=dossier.status,
                to_status=dossier.status,
                agency_code=target,
                procedure_code=dossier.procedure_code,
                payload={"from": origins[0], "to": target, "effectiveDate": effective.isoformat()},
            )
        )
    # Last in the merge's transaction: numbering serialises writers.
    await record_events(session, events)
    return moved
