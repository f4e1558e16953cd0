"""Submitting a dossier: validate, number, and record it with its first event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency, current_codes, resolve_current
from documents.catalogue.authority import competent_agency
from documents.catalogue.forms.lifecycle import current_form
from documents.catalogue.forms.validation import ensure_valid
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date, utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.codes import CodeTakenError, move_past_stored_codes, next_dossier_code
from documents.dossiers.dossier import Applicant, Channel, Dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.parts import StepRecord
from documents.dossiers.statuses import DossierStatus
from documents.national.population import PopulationRegistry
from documents.papers.consents import Submitter
from documents.papers.reuse import ReusedPaper, plan_reuse, reused_attachment
from documents.statistics.facts import refresh_fact
from documents.workflow.fees import amount_due, payment_status
from documents.workflow.looking_up import Looked, look_up

# A stored code found once moves the counter past every stored code of that day.
_CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class Submission:
    procedure_code: str
    receiving_agency_code: str
    channel: Channel
    applicant: Applicant
    data: Any  # anything a client sent; `ensure_valid` rejects non-objects
    # Repository items the applicant names instead of uploading (docs/papers.md).
    reused_papers: tuple[ReusedPaper, ...] = field(default=())
    # Who files it: only the applicant, or someone they consented to, reuses papers.
    submitter: Submitter = field(default_factory=Submitter)


async def _receiving_agency(code: str, received_at: datetime) -> Agency:
    """The agency whose desk `code` is on the day of receipt: itself, or, once a merge
    has taken effect, the agency it was merged into, so the code is the new agency's."""
    day = local_date(received_at)
    agency = await resolve_current(code, day, "receivingAgencyCode")
    if agency.merged_by(day):  # a broken chain of merges: nobody receives there
        raise DomainError(ErrorCode.NOT_FOUND, f"agency {code!r} was merged", "receivingAgencyCode")
    if not agency.valid_on(day):  # abolished (a former district), or not yet founded
        raise DomainError(
            ErrorCode.NOT_FOUND, "the agency does not exist on that day", "receivingAgencyCode"
        )
    return agency


def _first_events(
    dossier: Dossier,
    procedure: Procedure,
    actor: str | None,
    reused_slots: list[str],
    looked: Looked,
) -> list[DossierEvent]:
    """RECEIVED; TRANSFERRED when routed to another agency (docs/routing.md); and
    SUPPLEMENT_REQUESTED when a lookup failed (docs/population.md)."""
    receiving, handling = dossier.receiving_agency_code, dossier.handling_agency_code

    def event(
        kind: EventType,
        agency: str,
        payload: dict[str, Any],
        by: str | None = actor,
        then: DossierStatus = DossierStatus.RECEIVED,
    ) -> DossierEvent:
        return DossierEvent(
            dossier_code=dossier.code,
            type=kind,
            at=dossier.received_at,
            actor=by,
            from_status=None if kind is EventType.RECEIVED else DossierStatus.RECEIVED,
            to_status=then,
            agency_code=agency,
            procedure_code=procedure.code,
            payload=payload,
        )

    events = [
        event(EventType.RECEIVED, receiving, {"reusedSlots": reused_slots} if reused_slots else {})
    ]
    if handling != receiving:  # routed: the control slip's first hand-over
        rule = procedure.competent_authority.rule.value
        moved = {"from": receiving, "to": handling, "rule": rule}
        events.append(event(EventType.TRANSFERRED, handling, moved))
    if looked.supplement is not None:  # a failed lookup asks for the paper at once
        asked = {
            "round": 1,
            "items": [item.model_dump() for item in looked.supplement.items],
            "atReception": True,
            "lookups": [lookup.result.value for lookup in looked.failed],
        }
        # Nobody asked but the failed lookup: no actor.
        events.append(event(EventType.SUPPLEMENT_REQUESTED, receiving, asked, None, dossier.status))
    return events


