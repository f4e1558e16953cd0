"""Submitting a procedure group (liên thông, Decree 63/2024): one combined form, one
group record and one dossier per chosen procedure, all in one transaction
(docs/groups.md, "Submitting a group")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.validation import (
    ensure_valid,
    guard_data,
    validator_for,
    violations_of,
)
from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.codes import CodeTakenError, next_dossier_code
from documents.dossiers.dossier import Applicant, Channel, Dossier
from documents.dossiers.events import DossierEvent, EventType, record_events
from documents.dossiers.statuses import DossierStatus
from documents.groups.combinations import feed_order, waits_for
from documents.groups.definition import ProcedureGroup
from documents.groups.mapping import derive_member_data
from documents.groups.records import DossierGroup, GroupMemberDossier
from documents.groups.tracking import record_group_created
from documents.national.population import PopulationRegistry
from documents.papers.consents import Submitter
from documents.workflow.identity import OnlineIdentity, check_applicant
from documents.workflow.submitting import (
    Prepared,
    Submission,
    check_form_data,
    form_identity,
    prepare,
    with_fresh_codes,
)


@dataclass(frozen=True)
class GroupSubmission:
    group_code: str
    procedure_codes: tuple[str, ...]
    receiving_agency_code: str
    channel: Channel
    applicant: Applicant
    data: Any  # the combined form's data; anything a client sent
    verification: bool = False  # the longer group deadline applies
    submitter: Submitter = field(default_factory=Submitter)
    identity: OnlineIdentity | None = None  # as on Submission


@dataclass(frozen=True)
class _Member:
    code: str
    waits_for: list[str]
    prepared: Prepared


def fed_pointers(group: ProcedureGroup, procedure_code: str) -> frozenset[str]:
    """The pointers into a member's data that the results it waits for will fill."""
    return frozenset(
        target
        for feed in group.feeds
        if feed.to_procedure == procedure_code
        for target in feed.fields
    )


def leaving_out(later: frozenset[str]) -> Callable[[FormSchema, Any], None]:
    """Validation that forgives what a result will fill: a violation at one of the
    `later` pointers, or at an object on the way to one (checked again at release)."""

    def validate(form: FormSchema, data: Any) -> None:
        compiled = validator_for(form.json_schema, form_identity(form))
        guard_data(data, compiled[1])
        violations = [
            v
            for v in violations_of(compiled, data)
            if not any(t == v.path or t.startswith(v.path + "/") for t in later)
        ]
        if violations:
            raise DomainError(
                ErrorCode.VALIDATION_FAILED,
                f"{len(violations)} field(s) failed validation",
                "data",
                violations,
            )

    return validate


def for_member(procedure_code: str, error: DomainError) -> DomainError:
    """A member's error, its field under `members.<procedureCode>.`; the violations keep
    their pointers into the member's data."""
    return DomainError(
        error.code,
        f"{procedure_code}: {error.message}",
        f"members.{procedure_code}.{error.field or 'procedureCode'}",
        error.violations,
        error.retry_after_seconds,
    )


def _waiting_event(
    dossier: Dossier, actor: str | None, group: str, waits: list[str]
) -> DossierEvent:
    return DossierEvent(
        dossier_code=dossier.code,
        type=EventType.WAITING_FOR_INPUT,
        at=dossier.received_at,
        actor=actor,
        from_status=None,
        to_status=DossierStatus.WAITING_FOR_INPUT,
        agency_code=dossier.receiving_agency_code,
        procedure_code=dossier.procedure_code,
        payload={"group": group, "waitsFor": waits},
    )


def _wait(dossier: Dossier, due_at: datetime) -> None:
    """A member waiting for a result: no clock, no step yet; the group's deadline
    stands as its provisional appointment until it is received (releasing.py)."""
    dossier.status = DossierStatus.WAITING_FOR_INPUT
    dossier.steps, dossier.current_step = [], None
    dossier.clock_start = None
    dossier.due_at = dossier.appointment_at = due_at


async def submit_group(
    submission: GroupSubmission,
    actor: str | None = None,
    received_at: datetime | None = None,
    *,
    hours: OfficeHours,
    population: PopulationRegistry | None = None,
) -> DossierGroup:
    """Every member is checked as `submit` checks a dossier before any code is taken;
    then the group record, its members, their facts and events are written in one
    transaction, so any error leaves nothing behind."""
    check_applicant(submission.identity, submission.applicant)
    group = await ProcedureGroup.find_one(ProcedureGroup.code == submission.group_code)
    if group is None or not group.active:
        raise not_found("procedure group", submission.group_code, "groupCode")
    order = feed_order(group, submission.procedure_codes)
    ensure_valid(group.combined_form, submission.data)
    mappings = {m.procedure_code: m for m in group.members}
    members: list[_Member] = []
    for code in order:
        waits = waits_for(group, code)
        member = Submission(
            procedure_code=code,
            receiving_agency_code=submission.receiving_agency_code,
            channel=submission.channel,
            applicant=submission.applicant,
            data=derive_member_data(mappings[code], submission.data),
            submitter=submission.submitter,
            identity=submission.identity,
        )
        check = leaving_out(fed_pointers(group, code)) if waits else check_form_data
        try:
            prepared = await prepare(
                member, actor, received_at, hours=hours, population=population, validate=check
            )
        except DomainError as error:
            raise for_member(code, error) from None
        members.append(_Member(code, waits, prepared))
    receiving = members[0].prepared.receiving.code
    calendar = await load_calendar(hours)
    days = group.verification_days if submission.verification else group.processing_days

    async def work(session: AsyncClientSession) -> DossierGroup:
        now = received_at or utcnow()
        due_at = calendar.deadline(now, days, None)
        # The same counter as the dossiers': a group code never equals a dossier code.
        code = await next_dossier_code(receiving, now, session)
        if await Dossier.find_one(Dossier.code == code, session=session) is not None:
            raise CodeTakenError(receiving, now)  # the counter is behind (a restore)
        record = DossierGroup(
            code=code,
            group_code=group.code,
            receiving_agency_code=receiving,
            applicant_id=submission.applicant.id_number,
            members=[],
            data=submission.data,
            verification=submission.verification,
            received_at=now,
            due_at=due_at,
        )
        events: list[DossierEvent] = []
        for member in members:
            dossier = member.prepared.dossier(await next_dossier_code(receiving, now, session), now)
            dossier.group_code = record.code
            if member.waits_for:
                _wait(dossier, due_at)
            first = await member.prepared.store(dossier, actor, now, session)
            if member.waits_for:
                first = [_waiting_event(dossier, actor, record.code, member.waits_for)]
            events.extend(first)
            record.members.append(
                GroupMemberDossier(
                    procedure_code=member.code,
                    dossier_code=dossier.code,
                    agency_code=dossier.handling_agency_code,
                    waits_for=member.waits_for,
                )
            )
        try:
            await record.insert(session=session)
        except DuplicateKeyError:
            raise CodeTakenError(receiving, now) from None
        # GROUP_CREATED first, and the group counted as received (docs/scoreboard.md).
        events.insert(0, await record_group_created(session, record, calendar))
        # The very last step: numbering events serialises writers (dossiers/events.py).
        await record_events(session, events)
        return record

    return await with_fresh_codes(work, receiving)
