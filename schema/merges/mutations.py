"""Merging agencies, for system administrators (rules in documents/merges/merging.py)."""

from __future__ import annotations

import strawberry

from documents.access.policy import AdminArea
from documents.common.errors import DomainError
from documents.merges.merging import apply_merge, plan_merge
from schema.catalogue.agencies.types import AgencyType
from schema.core.context import Info
from schema.core.errors import errors_from
from schema.core.permissions import require_admin
from schema.merges.inputs import MergeAgenciesInput
from schema.merges.types import AgencyError, MergeAgenciesPayload, MergePreview


@strawberry.type
class AgencyMutations:
    @strawberry.mutation(
        description="Merge agencies into one from an effective date: open dossiers move to "
        "the target, finished ones and every code and event stay as they were."
    )
    async def merge_agencies(
        self, info: Info, input: MergeAgenciesInput, dry_run: bool = False
    ) -> MergeAgenciesPayload:
        await require_admin(info, AdminArea.AGENCIES)
        new_target = input.new_target.to_domain() if input.new_target else None
        try:
            plan = await plan_merge(input.sources, input.target, input.effective_date, new_target)
            if dry_run:
                return MergeAgenciesPayload(
                    preview=MergePreview.from_plan(plan),
                    target=AgencyType.from_document(plan.target_agency),
                )
            result = await apply_merge(plan, actor=info.context.principal.subject)
        except DomainError as error:
            return MergeAgenciesPayload(errors=errors_from(AgencyError, error))
        for change in result.changes:
            info.context.audit.change("agency", change.after.code, change.before, change.after)
        return MergeAgenciesPayload(
            preview=MergePreview.from_plan(result.plan),
            target=AgencyType.from_document(result.target),
        )