async def submit(
    submission: Submission,
    actor: str | None = None,
    received_at: datetime | None = None,
    *,
    hours: OfficeHours,
    population: PopulationRegistry | None = None,
) -> Dossier:
    """Everything is checked before the code counter is touched, and the dossier and
    its RECEIVED event are written in one transaction, so a failed submission leaves
    neither a dossier nor a consumed code behind. Deadlines follow the office `hours`.
    `received_at` back-dates imports and demo data; the API always uses the current time.
    Papers the `population` database stands in for are looked up first, outside the
    transaction; a failed lookup opens a supplement round at reception (docs/population.md)."""
    procedure = await Procedure.find_one(Procedure.code == submission.procedure_code)
    if procedure is None or not procedure.active:
        raise not_found("procedure", submission.procedure_code, "procedureCode")
    receiving = await _receiving_agency(submission.receiving_agency_code, received_at or utcnow())
    form = await current_form(procedure.form_key)
    assert form.version is not None  # published forms always have one
    ensure_valid(form.json_schema, submission.data)
    # Work goes to agencies as they are now: a back-dated receipt at a merged agency
    # keeps its old code, but no new open dossier is handled by a merged agency.
    named = [
        receiving.code,
        *procedure.agency_codes,
        *(s.agency_code or "" for s in procedure.steps),
    ]
    current = await current_codes([code for code in named if code])
    # Any desk receives; the procedure's rule names who handles it (docs/routing.md).
    competent = await competent_agency(
        procedure, receiving, submission.data, local_date(received_at or utcnow())
    )
    handling_code = competent.code
    calendar = await load_calendar(hours, procedure.time_rules)
    fee_due = amount_due(procedure.fee, submission.data)
    applicant_id = submission.applicant.id_number
    reuse = await plan_reuse(
        procedure,
        applicant_id,
        submission.reused_papers,
        received_at or utcnow(),
        submitter=submission.submitter,
        desk=receiving.code,
    )
    looked = await look_up(
        procedure, submission.applicant, population, actor, received_at or utcnow()
    )

    async def work(session: AsyncClientSession) -> Dossier:
        now = received_at or utcnow()
        due_at = calendar.deadline(now, procedure.processing_days, procedure.processing_hours)
        first_step = procedure.steps[0] if procedure.steps else None
        steps = []
        if first_step is not None:
            steps.append(
                StepRecord(
                    step_key=first_step.key,
                    step_name=first_step.name,
                    role=first_step.role,
                    agency_code=current[first_step.agency_code or receiving.code],
                    received_at=now,
                    due_at=calendar.deadline(
                        now, first_step.working_days, first_step.working_hours
                    ),
                )
            )
        # The agency's code counter is taken as late as possible: its lock is held until
        # the commit, and every submission at the agency that day waits for it.
        code = await next_dossier_code(receiving.code, now, session)
        dossier = Dossier(
            code=code,
            procedure_code=procedure.code,
            form_key=form.key,
            form_version=form.version or 0,
            applicant=submission.applicant,
            data=submission.data,
            channel=submission.channel,
            receiving_agency_code=receiving.code,
            handling_agency_code=handling_code,
            received_at=now,
            updated_at=now,
            current_step=first_step.key if first_step else None,
            steps=steps,
            due_at=due_at,
            appointment_at=due_at,
            clock_start=calendar.clock_start(now),
            fee_due=fee_due,
            payment_status=payment_status(fee_due, 0),
            reused_count=len(reuse.items),
            lookups=looked.lookups,
            supplements=[looked.supplement] if looked.supplement else [],
        )
        if looked.supplement is not None:
            dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
        try:
            await dossier.insert(session=session)
        except DuplicateKeyError:  # the counter is behind the stored codes (a restore)
            raise CodeTakenError(receiving.code, now) from None
        await reuse.spend_consent(applicant_id, code, now, session)
        for planned in reuse.items:
            await reused_attachment(code, planned, actor, now).insert(session=session)
        events = _first_events(dossier, procedure, actor, [p.slot for p in reuse.items], looked)
        await refresh_fact(dossier, calendar, session)
        # The very last step: numbering events serialises writers (dossiers/events.py).
        await record_events(session, events)
        return dossier

    for _ in range(_CODE_ATTEMPTS):
        try:
            return await in_event_transaction(Dossier, work)
        except CodeTakenError as taken:  # never hand out a stored code: move past them
            await move_past_stored_codes(taken.agency_code, taken.received_at)
    raise RuntimeError("the dossier code counter keeps falling behind the stored codes")
