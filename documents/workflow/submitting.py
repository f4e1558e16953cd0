"""Submitting a dossier: validate, number, and record it with its first event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.catalogue.agencies import Agency, current_codes, resolve_current
from documents.catalogue.authority import competent_agency
from documents.catalogue.forms.definition import FormSchema
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
from documents.papers.reuse import ReusedPaper, ReusePlan, plan_reuse, reused_attachment
from documents.statistics.contributions import FactInputs
from documents.statistics.facts import count_new_dossier
from documents.workflow.fees import amount_due, payment_status
from documents.workflow.identity import OnlineIdentity, check_applicant, check_level
from documents.workflow.looking_up import Looked, look_up

# A stored code found once moves the counter past every stored code of that day.
_CODE_ATTEMPTS = 3
T = TypeVar("T")


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
    # Filed online: the identity the submitter proved (documents/workflow/identity.py);
    # None: an officer receives it and checks identity in person.
    identity: OnlineIdentity | None = None
    # Submitted on the national portal: its reference, unique among dossiers.
    portal_reference: str | None = None


class PortalReferenceTaken(Exception):  # noqa: N818 - an outcome the caller answers
    """A dossier with this portal reference is already stored (a retried submission)."""


def form_identity(form: FormSchema) -> tuple[str, int]:
    """What names a published form version's schema for good: its document and version."""
    assert form.version is not None  # published forms always have one
    return str(form.id), form.version


def check_form_data(form: FormSchema, data: Any) -> None:
    """`ensure_valid` against a published form version, whose validator is built once."""
    ensure_valid(form.json_schema, data, form_identity(form))


async def receiving_agency(code: str, received_at: datetime) -> Agency:
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


@dataclass
class Prepared:
    """A submission checked and ready to store: everything but its code and time."""

    submission: Submission
    procedure: Procedure
    form: FormSchema
    receiving: Agency
    handling_code: str
    current: dict[str, str]  # named agency codes -> the agencies handling for them now
    calendar: WorkingCalendar
    fee_due: int
    reuse: ReusePlan
    looked: Looked

    def first_step(self, now: datetime) -> StepRecord | None:
        first = self.procedure.steps[0] if self.procedure.steps else None
        if first is None:
            return None
        return StepRecord(
            step_key=first.key,
            step_name=first.name,
            role=first.role,
            agency_code=self.current[first.agency_code or self.receiving.code],
            received_at=now,
            due_at=self.calendar.deadline(now, first.working_days, first.working_hours),
        )

    def dossier(self, code: str, now: datetime) -> Dossier:
        """The new dossier `code`, received at `now`, its clock running from then."""
        procedure, submission = self.procedure, self.submission
        due_at = self.calendar.deadline(now, procedure.processing_days, procedure.processing_hours)
        step = self.first_step(now)
        dossier = Dossier(
            code=code,
            procedure_code=procedure.code,
            form_key=self.form.key,
            form_version=self.form.version or 0,
            applicant=submission.applicant,
            data=submission.data,
            channel=submission.channel,
            receiving_agency_code=self.receiving.code,
            handling_agency_code=self.handling_code,
            received_at=now,
            updated_at=now,
            current_step=step.step_key if step else None,
            steps=[step] if step else [],
            due_at=due_at,
            appointment_at=due_at,
            clock_start=self.calendar.clock_start(now),
            fee_due=self.fee_due,
            payment_status=payment_status(self.fee_due, 0),
            reused_count=len(self.reuse.items),
            lookups=self.looked.lookups,
            supplements=[self.looked.supplement] if self.looked.supplement else [],
            portal_reference=submission.portal_reference,
        )
        if self.looked.supplement is not None:
            dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
        return dossier

    async def store(
        self, dossier: Dossier, actor: str | None, now: datetime, session: AsyncClientSession
    ) -> list[DossierEvent]:
        """Insert `dossier` with its reused papers and its fact; its first events, for
        the caller to record last."""
        code = dossier.code
        try:
            await dossier.insert(session=session)
        except DuplicateKeyError as taken:
            if "portal_reference" in (taken.details or {}).get("keyPattern", {}):
                raise PortalReferenceTaken(dossier.portal_reference) from None
            # The counter is behind the stored codes (a restore).
            raise CodeTakenError(self.receiving.code, now) from None
        await self.reuse.spend_consent(self.submission.applicant.id_number, code, now, session)
        papers = [reused_attachment(code, planned, actor, now) for planned in self.reuse.items]
        for paper in papers:
            await paper.insert(session=session)
        slots = [p.slot for p in self.reuse.items]
        events = _first_events(dossier, self.procedure, actor, slots, self.looked)
        known = FactInputs(attachments=papers, procedure=self.procedure)
        await count_new_dossier(dossier, self.calendar, known, session)
        return events


