"""Submitting a dossier: validate, number, and record it with its first event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency, current_codes, resolve_current
from documents.catalogue.forms.lifecycle import current_form
from documents.catalogue.forms.validation import ensure_valid
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date, utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.codes import CodeTakenError, move_past_stored_codes, next_dossier_code
from documents.dossiers.dossier import Applicant, Channel, Dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.parts import StepRecord
from documents.papers.consents import Submitter
from documents.papers.reuse import ReusedPaper, plan_reuse, reused_attachment
from documents.statistics.facts import refresh_fact
from documents.workflow.fees import amount_due, payment_status

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
    return agency


def handling_agency_for(
    procedure: Procedure, receiving_code: str, current: Mapping[str, str] | None = None
) -> str:
    """The receiving agency handles the dossier itself when the procedure lists it;
    otherwise the procedure's first handling agency does (reception is address-free).
    `current` maps the procedure's agencies to what merges made of them."""
    listed = [(current or {}).get(code, code) for code in procedure.agency_codes]
    if receiving_code in listed or not listed:
        return receiving_code
    return listed[0]


async def submit(
    submission: Submission,
    actor: str | None = None,
    received_at: datetime | None = None,
    *,
    hours: OfficeHours,
) -> Dossier:
    """Everything is checked before the code counter is touched, and the dossier and
    its RECEIVED event are written in one transaction, so a failed submission leaves
    neither a dossier nor a consumed code behind. Deadlines follow the office `hours`.
    `received_at` back-dates imports and demo data; the API always uses the current time."""
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
    handling_code = handling_agency_for(procedure, current[receiving.code], current)
    calendar = await load_calendar(hours)
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

    async def work(session: AsyncClientSession) -> Dossier:
        now = received_at or utcnow()
        due_at = calendar.appointment_at(now, procedure.processing_days)
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
                    due_at=calendar.appointment_at(now, first_step.working_days),
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
            fee_due=fee_due,
            payment_status=payment_status(fee_due, 0),
            reused_count=len(reuse.items),
        )
        try:
            await dossier.insert(session=session)
        except DuplicateKeyError:  # the counter is behind the stored codes (a restore)
            raise CodeTakenError(receiving.code, now) from None
        await reuse.spend_consent(applicant_id, code, now, session)
        for planned in reuse.items:
            await reused_attachment(code, planned, actor, now).insert(session=session)
        event = DossierEvent(
            dossier_code=code,
            type=EventType.RECEIVED,
            at=now,
            actor=actor,
            to_status=dossier.status,
            agency_code=receiving.code,
            procedure_code=procedure.code,
            payload={"reusedSlots": [p.slot for p in reuse.items]} if reuse.items else {},
        )
        await refresh_fact(dossier, calendar, session)
        # The very last step: numbering events serialises writers (dossiers/events.py).
        await record_events(session, [event])
        return dossier

    for _ in range(_CODE_ATTEMPTS):
        try:
            return await in_event_transaction(Dossier, work)
        except CodeTakenError as taken:  # never hand out a stored code: move past them
            await move_past_stored_codes(taken.agency_code, taken.received_at)
    raise RuntimeError("the dossier code counter keeps falling behind the stored codes")
