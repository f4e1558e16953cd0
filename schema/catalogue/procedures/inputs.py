"""What administrators send to create or change a procedure."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from schema.catalogue.procedures.time_rules import TimeRulesInput
from schema.core.enums import AuthorityRule, FeeKind, LineKind, NationalDatabase, OfficerRole
from schema.core.input_checks import NAME_MAX_LENGTH, text


@strawberry.input
class ProcedureStepInput:
    key: str
    name: str = text(NAME_MAX_LENGTH)
    role: OfficerRole
    working_days: int
    agency_code: str | None = None
    working_hours: int | None = strawberry.field(
        default=None, description="Only, and always, for a procedure with processingHours."
    )


@strawberry.input
class FeeRowInput:
    value: str
    amount: int


@strawberry.input(description="One line of a fixed fee's breakdown (docs/payments.md).")
class FeeLineInput:
    kind: LineKind
    label: str
    amount: int


@strawberry.input
class FeeScheduleInput:
    kind: FeeKind
    amount: int = 0
    field: str | None = strawberry.field(default=None, description="JSON pointer.")
    rows: list[FeeRowInput] = strawberry.field(default_factory=list)
    required_before_return: bool = False
    lines: list[FeeLineInput] = strawberry.field(
        default_factory=list,
        description="The payment order's lines when they add up to the amount due; "
        "none: one CHARGE line.",
    )


@strawberry.input
class ResultReuseInput:
    result_type: str
    max_age_days: int


@strawberry.input
class RequiredPaperInput:
    slot: str
    name: str = text(NAME_MAX_LENGTH)
    originals: int = 1
    copies: int = 0
    optional: bool = False
    satisfied_by_result: ResultReuseInput | None = None
    satisfied_by_database: NationalDatabase | None = strawberry.field(
        default=None, description="Look this database up instead of asking for the paper."
    )


@strawberry.input(description="How the handling agency is found (docs/routing.md).")
class CompetentAuthorityInput:
    rule: AuthorityRule
    field: str | None = strawberry.field(
        default=None, description="APPLICANT_RESIDENCE, OBJECT_LOCATION: e.g. residence.unitCode."
    )
    agency_code: str | None = strawberry.field(default=None, description="FIXED: the agency.")


@strawberry.input
class ProcedureInput:
    code: str
    name: str = text(NAME_MAX_LENGTH)
    field: str
    processing_days: int
    form_key: str
    name_en: str | None = text(NAME_MAX_LENGTH, default=None)
    agency_codes: list[str] = strawberry.field(default_factory=list)
    steps: list[ProcedureStepInput] = strawberry.field(default_factory=list)
    fee: FeeScheduleInput | None = None
    required_papers: list[RequiredPaperInput] = strawberry.field(default_factory=list)
    result_place: str | None = text(NAME_MAX_LENGTH, default=None)
    competent_authority: CompetentAuthorityInput | None = None
    processing_hours: int | None = strawberry.field(
        default=None, description="Counted in working hours instead; processingDays is then 0."
    )
    time_rules: TimeRulesInput | None = None
    late_after_supplement_rounds: int | None = strawberry.field(
        default=None, description="Null: supplement rounds never make a dossier late."
    )
    requires_identity_level: int | None = strawberry.field(
        default=None, description="1 or 2: the identity level an online applicant needs."
    )


@strawberry.input(description="Only the fields given are changed.")
class ProcedureUpdateInput:
    name: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    name_en: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    field: str | None = strawberry.UNSET
    processing_days: int | None = strawberry.UNSET
    form_key: str | None = strawberry.UNSET
    agency_codes: list[str] | None = strawberry.UNSET
    steps: list[ProcedureStepInput] | None = strawberry.UNSET
    fee: FeeScheduleInput | None = strawberry.UNSET
    required_papers: list[RequiredPaperInput] | None = strawberry.UNSET
    result_place: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    active: bool | None = strawberry.UNSET
    competent_authority: CompetentAuthorityInput | None = strawberry.UNSET
    processing_hours: int | None = strawberry.field(
        default=strawberry.UNSET, description="0 switches back to working days."
    )
    time_rules: TimeRulesInput | None = strawberry.field(
        default=strawberry.UNSET, description="Null: the deployment's rules again."
    )
    late_after_supplement_rounds: int | None = strawberry.field(
        default=strawberry.UNSET, description="Null switches the rule off."
    )
    requires_identity_level: int | None = strawberry.field(
        default=strawberry.UNSET, description="Null: any identity level submits online."
    )


def input_fields(value: object) -> dict[str, Any]:
    """The fields a client actually sent, as plain data for the domain."""
    return {
        f.name: _plain(getattr(value, f.name))
        for f in dataclasses.fields(value)  # type: ignore[arg-type]
        if getattr(value, f.name) is not strawberry.UNSET and getattr(value, f.name) is not None
    }


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return input_fields(value)
    return value
