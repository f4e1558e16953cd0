"""The officer and applicant actions on a dossier, each a rule run by `perform`; the
supplement actions are in `supplementing`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import resolve_current
from documents.catalogue.forms.validation import guard_data
from documents.common.clock import local_date
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType
from documents.dossiers.parts import Apology, PaymentStatus, StepRecord
from documents.papers.repository import accepted_papers
from documents.workflow.processing import Act, Change, close_current_step, perform
from documents.workflow.supplementing import request_supplement, supplement
from documents.workflow.transitions import Action

# The supplement actions live in `supplementing`; callers find every action here.
__all__ = [
    "Decision",
    "accept",
    "assign",
    "hand_over",
    "issue_apology",
    "record_result",
    "refuse",
    "request_supplement",
    "return_result",
    "stop_processing",
    "supplement",
    "withdraw",
]


class Decision(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


def _required_text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError(ErrorCode.VALIDATION_FAILED, f"{what} is required", field)
    return text


async def accept(
    code: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    async def rule(act: Act) -> Change:
        act.dossier.accepted_at = act.now
        # The accepted papers go to the applicant's e-data repository, atomically.
        act.writes.append(await accepted_papers(act.dossier, act.procedure, act.now))
        return EventType.ACCEPTED, {}

    return await perform(code, Action.ACCEPT, rule, actor, hours=hours, at=at)


async def refuse(
    code: str, reason: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    text = _required_text(reason, "reason", "a reason for refusing")

    async def rule(act: Act) -> Change:
        act.dossier.reason = text
        return EventType.REFUSED, {"reason": text}

    return await perform(code, Action.REFUSE, rule, actor, hours=hours, at=at)


async def assign(
    code: str, user: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    assignee = _required_text(user, "user", "the user to assign")

    async def rule(act: Act) -> Change:
        act.dossier.assignee = assignee
        if act.dossier.steps:
            act.dossier.steps[-1].assignee = assignee
        return EventType.ASSIGNED, {"user": assignee, "step": act.dossier.current_step}

    return await perform(code, Action.ASSIGN, rule, actor, hours=hours, at=at)


async def hand_over(
    code: str,
    to_step: str,
    actor: Actor,
    *,
    to_agency: str | None = None,
    to_user: str | None = None,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """Give the dossier to the next step: the giving and receiving agency and user and
    the time are recorded on the process control slip."""

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        step = next((s for s in act.procedure.steps if s.key == to_step), None)
        if step is None:
            raise not_found("step", to_step, "toStep")
        named = to_agency or step.agency_code or dossier.handling_agency_code
        # A step's agency may have been merged since the procedure was written.
        agency = (await resolve_current(named, field="toAgency")).code
        giver = dossier.steps[-1] if dossier.steps else None
        from_agency = giver.agency_code if giver else dossier.receiving_agency_code
        from_user = act.actor.user or (giver.assignee if giver else None)
        close_current_step(dossier, act.now)
        dossier.steps.append(
            StepRecord(
                step_key=step.key,
                step_name=step.name,
                role=step.role,
                agency_code=agency,
                assignee=to_user,
                from_agency_code=from_agency,
                from_user=from_user,
                received_at=act.now,
                due_at=act.calendar.deadline(act.now, step.working_days, step.working_hours),
            )
        )
        dossier.current_step, dossier.assignee = step.key, to_user
        return EventType.HANDED_OVER, {
            "fromStep": giver.step_key if giver else None,
            "toStep": step.key,
            "fromAgency": from_agency,
            "fromUser": from_user,
            "toAgency": agency,
            "toUser": to_user,
        }

    return await perform(code, Action.HAND_OVER, rule, actor, hours=hours, at=at)


async def record_result(
    code: str,
    decision: Decision,
    note: str | None,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
    result_data: Any = None,  # anything a client sent: checked to be a JSON object
) -> Dossier:
    """Approve (the result is ready) or reject (resolution denied, with a reason). An
    approval may carry the result's data (e.g. the certificate number), which fills the
    group members waiting for it (docs/groups.md)."""
    if decision is Decision.REJECT:
        text: str | None = _required_text(note or "", "note", "a reason for rejecting")
        if result_data is not None:
            raise DomainError(
                ErrorCode.VALIDATION_FAILED, "only an approval has result data", "resultData"
            )
    else:
        text = note
    data: dict[str, Any] | None = None
    if result_data is not None:
        try:
            guard_data(result_data)
        except DomainError as error:
            raise DomainError(error.code, error.message, "resultData") from None
        data = result_data

    async def rule(act: Act) -> Change:
        act.dossier.reason = text
        if data is not None:
            act.dossier.result_data = data
        kind = EventType.APPROVED if decision is Decision.APPROVE else EventType.REJECTED
        return kind, {"note": text}

    action = Action.APPROVE if decision is Decision.APPROVE else Action.REJECT
    return await perform(code, action, rule, actor, hours=hours, at=at)


async def return_result(
    code: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    async def rule(act: Act) -> Change:
        dossier = act.dossier
        must_pay = act.procedure.fee.required_before_return
        if must_pay and dossier.payment_status is PaymentStatus.UNPAID:
            raise DomainError(
                ErrorCode.PAYMENT_REQUIRED,
                f"the fee of {dossier.fee_due} VND must be paid before the result is returned",
                "code",
            )
        dossier.returned_at = act.now
        close_current_step(dossier, act.now)
        return EventType.RESULT_RETURNED, {}

    return await perform(code, Action.RETURN_RESULT, rule, actor, hours=hours, at=at)


async def withdraw(
    code: str, reason: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    text = _required_text(reason, "reason", "a reason for withdrawing")

    async def rule(act: Act) -> Change:
        act.dossier.reason = text
        return EventType.WITHDRAWN, {"reason": text}

    return await perform(code, Action.WITHDRAW, rule, actor, hours=hours, at=at)


async def stop_processing(
    code: str, reason: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    """Mẫu 05, the notice that processing is stopped: the dossier ends without a
    decision, its clock stops for good, and the reason is told to the applicant."""
    text = _required_text(reason, "reason", "a reason for stopping")

    async def rule(act: Act) -> Change:
        act.dossier.reason = text
        return EventType.PROCESSING_STOPPED, {"reason": text}

    return await perform(code, Action.STOP_PROCESSING, rule, actor, hours=hours, at=at)


async def issue_apology(
    code: str,
    reason: str,
    new_appointment: date,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """Mẫu 04, the apology letter with a request to extend the time: once per dossier,
    at the latest one working day before the original deadline, with the reason and a
    new appointment on a later working day; it records the extension asked for."""
    text = _required_text(reason, "reason", "the reason for the delay")

    async def rule(act: Act) -> Change:
        dossier, calendar = act.dossier, act.calendar
        if dossier.apology is not None:
            raise DomainError(
                ErrorCode.APOLOGY_NOT_ALLOWED, "an apology was already issued", "code"
            )
        days_left = calendar.working_days_between(local_date(act.now), local_date(dossier.due_at))
        if days_left < 1:
            raise DomainError(
                ErrorCode.APOLOGY_NOT_ALLOWED,
                "an apology must be issued at least one working day before the deadline",
                "code",
            )
        if not calendar.is_working_day(new_appointment):
            raise DomainError(
                ErrorCode.VALIDATION_FAILED,
                "the new appointment must be a working day",
                "newAppointment",
            )
        appointment = calendar.closing_time(new_appointment)
        if appointment <= dossier.appointment_at:
            raise DomainError(
                ErrorCode.VALIDATION_FAILED,
                "the new appointment must be later than the current one",
                "newAppointment",
            )
        previous = dossier.appointment_at
        extra = calendar.working_days_between(local_date(previous), new_appointment)
        dossier.apology = Apology(
            issued_at=act.now,
            issued_by=act.actor.user,
            reason=text,
            new_appointment_at=appointment,
            previous_appointment_at=previous,
            extra_working_days=extra,
        )
        dossier.appointment_at = appointment
        return EventType.APOLOGY_ISSUED, {
            "reason": text,
            "previousAppointment": previous.isoformat(),
            "newAppointment": appointment.isoformat(),
            "extraWorkingDays": extra,
        }

    return await perform(code, Action.ISSUE_APOLOGY, rule, actor, hours=hours, at=at)
