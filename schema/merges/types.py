"""A merge's preview and outcome, as GraphQL types."""

from __future__ import annotations

import strawberry

from documents.merges.merging import MergePlan, SourcePreview
from schema.catalogue.agencies.types import AgencyType
from schema.core.errors import UserError


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
