"""What a group member's end does to the members waiting for it: an approved result fills
and receives them; a member ended without a result withdraws them (docs/groups.md)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import current_codes
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.validation import validate_data
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.parts import StepRecord, SupplementItem, SupplementRound
from documents.dossiers.statuses import DossierStatus
from documents.groups.definition import Feed, ProcedureGroup
from documents.groups.mapping import write_pointer
from documents.groups.records import DossierGroup
from documents.statistics.facts import refresh_fact
from documents.workflow.result_papers import results_as_papers

S = DossierStatus
ENDED_WITHOUT_RESULT = frozenset({S.REFUSED, S.REJECTED, S.WITHDRAWN, S.STOPPED})
HAS_RESULT = frozenset({S.RESULT_READY, S.RETURNED})
# Said to the applicant; names no person, only the member that ended.
WITHDRAWN_REASON = "the procedure whose result it waited for ({code}) ended without a result"


def _event(
    dossier: Dossier, kind: EventType, at: datetime, before: S, payload: dict[str, Any]
) -> DossierEvent:
    # Nobody acted: the system moved it, as a consequence of another member's event.
    return DossierEvent(
        dossier_code=dossier.code,
        type=kind,
        at=at,
        actor=None,
        from_status=before,
        to_status=dossier.status,
        agency_code=dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload=payload,
    )


async def follow_group(
    ended: Dossier, after: S, now: datetime, hours: OfficeHours, session: AsyncClientSession
) -> list[DossierEvent]:
    """In the transaction of the action that moved `ended` to `after`: release or
    withdraw the members of its group waiting for it; the events to record with it."""
    if ended.group_code is None or (
        after not in ENDED_WITHOUT_RESULT and after is not S.RESULT_READY
    ):
        return []
    record = await DossierGroup.find_one(DossierGroup.code == ended.group_code, session=session)
    if record is None:
        return []
    if after is S.RESULT_READY:
        return await _release(record, ended, now, hours, session)
    return await _withdraw_dependents(record, ended, now, hours, session)


async def _load(code: str, session: AsyncClientSession) -> Dossier | None:
    return await Dossier.find_one(Dossier.code == code, session=session)


async def _withdraw_dependents(
    record: DossierGroup,
    ended: Dossier,
    now: datetime,
    hours: OfficeHours,
    session: AsyncClientSession,
) -> list[DossierEvent]:
    """Every member that waits, directly or through another, for `ended`: it can never
    be filled, so it is withdrawn (with no timeliness: its clock never ran)."""
    gone = {ended.procedure_code}
    changed = True
    while changed:
        changed = False
        for member in record.members:
            if member.procedure_code not in gone and gone & set(member.waits_for):
                gone.add(member.procedure_code)
                changed = True
    events: list[DossierEvent] = []
    for member in record.members:
        if member.procedure_code == ended.procedure_code or member.procedure_code not in gone:
            continue
        dossier = await _load(member.dossier_code, session)
        if dossier is None or dossier.status is not S.WAITING_FOR_INPUT:
            continue
        reason = WITHDRAWN_REASON.format(code=ended.code)
        dossier.status, dossier.reason = S.WITHDRAWN, reason
        dossier.finished_at = dossier.updated_at = now
        await dossier.replace(session=session)
        procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
        calendar = await load_calendar(hours, procedure.time_rules if procedure else None)
        await refresh_fact(dossier, calendar, session)
        payload = {"reason": reason, "group": record.code, "cause": ended.code}
        events.append(_event(dossier, EventType.WITHDRAWN, now, S.WAITING_FOR_INPUT, payload))
    return events


def _read(document: Any, pointer: str) -> tuple[bool, Any]:
    try:
        return True, JsonPointer(pointer).resolve(document)
    except (JsonPointerException, TypeError):
        return False, None


async def _release(
    record: DossierGroup,
    approved: Dossier,
    now: datetime,
    hours: OfficeHours,
    session: AsyncClientSession,
) -> list[DossierEvent]:
    group = await ProcedureGroup.find_one(ProcedureGroup.code == record.group_code)
    if group is None:
        return []
    events: list[DossierEvent] = []
    for member in record.members:
        if approved.procedure_code not in member.waits_for:
            continue
        waiting = await _load(member.dossier_code, session)
        if waiting is None or waiting.status is not S.WAITING_FOR_INPUT:
            continue
        sources: dict[str, Dossier] = {approved.procedure_code: approved}
        for other in record.members:
            if other.procedure_code in member.waits_for and other.procedure_code not in sources:
                found = await _load(other.dossier_code, session)
                if found is not None:
                    sources[other.procedure_code] = found
        if any(
            code not in sources or sources[code].status not in HAS_RESULT
            for code in member.waits_for
        ):
            continue  # another result it needs is not ready yet
        feeds = [
            f
            for f in group.feeds
            if f.to_procedure == member.procedure_code and f.from_procedure in sources
        ]
        events.extend(await _receive(waiting, feeds, sources, record.code, now, hours, session))
    return events


def _fill(dossier: Dossier, feeds: list[Feed], sources: dict[str, Dossier]) -> list[str]:
    """Copy each feed's fields from its result's data; the pointers filled."""
    data = copy.deepcopy(dossier.data)
    filled: list[str] = []
    for feed in feeds:
        for target, pointer in feed.fields.items():
            found, value = _read(sources[feed.from_procedure].result_data, pointer)
            if found:
                write_pointer(data, target, copy.deepcopy(value))
                filled.append(target)
    dossier.data = data
    return filled


def _ask_at_reception(
    dossier: Dossier, asked: list[SupplementItem], now: datetime
) -> list[DossierEvent]:
    """A received member whose data fails its form (a result lacked a field it fills),
    or whose population lookup failed at submission, is asked at reception (Mẫu 02)."""
    pending = dossier.supplements[-1] if dossier.supplements else None
    if pending is not None and pending.at_reception and pending.supplemented_at is None:
        # A lookup failed at submission: one round asks for everything.
        pending.items.extend(asked)
        pending.requested_at = now
    elif asked:
        pending = SupplementRound(requested_at=now, items=asked, at_reception=True)
        dossier.supplements.append(pending)
    else:
        return []
    dossier.status = S.SUPPLEMENT_REQUESTED
    payload = {
        "round": len(dossier.supplements),
        "items": [item.model_dump() for item in pending.items],
        "atReception": True,
    }
    return [_event(dossier, EventType.SUPPLEMENT_REQUESTED, now, S.RECEIVED, payload)]


async def _receive(
    dossier: Dossier,
    feeds: list[Feed],
    sources: dict[str, Dossier],
    group_code: str,
    now: datetime,
    hours: OfficeHours,
    session: AsyncClientSession,
) -> list[DossierEvent]:
    """Fill `dossier` from the results, receive it with its clock starting now, reuse
    the results as papers; fields a result lacks are asked for at reception (Mẫu 02)."""
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    if procedure is None:
        return []
    calendar = await load_calendar(hours, procedure.time_rules)
    filled = _fill(dossier, feeds, sources)
    form = await FormSchema.find_one(
        FormSchema.key == dossier.form_key, FormSchema.version == dossier.form_version
    )
    violations = validate_data(form.json_schema, dossier.data) if form is not None else []
    dossier.status = S.RECEIVED
    dossier.updated_at = now
    dossier.due_at = dossier.appointment_at = calendar.deadline(
        now, procedure.processing_days, procedure.processing_hours
    )
    dossier.clock_start = calendar.clock_start(now)
    first = procedure.steps[0] if procedure.steps else None
    if first is not None:
        named = first.agency_code or dossier.receiving_agency_code
        agency = (await current_codes([named])).get(named, named)
        dossier.steps = [
            StepRecord(
                step_key=first.key,
                step_name=first.name,
                role=first.role,
                agency_code=agency,
                received_at=now,
                due_at=calendar.deadline(now, first.working_days, first.working_hours),
            )
        ]
        dossier.current_step = first.key
    slots = []
    for feed in feeds:
        for attachment in await results_as_papers(
            dossier.code, feed, sources, procedure, now, session
        ):
            await attachment.insert(session=session)
            if attachment.slot is not None:
                slots.append(attachment.slot)
    received = {
        "group": group_code,
        "from": sorted(s.code for s in sources.values()),
        "fields": filled,
        "reusedSlots": slots,
    }
    events = [_event(dossier, EventType.INPUT_RECEIVED, now, S.WAITING_FOR_INPUT, received)]
    if dossier.handling_agency_code != dossier.receiving_agency_code:
        moved = {
            "from": dossier.receiving_agency_code,
            "to": dossier.handling_agency_code,
            "rule": procedure.competent_authority.rule.value,
        }
        events.append(_event(dossier, EventType.TRANSFERRED, now, S.RECEIVED, moved))
    asked = [SupplementItem(item=v.path, reason=v.message) for v in violations]
    events.extend(_ask_at_reception(dossier, asked, now))
    await dossier.replace(session=session)
    await refresh_fact(dossier, calendar, session)
    return events
