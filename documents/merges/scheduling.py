"""Scheduled merges: a merge whose moment is ahead is stored, then applied at that moment,
exactly once however many processes run the scheduler (docs/merges.md).

A merge is checked when it is scheduled (the same checks and preview as a dry run) and
again, in full, when it is applied. It is applied in one transaction that also turns it
from SCHEDULED to APPLIED, on the condition that it is still SCHEDULED: two processes
that both find it due conflict on that document, and the one that retries sees it
applied and does nothing. One whose checks fail when due is marked FAILED with the typed
reason, and nothing else changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import AgencyLevel
from documents.common.clock import fixed_time, utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.merges.checks import MergeError, NewAgency, Reason, refused
from documents.merges.merging import MergePlan, MergeResult, apply_merge, plan_merge

# Errors that say "not now", not "never": the merge stays scheduled for the next round.
_TRANSIENT = frozenset({ErrorCode.CONFLICT, ErrorCode.UNAVAILABLE, ErrorCode.IN_PROGRESS})


class ScheduleStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    APPLIED = "APPLIED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ScheduleFailure(BaseModel):
    """Why a due merge was not applied: its error, as a payload error would say it."""

    code: str
    reason: str | None = None
    message: str
    field: str | None = None
    dossier_codes: list[str] = Field(default_factory=list)


class ScheduledMerge(Document):
    sources: list[str]
    target: str
    new_target: dict[str, Any] | None = None
    effective_date: date
    applies_at: datetime
    # Whether an exact moment (`effectiveAt`) was asked for, rather than the day's start.
    exact_moment: bool = False
    status: Annotated[ScheduleStatus, Indexed()] = ScheduleStatus.SCHEDULED
    scheduled_at: datetime
    scheduled_by: str | None = None
    # When it was applied, failed or was cancelled, and by whom (cancellation).
    finished_at: datetime | None = None
    cancelled_by: str | None = None
    failure: ScheduleFailure | None = None
    moved: int | None = None

    class Settings:
        name = "scheduled_merges"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("status", ASCENDING), ("applies_at", ASCENDING)], name="due")
        ]

    def new_agency(self) -> NewAgency | None:
        if self.new_target is None:
            return None
        fields = {**self.new_target, "level": AgencyLevel(self.new_target["level"])}
        return NewAgency(**fields)

    @property
    def named(self) -> set[str]:
        return {*self.sources, self.target}


# Run inside the applying transaction (the API's worker writes the audit record there).
OnApplied = Callable[[AsyncClientSession, ScheduledMerge, MergeResult], Awaitable[None]]


class _AlreadyTakenError(Exception):
    """Another process applied, failed or someone cancelled it first."""


async def _refuse_overlaps(plan: MergePlan) -> None:
    """Two pending merges may not name the same agency, except an existing target they
    share: whichever applied second would meet an agency the first changed."""
    pending = await ScheduledMerge.find(
        {"status": ScheduleStatus.SCHEDULED.value},
    ).to_list()
    mine = {*plan.sources, plan.target}
    for other in pending:
        shared = (set(plan.sources) & other.named) | (set(other.sources) & mine)
        creating = plan.new_target is not None or other.new_target is not None
        if creating and plan.target == other.target:
            shared.add(plan.target)
        if shared:
            raise refused(
                Reason.ALREADY_SCHEDULED,
                f"a merge scheduled for {other.applies_at.isoformat()} already names "
                f"{', '.join(sorted(shared))}; cancel it first",
                "sources",
            )


async def schedule_merge(plan: MergePlan, actor: str | None = None) -> ScheduledMerge:
    """Store a checked merge whose moment is ahead (see `plan_merge`)."""
    now = utcnow()
    if plan.applies_at <= now:
        raise refused(Reason.NOT_SCHEDULED, "this merge is due now: apply it", "effectiveDate")
    await _refuse_overlaps(plan)
    scheduled = ScheduledMerge(
        sources=plan.sources,
        target=plan.target,
        new_target=dataclasses.asdict(plan.new_target) if plan.new_target else None,
        effective_date=plan.effective,
        applies_at=plan.applies_at,
        exact_moment=plan.exact_moment,
        scheduled_at=now,
        scheduled_by=actor,
    )
    await scheduled.insert()
    return scheduled


async def find_scheduled(merge_id: str) -> ScheduledMerge | None:
    if not PydanticObjectId.is_valid(merge_id):
        return None
    return await ScheduledMerge.get(PydanticObjectId(merge_id))


async def cancel_scheduled_merge(
    merge_id: str, actor: str | None = None
) -> tuple[ScheduledMerge, ScheduledMerge]:
    """Cancel a merge still SCHEDULED; returns it before and after."""
    before = await find_scheduled(merge_id)
    if before is None:
        raise not_found("scheduled merge", merge_id, "id")
    raw = await ScheduledMerge.get_pymongo_collection().find_one_and_update(
        {"_id": before.id, "status": ScheduleStatus.SCHEDULED.value},
        {
            "$set": {
                "status": ScheduleStatus.CANCELLED.value,
                "finished_at": utcnow(),
                "cancelled_by": actor,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if raw is None:
        current = await find_scheduled(merge_id) or before
        raise refused(Reason.NOT_SCHEDULED, f"this merge is {current.status.value.lower()}", "id")
    return before, ScheduledMerge.model_validate(raw)


async def scheduled_merges(
    status: ScheduleStatus | None = None, first: int = 50
) -> list[ScheduledMerge]:
    """Soonest first."""
    query = {} if status is None else {"status": status.value}
    return await ScheduledMerge.find(query).sort("+applies_at").limit(first).to_list()


def _failure(error: DomainError) -> ScheduleFailure:
    mine = error if isinstance(error, MergeError) else None
    return ScheduleFailure(
        code=error.code.value,
        reason=mine.reason.value if mine else None,
        message=error.message,
        field=error.field,
        dossier_codes=mine.dossier_codes if mine else [],
    )


async def _apply_one(
    scheduled: ScheduledMerge, hours: OfficeHours, on_applied: OnApplied | None
) -> ScheduledMerge | None:
    """Apply one due merge; returns it as stored afterwards (None: taken by another)."""
    collection = ScheduledMerge.get_pymongo_collection()

    async def claim(session: AsyncClientSession, result: MergeResult) -> None:
        done = {
            "status": ScheduleStatus.APPLIED.value,
            "finished_at": utcnow(),
            "moved": len(result.moved_codes),
        }
        claimed = await collection.update_one(
            {"_id": scheduled.id, "status": ScheduleStatus.SCHEDULED.value},
            {"$set": done},
            session=session,
        )
        if claimed.matched_count != 1:
            raise _AlreadyTakenError
        if on_applied is not None:
            applied = scheduled.model_copy(update={**done, "status": ScheduleStatus.APPLIED})
            await on_applied(session, applied, result)

    moment = scheduled.applies_at if scheduled.exact_moment else None
    try:
        plan = await plan_merge(
            scheduled.sources,
            scheduled.target,
            scheduled.effective_date,
            scheduled.new_agency(),
            moment,
        )
        await apply_merge(plan, scheduled.scheduled_by, hours=hours, after=claim)
    except _AlreadyTakenError:
        return None
    except DomainError as error:
        if error.code in _TRANSIENT:
            return None
        failed = await collection.find_one_and_update(
            {"_id": scheduled.id, "status": ScheduleStatus.SCHEDULED.value},
            {
                "$set": {
                    "status": ScheduleStatus.FAILED.value,
                    "finished_at": utcnow(),
                    "failure": _failure(error).model_dump(),
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if failed is None else ScheduledMerge.model_validate(failed)
    return await find_scheduled(str(scheduled.id))


async def apply_due_merges(
    hours: OfficeHours, now: datetime | None = None, on_applied: OnApplied | None = None
) -> list[ScheduledMerge]:
    """Apply every merge due by `now` (the current time if None), soonest first; returns
    those this call applied or marked failed. `now` sets the clock for the whole round,
    so a test or a late run applies a merge as of that moment."""
    if now is None:
        return await _due(hours, on_applied)
    with fixed_time(now):
        return await _due(hours, on_applied)


async def _due(hours: OfficeHours, on_applied: OnApplied | None) -> list[ScheduledMerge]:
    query = {"status": ScheduleStatus.SCHEDULED.value, "applies_at": {"$lte": utcnow()}}
    due = await ScheduledMerge.find(query).sort("+applies_at").to_list()
    done = []
    for scheduled in due:
        outcome = await _apply_one(scheduled, hours, on_applied)
        if outcome is not None:
            done.append(outcome)
    return done