async def prepare(
    submission: Submission,
    actor: str | None,
    received_at: datetime | None,
    *,
    hours: OfficeHours,
    population: PopulationRegistry | None,
    validate: Callable[[FormSchema, Any], None] | None = None,
) -> Prepared:
    """Every check of a submission, before any write; `validate` checks its data
    against the procedure's published form (a group member leaves out what a result
    will fill, docs/groups.md)."""
    check_applicant(submission.identity, submission.applicant)
    procedure = await Procedure.find_one(Procedure.code == submission.procedure_code)
    if procedure is None or not procedure.active:
        raise not_found("procedure", submission.procedure_code, "procedureCode")
    check_level(submission.identity, procedure)
    receiving = await receiving_agency(submission.receiving_agency_code, received_at or utcnow())
    form = await current_form(procedure.form_key)
    assert form.version is not None  # published forms always have one
    (validate or check_form_data)(form, submission.data)
    # Work goes to agencies as they are now: a back-dated receipt at a merged agency
    # keeps its old code, but no new open dossier is handled by a merged agency.
    named = [
        receiving.code,
        *procedure.agency_codes,
        *(s.agency_code or "" for s in procedure.steps),
    ]
    current = await current_codes([code for code in named if code])
    # Any desk receives; the procedure's rule names who handles it (docs/routing.md).
    listed = {code: current[code] for code in procedure.agency_codes}
    competent = await competent_agency(
        procedure, receiving, submission.data, local_date(received_at or utcnow()), listed
    )
    calendar = await load_calendar(hours, procedure.time_rules)
    reuse = await plan_reuse(
        procedure,
        submission.applicant.id_number,
        submission.reused_papers,
        received_at or utcnow(),
        submitter=submission.submitter,
        desk=receiving.code,
    )
    looked = await look_up(
        procedure, submission.applicant, population, actor, received_at or utcnow()
    )
    fee_due = amount_due(procedure.fee, submission.data)
    return Prepared(
        submission,
        procedure,
        form,
        receiving,
        competent.code,
        current,
        calendar,
        fee_due,
        reuse,
        looked,
    )


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
    prepared = await prepare(submission, actor, received_at, hours=hours, population=population)

    async def work(session: AsyncClientSession) -> Dossier:
        now = received_at or utcnow()
        # The agency's code counter is taken as late as possible: its lock is held until
        # the commit, and every submission at the agency that day waits for it.
        code = await next_dossier_code(prepared.receiving.code, now, session)
        dossier = prepared.dossier(code, now)
        events = await prepared.store(dossier, actor, now, session)
        # The very last step: numbering events serialises writers (dossiers/events.py).
        await record_events(session, events)
        return dossier

    return await with_fresh_codes(work, prepared.receiving.code)


async def with_fresh_codes(
    work: Callable[[AsyncClientSession], Awaitable[T]], agency_code: str
) -> T:
    """Run `work` in an event transaction, in the line of the agency whose codes it takes;
    when a code it took was already stored, move the counter past the stored codes and run
    it again."""
    for _ in range(_CODE_ATTEMPTS):
        try:
            return await in_event_transaction(Dossier, work, line=f"codes {agency_code}")
        except CodeTakenError as taken:  # never hand out a stored code: move past them
            await move_past_stored_codes(taken.agency_code, taken.received_at)
    raise RuntimeError("the dossier code counter keeps falling behind the stored codes")
