"""A merge's or split's preview and outcome, and scheduled merges, as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from documents.common.errors import DomainError
from documents.merges.checks import MergeError
from documents.merges.merging import MergePlan, SourcePreview
from documents.merges.scheduling import ScheduledMerge, ScheduleFailure, ScheduleStatus
from documents.merges.splitting import SplitPlan, TargetPreview
from schema.catalogue.agencies.types import AgencyType
from schema.core.enums import ErrorCode
from schema.core.errors import UserError, errors_from
from schema.core.global_ids import derived_id
from schema.core.reasons import ErrorReason

strawberry.enum(ScheduleStatus, name="ScheduledMergeStatus")


@strawberry.type(description="What a merge does to one source agency.")
class MergeSourcePreview:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the merge's sources, target and date, and this source's code."
    )
    agency_code: str = strawberry.field(description="The source agency.")
    moving: int = strawberry.field(
        description="Open dossiers whose handling agency or open step is this agency."
    )
    finished: int = strawberry.field(
        description="Finished dossiers that name this agency; they stay as they are."
    )
    referenced_only: int = strawberry.field(
        description="Open dossiers that name it only as history (receipt, earlier steps)."
    )
    moving_codes: list[str] = strawberry.field(description="The first 50 moving dossiers.")

    @classmethod
    def from_domain(cls, preview: SourcePreview, merge_key: str) -> MergeSourcePreview:
        return cls(
            id=derived_id("MergeSourcePreview", merge_key, preview.agency_code),
            agency_code=preview.agency_code,
            moving=preview.moving,
            finished=preview.finished,
            referenced_only=preview.referenced_only,
            moving_codes=preview.moving_codes,
        )


@strawberry.type(description="What a merge does (or did): the dossiers that move and stay.")
class MergePreview:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the merge's sources, target and effective date."
    )
    sources: list[MergeSourcePreview] = strawberry.field(
        description="Per source; a dossier naming two sources counts for both."
    )
    moving: int = strawberry.field(description="Open dossiers that move to the target.")
    finished: int = strawberry.field(description="Finished dossiers that name a source.")
    moving_children: list[str] = strawberry.field(
        description="Active agencies under a source, which move under the target."
    )

    @classmethod
    def from_plan(cls, plan: MergePlan) -> MergePreview:
        key = f"{','.join(sorted(plan.sources))}:{plan.target}:{plan.effective.isoformat()}"
        return cls(
            id=derived_id("MergePreview", key),
            sources=[MergeSourcePreview.from_domain(p, key) for p in plan.preview],
            moving=plan.moving,
            finished=plan.finished,
            moving_children=plan.moving_children,
        )


@strawberry.type(description="An agency mutation's error; `field` is the input at fault.")
class AgencyError(UserError):
    dossier_codes: list[str] = strawberry.field(
        default_factory=list,
        description="The dossiers at fault (unassigned by a split, or contradicting a "
        "back-dated change), the first 50.",
    )


def agency_errors(error: DomainError) -> list[AgencyError]:
    """Payload errors, with a merge refusal's stable reason and dossier codes."""
    if not isinstance(error, MergeError):
        return errors_from(AgencyError, error)
    return [
        AgencyError(
            field=error.field,
            message=error.message,
            code=ErrorCode(error.code),
            reason=ErrorReason(error.reason.value),
            dossier_codes=error.dossier_codes,
        )
    ]


@strawberry.type(description="Why a due merge was not applied, as a payload error would say it.")
class ScheduledMergeFailure:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the scheduled merge's id (one failure per merge)."
    )
    code: ErrorCode = strawberry.field(description="What went wrong, for programs.")
    reason: ErrorReason | None = strawberry.field(description="The merge rule it broke, if one.")
    message: str = strawberry.field(description="What went wrong, for people.")
    field: str | None = strawberry.field(description="The input field at fault, if any.")
    dossier_codes: list[str] = strawberry.field(
        description="The dossiers in the way, if any (the first 50)."
    )

    @classmethod
    def from_domain(cls, failure: ScheduleFailure, merge_id: str) -> ScheduledMergeFailure:
        return cls(
            id=derived_id("ScheduledMergeFailure", merge_id),
            code=ErrorCode(failure.code),
            reason=ErrorReason(failure.reason) if failure.reason else None,
            message=failure.message,
            field=failure.field,
            dossier_codes=failure.dossier_codes,
        )


