"""What administrators send to merge agencies."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.merges.merging import NewAgency
from schema.core.enums import AgencyLevel
from schema.core.input_checks import NAME_MAX_LENGTH, text


@strawberry.input
class NewAgencyInput:
    name: str = text(NAME_MAX_LENGTH)
    level: AgencyLevel
    parent_code: str | None = None
    name_en: str | None = text(NAME_MAX_LENGTH, default=None)
    address: str | None = text(NAME_MAX_LENGTH, default=None)

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
