"""The merge scheduler: every API process applies the scheduled merges that are due,
each exactly once (documents/merges/scheduling.py), and records them in the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.client_session import AsyncClientSession

from api.settings import Settings
from api.workers.periodic import Periodic
from documents.access.audit import AdminChange, AuditRecord
from documents.calendar.working_calendar import OfficeHours
from documents.merges.merging import MergeResult
from documents.merges.scheduling import ScheduledMerge, ScheduleStatus, apply_due_merges

# Who the audit log names for what the scheduler does.
ACTOR_KIND = "SCHEDULER"
OPERATION = "applyScheduledMerge"


def _state(model: BaseModel | None) -> dict[str, Any] | None:
    return model.model_dump(mode="json", exclude={"revision_id"}) if model else None


def _scheduled_change(merge: ScheduledMerge) -> AdminChange:
    before = merge.model_copy(update={"status": ScheduleStatus.SCHEDULED})
    return AdminChange(
        target="scheduledMerge", key=str(merge.id), before=_state(before), after=_state(merge)
    )


async def record_applied(
    session: AsyncClientSession, merge: ScheduledMerge, result: MergeResult
) -> None:
    """In the applying transaction: the audit record commits with the merge, or neither."""
    changes = [_scheduled_change(merge)]
    for change in result.changes:
        changes.append(
            AdminChange(
                target="agency",
                key=change.after.code,
                before=_state(change.before),
                after=_state(change.after),
            )
        )
    await AuditRecord(
        actor_kind=ACTOR_KIND,
        actor=merge.scheduled_by,
        operations=[OPERATION],
        targets=[f"{c.target}:{c.key}" for c in changes],
        changes=changes,
    ).insert(session=session)


async def record_failed(merge: ScheduledMerge) -> None:
    failure = merge.failure
    where = f" at {failure.field}" if failure and failure.field else ""
    await AuditRecord(
        actor_kind=ACTOR_KIND,
        actor=merge.scheduled_by,
        operations=[OPERATION],
        targets=[f"scheduledMerge:{merge.id}"],
        succeeded=False,
        errors=[f"{failure.code if failure else 'ERROR'}{where}"],
        changes=[_scheduled_change(merge)],
    ).insert()


async def apply_due(hours: OfficeHours) -> int:
    """One round: apply what is due; returns how many were applied or failed."""
    done = await apply_due_merges(hours, on_applied=record_applied)
    for merge in done:
        if merge.status is ScheduleStatus.FAILED:
            await record_failed(merge)
    return len(done)


class MergeScheduler:
    """Runs `apply_due` every `merge_scheduler_seconds`."""

    def __init__(self, settings: Settings) -> None:
        hours = settings.office_hours
        self.rounds = Periodic(
            "merge scheduler",
            settings.merge_scheduler_seconds,
            lambda: apply_due(hours),
            max_backoff=settings.worker_max_backoff_seconds,
        )

    async def start(self) -> None:
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.stop()