@strawberry.type(
    name="ScheduledMerge", description="A merge set for a later moment, applied by the scheduler."
)
class ScheduledMergeType:
    id: strawberry.ID = strawberry.field(
        description="The scheduled merge's id: what `cancelScheduledMerge` takes."
    )
    sources: list[str] = strawberry.field(description="The codes of the agencies merged.")
    target: str = strawberry.field(description="The code of the agency they merge into.")
    new_target_name: str | None = strawberry.field(
        description="The target's new name, if it changes."
    )
    effective_date: date = strawberry.field(description="The day the merge takes effect.")
    applies_at: datetime = strawberry.field(description="When the scheduler applies it.")
    status: ScheduleStatus = strawberry.field(description="Where it stands.")
    scheduled_at: datetime = strawberry.field(description="When it was scheduled.")
    scheduled_by: str | None = strawberry.field(
        description="The id of the administrator who scheduled it."
    )
    finished_at: datetime | None = strawberry.field(
        description="When it was applied, failed or was cancelled."
    )
    failure: ScheduledMergeFailure | None = strawberry.field(
        description="Why it was not applied when due; nothing was changed."
    )
    moved: int | None = strawberry.field(description="Open dossiers moved when applied.")

    @classmethod
    def from_document(cls, merge: ScheduledMerge) -> ScheduledMergeType:
        return cls(
            id=strawberry.ID(str(merge.id)),
            sources=merge.sources,
            target=merge.target,
            new_target_name=(merge.new_target or {}).get("name"),
            effective_date=merge.effective_date,
            applies_at=merge.applies_at,
            status=merge.status,
            scheduled_at=merge.scheduled_at,
            scheduled_by=merge.scheduled_by,
            finished_at=merge.finished_at,
            failure=ScheduledMergeFailure.from_domain(merge.failure, str(merge.id))
            if merge.failure
            else None,
            moved=merge.moved,
        )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class MergeAgenciesPayload:
    preview: MergePreview | None = strawberry.field(
        default=None, description="What the merge does (dry run, scheduled) or did."
    )
    target: AgencyType | None = strawberry.field(
        default=None, description="The target; on a dry run, as it would be created."
    )
    scheduled: ScheduledMergeType | None = strawberry.field(
        default=None, description="Set when the merge's moment is ahead: stored, not applied."
    )
    errors: list[AgencyError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class CancelScheduledMergePayload:
    scheduled: ScheduledMergeType | None = strawberry.field(
        default=None,
        description="The scheduled merge as it is now; null when there are errors.",
    )
    errors: list[AgencyError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.type(description="What a split gives one target agency.")
class SplitTargetPreview:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the split's source, date, rule and targets, and this target."
    )
    agency_code: str = strawberry.field(description="The target agency.")
    moving: int = strawberry.field(description="Open dossiers that go to this target.")
    moving_codes: list[str] = strawberry.field(description="The first 50 of them.")

    @classmethod
    def from_domain(cls, preview: TargetPreview, split_key: str) -> SplitTargetPreview:
        return cls(
            id=derived_id("SplitTargetPreview", split_key, preview.agency_code),
            agency_code=preview.agency_code,
            moving=preview.moving,
            moving_codes=preview.moving_codes,
        )


@strawberry.type(description="What a split does (or did): the dossiers that move and stay.")
class SplitPreview:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the split's source, effective date, rule and targets."
    )
    targets: list[SplitTargetPreview] = strawberry.field(description="Per target agency.")
    moving: int = strawberry.field(description="Open dossiers that move.")
    finished: int = strawberry.field(description="Finished dossiers naming the source; stay.")
    referenced_only: int = strawberry.field(
        description="Open dossiers that name the source only as history; stay."
    )

    @classmethod
    def from_plan(cls, plan: SplitPlan) -> SplitPreview:
        asked = plan.request
        targets = ",".join(sorted(t.code for t in plan.targets))
        key = f"{asked.source}:{asked.effective.isoformat()}:{asked.rule.value}:{targets}"
        return cls(
            id=derived_id("SplitPreview", key),
            targets=[SplitTargetPreview.from_domain(p, key) for p in plan.preview],
            moving=plan.moving,
            finished=plan.finished,
            referenced_only=plan.referenced_only,
        )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class SplitAgencyPayload:
    preview: SplitPreview | None = strawberry.field(
        default=None, description="What the split does (dry run) or did."
    )
    source: AgencyType | None = strawberry.field(
        default=None,
        description="The split agency as it is now; null when there are errors.",
    )
    targets: list[AgencyType] = strawberry.field(
        default_factory=list, description="On a dry run, new ones as they would be created."
    )
    errors: list[AgencyError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
