"""Administrative procedures (thủ tục hành chính) from the catalogue."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed
from pydantic import BaseModel, Field, model_validator

from documents.common.tolerant import readable


class OfficerRole(StrEnum):
    RECEPTION = "RECEPTION"
    SPECIALIST = "SPECIALIST"
    LEADER = "LEADER"


class ProcedureStep(BaseModel):
    """One step of the procedure's workflow, with its allowance in working days."""

    key: str
    name: str
    role: OfficerRole
    # None means "the dossier's handling agency".
    agency_code: str | None = None
    working_days: int = Field(ge=0)


class FeeKind(StrEnum):
    NONE = "NONE"
    FIXED = "FIXED"
    TABLE = "TABLE"


class FeeRow(BaseModel):
    """When the form field named by the schedule equals `value`, the fee is `amount`."""

    value: str
    amount: int = Field(ge=0)


class FeeSchedule(BaseModel):
    """Phí, lệ phí: zero, a fixed amount, or a small table keyed by one form field."""

    kind: FeeKind = FeeKind.NONE
    amount: int = Field(default=0, ge=0)
    field: str | None = None
    rows: list[FeeRow] = Field(default_factory=list)
    required_before_return: bool = False


class ResultReuse(BaseModel):
    """A slot that an earlier result fills: the applicant's newest result of this type
    from their e-data repository, issued at most `max_age_days` ago and still valid."""

    result_type: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    max_age_days: int = Field(ge=1)


class NationalDatabase(StrEnum):
    """A published national database whose data replaces a paper (Resolution 66.7/2025)."""

    POPULATION = "POPULATION"


class RequiredPaper(BaseModel):
    """A paper slot of the dossier (thành phần hồ sơ)."""

    slot: str
    name: str
    originals: int = Field(default=1, ge=0)
    copies: int = Field(default=0, ge=0)
    optional: bool = False
    satisfied_by_result: ResultReuse | None = None
    # Never asked for: a lookup in this database stands in for it (docs/population.md).
    satisfied_by_database: NationalDatabase | None = None


class AuthorityRule(StrEnum):
    """How the competent authority of a dossier is found (docs/routing.md)."""

    RECEIVING_AGENCY = "RECEIVING_AGENCY"
    APPLICANT_RESIDENCE = "APPLICANT_RESIDENCE"
    OBJECT_LOCATION = "OBJECT_LOCATION"
    FIXED = "FIXED"


class CompetentAuthority(BaseModel):
    """`field` (APPLICANT_RESIDENCE, OBJECT_LOCATION) is a dotted path into the form data
    holding an administrative-unit code; `agency_code` (FIXED) names the agency."""

    rule: AuthorityRule = AuthorityRule.RECEIVING_AGENCY
    field: str | None = None
    agency_code: str | None = None


class Procedure(Document):
    code: Annotated[str, Indexed(unique=True)]
    name: str
    name_en: str | None = None
    field: Annotated[str, Indexed()]
    processing_days: int = Field(ge=0)
    form_key: Annotated[str, Indexed()]
    agency_codes: Annotated[list[str], Indexed()] = Field(default_factory=list)
    steps: list[ProcedureStep] = Field(default_factory=list)
    fee: FeeSchedule = Field(default_factory=FeeSchedule)
    required_papers: list[RequiredPaper] = Field(default_factory=list)
    result_place: str | None = None
    active: bool = True
    competent_authority: CompetentAuthority = Field(default_factory=CompetentAuthority)

    @model_validator(mode="after")
    def _steps_add_up(self) -> Procedure:
        if self.steps and sum(s.working_days for s in self.steps) != self.processing_days:
            raise ValueError("the steps' working days must add up to the processing time")
        return self

    class Settings:
        name = "procedures"


async def all_procedures(field: str | None = None) -> list[Procedure]:
    query = Procedure.find(Procedure.field == field) if field else Procedure.find_all()
    return await readable(query.sort("+code"))  # an unreadable one is skipped, counted
