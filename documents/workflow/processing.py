"""Carrying a dossier through its workflow: one function per officer or applicant action.

Each action reads the dossier, decides in memory (the transition table, the clock, the
rules of the action), then writes the dossier and its event in one transaction. The
write only succeeds if nobody changed the dossier since it was read (its revision), so
two officers acting at once cannot both win: the second gets CONFLICT.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from beanie.exceptions import RevisionIdWasChanged
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.actor import Actor
from documents.dossiers.deadlines import classify
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import FINISHED, TIMED, DossierStatus
from documents.groups.tracking import after_member_action
from documents.statistics.facts import refresh_fact
from documents.workflow.releasing import follow_group
from documents.workflow.transitions import Action, next_status


@dataclass
class Act:
    """What an action's rule sees, and changes: `dossier` is a working copy."""

    dossier: Dossier
    procedure: Procedure
    calendar: WorkingCalendar
    now: datetime
    actor: Actor
    # More writes for the action's transaction, e.g. filing accepted papers.
    writes: list[Callable[[AsyncClientSession], Awaitable[None]]] = field(default_factory=list)
    # More events, recorded after the action's own (e.g. the orders an exemption cancels).
    events: list[DossierEvent] = field(default_factory=list)


class NoChange(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a rule when the action was already done (an idempotent repeat)."""


# What a rule did: the event type to record and its payload.
Change = tuple[EventType, dict[str, Any]]
Rule = Callable[[Act], Awaitable[Change]]


def close_current_step(dossier: Dossier, now: datetime) -> None:
    if dossier.steps and dossier.steps[-1].finished_at is None:
        dossier.steps[-1].finished_at = now


def _finish(act: Act, status: DossierStatus) -> None:
    dossier = act.dossier
    dossier.finished_at = act.now
    if status in TIMED:
        # Rounds asked at reception came before acceptance: only processing rounds count.
        rounds = sum(not r.at_reception for r in dossier.supplements)
        late_after = act.procedure.late_after_supplement_rounds
        dossier.timeliness = classify(act.now, dossier.due_at, rounds, late_after)
        if act.procedure.processing_hours is not None and act.now > dossier.due_at:
            dossier.timeliness = Timeliness.LATE  # counted in hours: late past the hour
    close_current_step(dossier, act.now)


async def perform(
    code: str,
    action: Action | Callable[[Dossier], Action],
    rule: Rule,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """Apply `rule` for `action` to the dossier `code` and record it atomically, with
    deadlines counted in the working calendar of an office keeping `hours`. `action`
    may be chosen from the dossier as read (which supplement action applies).

    `at` back-dates the action for demo data and imports; the API uses the clock.
    """
    dossier = await load_dossier(code)
    before = dossier.status
    after = next_status(before, action if isinstance(action, Action) else action(dossier))
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    if procedure is None:
        raise not_found("procedure", dossier.procedure_code, "procedureCode")
    calendar = await load_calendar(hours, procedure.time_rules)
    act = Act(dossier, procedure, calendar, at or utcnow(), actor)
    try:
        event_type, payload = await rule(act)
    except NoChange:
        return dossier
    dossier.status = after
    finishing = after in FINISHED and before not in FINISHED
    if finishing:
        _finish(act, after)
    # A group member's finish also moves its group (docs/groups.md): the office calendar.
    in_group = finishing and dossier.group_code is not None
    group_calendar = await load_calendar(hours) if in_group else None
    dossier.updated_at = act.now
    event = DossierEvent(
        dossier_code=code,
        type=event_type,
        at=act.now,
        actor=actor.user,
        from_status=before,
        to_status=after,
        agency_code=actor.agency_code or dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload=payload,
    )
    read_revision = dossier.revision_id

    async def write(session: AsyncClientSession) -> None:
        dossier.revision_id = read_revision  # a retried attempt checks the same revision
        try:
            await dossier.replace(session=session)
        except RevisionIdWasChanged:
            raise DomainError(
                ErrorCode.CONFLICT,
                "the dossier was changed by someone else meanwhile; reload it and try again",
                "code",
            ) from None
        for extra in act.writes:
            await extra(session)
        await refresh_fact(dossier, act.calendar, session)
        # A group member's result fills the members waiting for it; its end without a
        # result withdraws them (docs/groups.md). Before the group's own status moves.
        moved = after is not before and dossier.group_code is not None
        released = await follow_group(dossier, after, act.now, hours, session) if moved else []
        group_events = []
        if group_calendar is not None:
            group_events = await after_member_action(
                session, dossier, before, group_calendar, released, at=act.now, actor=actor.user
            )
        # Last: numbering the event serialises writers (documents/dossiers/events.py).
        # A retry reuses the event's id: the abort undid the first insert.
        await record_events(session, [event, *act.events, *released, *group_events])

    await in_event_transaction(Dossier, write)
    return dossier


async def current_status(code: str) -> DossierStatus | None:
    found = await Dossier.find_one(Dossier.code == code)
    return found.status if found else None
