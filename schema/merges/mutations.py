"""Merging agencies, for system administrators (rules in documents/merges/merging.py)."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.access.policy import AdminArea
from documents.common.errors import DomainError
from documents.merges.merging import MergePlan, NewAgency, SourcePreview, apply_merge, plan_merge
from schema.catalogue.agencies.types import AgencyType
from schema.core.context import Info
from schema.core.enums import AgencyLevel
from schema.core.errors import UserError, errors_from
from schema.core.permissions import require_admin


@strawberry.input
class NewAgencyInput:
    name: str
    level: AgencyLevel
    parent_code: str | None = None
    name_en: str | None = None
    address: str | None = None

    def to_domain(self) -> NewAgency:
        return NewAgency(self.name, self.level, self.parent_code, self.name_en, self.address)


@strawberry.input
class MergeAgenciesInput:
    sources: list[str] = strawberry.field(
        description="The agencies that stop existing. The target may be named among "
        "them (A and B into A): it remains and is not merged."
    )
    target: str = strawberry.field(description="The code of the agency they become.")
    new_target: NewAgencyInput | None = strawberry.field(
        default=None, description="Create the target with this code; it must not exist."
    )
    effective_date: date = strawberry.field(
        description="From this day submissions at a source get the target's codes; "
        "not later than today."
    )


@strawberry.type
class MergeSourcePreview:
    agency_code: str
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
    def from_domain(cls, preview: SourcePreview) -> MergeSourcePreview:
        return cls(
            agency_code=preview.agency_code,
            moving=preview.moving,
            finished=preview.finished,
            referenced_only=preview.referenced_only,
            moving_codes=preview.moving_codes,
        )


@strawberry.type
class MergePreview:
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
        return cls(
            sources=[MergeSourcePreview.from_domain(p) for p in plan.preview],
            moving=plan.moving,
            finished=plan.finished,
            moving_children=plan.moving_children,
        )


@strawberry.type
class AgencyError(UserError):
    pass


@strawberry.type
class MergeAgenciesPayload:
    preview: MergePreview | None = strawberry.field(
        default=None, description="What the merge does (dry run) or did."
    )
    target: AgencyType | None = strawberry.field(
        default=None, description="The target; on a dry run, as it would be created."
    )
    errors: list[AgencyError] = strawberry.field(default_factory=list)


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
