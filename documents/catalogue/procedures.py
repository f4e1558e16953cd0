"""Administrative procedures (thủ tục hành chính) from the catalogue."""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Annotated, Literal

from beanie import Document, Indexed
from pydantic import BaseModel, Field, field_validator, model_validator

from documents.calendar.time_rules import TimeRules
from documents.common.tolerant import readable


class OfficerRole(StrEnum):
    RECEPTION = "RECEPTION"
    SPECIALIST = "SPECIALIST"
    LEADER = "LEADER"


class ProcedureStep(BaseModel):
    """One step of the procedure's workflow, with its allowance in working days (or hours)."""

    key: str
    name: str
    role: OfficerRole
    # None means "the dossier's handling agency".
    agency_code: str | None = None
    working_days: int = Field(ge=0)
    # Set (and working_days 0) exactly when the procedure counts in hours (docs/workflow.md).
    working_hours: int | None = Field(default=None, ge=0, le=10_000)


class FeeKind(StrEnum):
    NONE = "NONE"
    FIXED = "FIXED"
    TABLE = "TABLE"


class FeeRow(BaseModel):
    """When the form field named by the schedule equals `value`, the fee is `amount`."""

    value: str
    amount: int = Field(ge=0)


class FeeLine(BaseModel):
    """One line of a fixed fee's breakdown on the payment order (docs/payments.md):
    a phí (FEE) or a lệ phí (CHARGE)."""

    kind: Literal["FEE", "CHARGE"] = "CHARGE"
    label: str = Field(min_length=1, max_length=300)
    amount: int = Field(ge=0)


class FeeSchedule(BaseModel):
    """Phí, lệ phí: zero, a fixed amount, or a small table keyed by one form field."""

    kind: FeeKind = FeeKind.NONE
    amount: int = Field(default=0, ge=0)
    field: str | None = None
    rows: list[FeeRow] = Field(default_factory=list)
    required_before_return: bool = False
    # The breakdown of `amount` into fee and charge lines; empty: one CHARGE line.
    lines: list[FeeLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lines_add_up(self) -> FeeSchedule:
        if self.lines and (
            self.kind is not FeeKind.FIXED or sum(x.amount for x in self.lines) != self.amount
        ):
            raise ValueError("fee lines break down a FIXED amount and add up to it")
        return self


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


class OnlineService(StrEnum):
    """How much of the procedure can be done online (Decision 766's "toàn trình" and
    "một phần" online public services; docs/scoreboard.md)."""

    FULL = "FULL"  # submission, payment and result all online
    PARTIAL = "PARTIAL"  # submitted online, but something needs a visit
    NONE = "NONE"


class CompetentAuthority(BaseModel):
    """`field` (APPLICANT_RESIDENCE, OBJECT_LOCATION) is a dotted path into the form data
    holding an administrative-unit code; `agency_code` (FIXED) names the agency."""

    rule: AuthorityRule = AuthorityRule.RECEIVING_AGENCY
    field: str | None = Field(default=None, max_length=200, pattern=r"^\w+(\.\w+)*$")
    agency_code: str | None = Field(default=None, min_length=1, max_length=50)

    @model_validator(mode="after")
    def _rule_has_what_it_reads(self) -> CompetentAuthority:
        """Each rule names exactly what it reads (documents/catalogue/authority.py)."""
        by_field = self.rule in {AuthorityRule.APPLICANT_RESIDENCE, AuthorityRule.OBJECT_LOCATION}
        if by_field != (self.field is not None):
            raise ValueError(f"field is {'required' if by_field else 'not used'} for {self.rule}")
        fixed = self.rule is AuthorityRule.FIXED
        if fixed != (self.agency_code is not None):
            raise ValueError(f"agencyCode is {'required' if fixed else 'not used'} for {self.rule}")
        return self


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
    # More supplement rounds than this make a finished dossier LATE; None: rounds never
    # do (the default until a legal basis is cited: docs/workflow.md, "The clock").
    late_after_supplement_rounds: int | None = Field(default=None, ge=1)
    online_service: OnlineService = OnlineService.PARTIAL
    # Counted in working hours instead of days (processing_days 0); 0 or None: in days.
    processing_hours: int | None = Field(default=None, ge=0, le=10_000)
    # Its own cut-off and office hours; None: the deployment's (docs/workflow.md).
    time_rules: TimeRules | None = None
    # The identity-assurance level (VNeID level 2, docs/integrations.md "Identity") an
    # applicant must have proved to submit online; None: any signed-in applicant.
    requires_identity_level: int | None = Field(default=None, ge=1, le=2)

    @field_validator("processing_hours")
    @classmethod
    def _zero_hours_means_days(cls, value: int | None) -> int | None:
        return value or None

    @model_validator(mode="after")
    def _steps_add_up(self) -> Procedure:
        if self.processing_hours is not None:
            if self.processing_days:
                raise ValueError("a procedure counts in working days or in hours, not both")
            if any(s.working_days or s.working_hours is None for s in self.steps):
                raise ValueError("the steps of an hour-counted procedure give working hours")
            if self.steps and sum(s.working_hours or 0 for s in self.steps) != (
                self.processing_hours
            ):
                raise ValueError("the steps' working hours must add up to the processing time")
            return self
        if any(s.working_hours is not None for s in self.steps):
            raise ValueError("steps give working hours only when the procedure does")
        if self.steps and sum(s.working_days for s in self.steps) != self.processing_days:
            raise ValueError("the steps' working days must add up to the processing time")
        return self

    class Settings:
        name = "procedures"
        # Time rules are local times of day, which BSON has no type for.
        bson_encoders = {time: time.isoformat}  # noqa: RUF012 - Beanie reads a plain dict


async def all_procedures(field: str | None = None) -> list[Procedure]:
    query = Procedure.find(Procedure.field == field) if field else Procedure.find_all()
    return await readable(query.sort("+code"))  # an unreadable one is skipped, counted
