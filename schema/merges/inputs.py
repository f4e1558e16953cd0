"""What administrators send to merge and split agencies."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from documents.merges.checks import NewAgency
from documents.merges.distributing import SplitRule
from documents.merges.splitting import SplitRequest, SplitTarget
from schema.core.enums import AgencyLevel
from schema.core.input_checks import NAME_MAX_LENGTH, text

strawberry.enum(
    SplitRule, description="How a split agency's open dossiers are distributed among the targets."
)


@strawberry.input(description="An agency a merge or split creates.")
class NewAgencyInput:
    name: str = text(NAME_MAX_LENGTH)
    level: AgencyLevel = strawberry.field(description="Where it stands in the tree.")
    parent_code: str | None = None
    name_en: str | None = text(NAME_MAX_LENGTH, default=None)
    address: str | None = text(NAME_MAX_LENGTH, default=None)
    unit_code: str | None = strawberry.field(
        default=None, description="A commune's, ward's or special zone's unit code."
    )
    serves_code: str | None = strawberry.field(
        default=None, description="A service point: the commune or ward agency it serves."
    )

    def to_domain(self) -> NewAgency:
        return NewAgency(
            self.name,
            self.level,
            self.parent_code,
            self.name_en,
            self.address,
            self.unit_code,
            self.serves_code,
        )


@strawberry.input(description="Which agencies merge into which, and when.")
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
        description="From this day submissions at a source get the target's codes. A day "
        "after today schedules the merge for 00:00 Hà Nội time that day."
    )
    effective_at: datetime | None = strawberry.field(
        default=None,
        description="The moment to apply the merge, on the effective date (Hà Nội time); "
        "still ahead, the merge is scheduled for it.",
    )


@strawberry.input(description="An agency a split gives dossiers to.")
class SplitTargetInput:
    code: str = strawberry.field(description="An existing agency, or the code of a new one.")
    new_agency: NewAgencyInput | None = strawberry.field(
        default=None, description="Create this target; the code must not exist."
    )


@strawberry.input(description="Which target one dossier goes to (BY_LIST).")
class DossierAssignmentInput:
    dossier_code: str
    target: str = strawberry.field(description="One of the split's targets.")


@strawberry.input(description="Which agency splits among which, by which rule, and when.")
class SplitAgencyInput:
    source: str = strawberry.field(description="The agency that is split and ends.")
    targets: list[SplitTargetInput] = strawberry.field(description="At least two.")
    rule: SplitRule = strawberry.field(description="How its open dossiers are distributed.")
    effective_date: date = strawberry.field(description="Not later than today.")
    assignments: list[DossierAssignmentInput] = strawberry.field(
        default_factory=list, description="BY_LIST: where each open dossier goes."
    )
    default_target: str | None = strawberry.field(
        default=None, description="Where a dossier the rule does not place goes."
    )

    def to_domain(self) -> SplitRequest:
        return SplitRequest(
            source=self.source,
            targets=[
                SplitTarget(t.code, t.new_agency.to_domain() if t.new_agency else None)
                for t in self.targets
            ],
            rule=self.rule,
            effective=self.effective_date,
            assignments={a.dossier_code.strip(): a.target.strip() for a in self.assignments},
            default_target=self.default_target.strip() if self.default_target else None,
        )
