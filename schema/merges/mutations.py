"""Merging (now or scheduled) and splitting agencies, for system administrators (rules in
documents/merges/)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.access.policy import AdminArea
from documents.common.clock import utcnow
from documents.common.errors import DomainError
from documents.merges.merging import apply_merge, plan_merge
from documents.merges.scheduling import cancel_scheduled_merge, schedule_merge
from documents.merges.splitting import apply_split, plan_split
from schema.catalogue.agencies.types import AgencyType
from schema.core.context import Info
from schema.core.permissions import require_admin
from schema.merges.inputs import MergeAgenciesInput, SplitAgencyInput
from schema.merges.types import (
    CancelScheduledMergePayload,
    MergeAgenciesPayload,
    MergePreview,
    ScheduledMergeType,
    SplitAgencyPayload,
    SplitPreview,
    agency_errors,
)

_AUDIT_TARGET = "scheduledMerge"


@strawberry.type
class AgencyMutations:
    @strawberry.mutation(
        description="Merge agencies into one from an effective date: open dossiers move to "
        "the target, finished ones and every code and event stay as they were. A merge "
        "whose moment is ahead is checked now and scheduled."
    )
    async def merge_agencies(
        self,
        info: Info,
        input: Annotated[
            MergeAgenciesInput,
            strawberry.argument(description="The sources, the target and the effective date."),
        ],
        dry_run: Annotated[
            bool, strawberry.argument(description="Only check and preview; change nothing.")
        ] = False,
    ) -> MergeAgenciesPayload:
        await require_admin(info, AdminArea.AGENCIES)
        new_target = input.new_target.to_domain() if input.new_target else None
        actor = info.context.principal.subject
        try:
            plan = await plan_merge(
                input.sources, input.target, input.effective_date, new_target, input.effective_at
            )
            preview, target = (
                MergePreview.from_plan(plan),
                AgencyType.from_document(plan.target_agency),
            )
            if dry_run:
                return MergeAgenciesPayload(preview=preview, target=target)
            if plan.applies_at > utcnow():
                scheduled = await schedule_merge(plan, actor)
                info.context.audit.change(_AUDIT_TARGET, str(scheduled.id), None, scheduled)
                return MergeAgenciesPayload(
                    preview=preview,
                    target=target,
                    scheduled=ScheduledMergeType.from_document(scheduled),
                )
            result = await apply_merge(plan, actor, hours=info.context.office_hours)
        except DomainError as error:
            return MergeAgenciesPayload(errors=agency_errors(error))
        for change in result.changes:
            info.context.audit.change("agency", change.after.code, change.before, change.after)
        return MergeAgenciesPayload(
            preview=MergePreview.from_plan(result.plan),
            target=AgencyType.from_document(result.target),
        )

    @strawberry.mutation(description="Cancel a merge that is still scheduled.")
    async def cancel_scheduled_merge(
        self, info: Info, id: strawberry.ID
    ) -> CancelScheduledMergePayload:
        await require_admin(info, AdminArea.AGENCIES)
        try:
            before, after = await cancel_scheduled_merge(str(id), info.context.principal.subject)
        except DomainError as error:
            return CancelScheduledMergePayload(errors=agency_errors(error))
        info.context.audit.change(_AUDIT_TARGET, str(after.id), before, after)
        return CancelScheduledMergePayload(scheduled=ScheduledMergeType.from_document(after))

    @strawberry.mutation(
        description="Split an agency among several, from an effective date not later than "
        "today: its open dossiers are distributed by the rule, and it ends."
    )
    async def split_agency(
        self,
        info: Info,
        input: Annotated[
            SplitAgencyInput,
            strawberry.argument(
                description="The agency to split, the targets, the rule and the date."
            ),
        ],
        dry_run: Annotated[
            bool, strawberry.argument(description="Only check and preview; change nothing.")
        ] = False,
    ) -> SplitAgencyPayload:
        await require_admin(info, AdminArea.AGENCIES)
        try:
            plan = await plan_split(input.to_domain())
            if not dry_run:
                result = await apply_split(
                    plan, info.context.principal.subject, hours=info.context.office_hours
                )
                plan = result.plan
                for change in result.changes:
                    info.context.audit.change(
                        "agency", change.after.code, change.before, change.after
                    )
        except DomainError as error:
            return SplitAgencyPayload(errors=agency_errors(error))
        return SplitAgencyPayload(
            preview=SplitPreview.from_plan(plan),
            source=AgencyType.from_document(plan.source),
            targets=[AgencyType.from_document(t) for t in plan.targets],
        )
