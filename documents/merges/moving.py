"""Moving open dossiers to the agency their agency was merged or split into."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from beanie.exceptions import RevisionIdWasChanged
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType, record_events
from documents.dossiers.parts import StepRecord
from documents.statistics.facts import refresh_fact


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


@dataclass(frozen=True)
class Move:
    """One merge or split, as each moved dossier's event records it."""

    kind: EventType  # AGENCY_MERGED or AGENCY_SPLIT
    sources: frozenset[str]
    effective: date
    now: datetime
    actor: str | None
    # Deadlines and the statistics fact of each moved dossier are counted in it.
    calendar: WorkingCalendar
    payload: dict[str, Any] = field(default_factory=dict)


async def move_dossiers(
    dossiers: list[Dossier],
    targets: Mapping[str, str],
    move: Move,
    session: AsyncClientSession,
) -> list[str]:
    """Move the open dossiers among `dossiers` whose handling agency or open step is a
    source to their target (`targets`, by dossier code; one not named stays), each with
    an event of `move.kind`; return their codes.

    Each dossier is replaced with its revision checked (which also derives its
    `agency_codes` again), so an officer who read it before the move gets CONFLICT
    instead of overwriting it, and a change the move did not see aborts it. Each moved
    dossier's statistics fact is refreshed in the same transaction, so the roll-ups of
    its handling agency follow it with no rebuild (docs/merges.md).
    """
    moved: list[str] = []
    events: list[DossierEvent] = []
    for dossier in dossiers:
        origins = moving_from(dossier, move.sources)
        target = targets.get(dossier.code)
        if not origins or target is None:
            continue
        _moved(dossier, move.sources, target)
        dossier.updated_at = move.now
        try:
            await dossier.replace(session=session)
        except RevisionIdWasChanged:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"dossier {dossier.code!r} changed meanwhile; run it again",
                "sources",
            ) from None
        await refresh_fact(dossier, move.calendar, session)
        moved.append(dossier.code)
        payload = {"from": origins[0], "to": target, "effectiveDate": move.effective.isoformat()}
        events.append(
            DossierEvent(
                dossier_code=dossier.code,
                type=move.kind,
                at=move.now,
                actor=move.actor,
                from_status=dossier.status,
                to_status=dossier.status,
                agency_code=target,
                procedure_code=dossier.procedure_code,
                payload={**payload, **move.payload},
            )
        )
    # Last in the transaction: numbering serialises writers.
    await record_events(session, events)
    return moved
