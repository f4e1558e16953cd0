"""Supplements: asking the applicant for what is missing (Mẫu 02 of Circular
03/2025/TT-VPCP), at reception or during processing, and the applicant's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.validation import ensure_valid
from documents.common.clock import local_date
from documents.common.errors import DomainError, ErrorCode, invalid_input, not_found
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType
from documents.dossiers.parts import SupplementItem, SupplementRound
from documents.workflow.processing import Act, Change, perform
from documents.workflow.transitions import Action, answering_supplement, requesting_supplement


async def request_supplement(
    code: str,
    items: list[dict[str, str]],
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """Everything missing or wrong is listed at once; the clock stops until it arrives.
    Before acceptance the round is asked at reception (Mẫu 02), once per dossier."""
    if not items:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "list every missing or incorrect item", "items"
        )
    try:
        wanted = [SupplementItem(**item) for item in items]
    except ValidationError as error:
        raise invalid_input(error, "items") from None

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        asked = requesting_supplement(dossier.status)
        at_reception = asked is Action.REQUEST_SUPPLEMENT_AT_RECEPTION
        # Reception lists everything at once: it asks once. A round opened at submission
        # by a failed database look-up (Resolution 66.7/2025) was not reception's asking.
        asked_before = [r for r in dossier.supplements if r.requested_at > dossier.received_at]
        if at_reception and any(r.at_reception for r in asked_before):
            raise DomainError(
                ErrorCode.ILLEGAL_TRANSITION,
                f"cannot ask again at reception a dossier that is {dossier.status.value}: "
                "everything missing is listed at once; accept or refuse it",
                "status",
            )
        dossier.supplements.append(
            SupplementRound(
                requested_at=act.now,
                requested_by=act.actor.user,
                items=wanted,
                at_reception=at_reception,
            )
        )
        listed = [item.model_dump() for item in wanted]
        return EventType.SUPPLEMENT_REQUESTED, {
            "round": len(dossier.supplements),
            "items": listed,
            "atReception": at_reception,
        }

    def action(dossier: Dossier) -> Action:
        return requesting_supplement(dossier.status)

    return await perform(code, action, rule, actor, hours=hours, at=at)


async def supplement(
    code: str,
    data: Any,
    note: str | None,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """The applicant's answer: `data` is merged into the form data and validated
    against the pinned form version; the deadline moves by the paused working days.
    A round asked at reception returns the dossier to RECEIVED, one asked during
    processing to IN_PROGRESS (the transition table)."""

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        if not isinstance(data, dict):
            raise DomainError(ErrorCode.VALIDATION_FAILED, "data must be a JSON object", "data")
        merged = {**dossier.data, **data}
        form = await FormSchema.find_one(
            FormSchema.key == dossier.form_key, FormSchema.version == dossier.form_version
        )
        if form is None:
            raise not_found("form", f"{dossier.form_key} v{dossier.form_version}", "data")
        ensure_valid(form.json_schema, merged)
        current = dossier.supplements[-1]
        calendar = act.calendar
        paused = calendar.working_days_between(
            local_date(current.requested_at), local_date(act.now)
        )
        current.supplemented_at, current.note = act.now, note
        current.paused_working_days = paused
        dossier.data = merged
        dossier.paused_working_days += paused
        dossier.due_at = calendar.postpone(dossier.due_at, paused)
        dossier.appointment_at = calendar.postpone(dossier.appointment_at, paused)
        if dossier.steps and dossier.steps[-1].finished_at is None:
            step = dossier.steps[-1]
            step.due_at = calendar.postpone(step.due_at, paused)
        return EventType.SUPPLEMENTED, {
            "round": len(dossier.supplements),
            "pausedWorkingDays": paused,
            "fields": sorted(data),
            "note": note,
            "atReception": current.at_reception,
        }

    return await perform(code, answering_supplement, rule, actor, hours=hours, at=at)
