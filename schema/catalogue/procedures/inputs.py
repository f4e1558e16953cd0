"""What administrators send to create or change a procedure."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from schema.catalogue.procedures.time_rules import TimeRulesInput
from schema.core.enums import AuthorityRule, FeeKind, LineKind, NationalDatabase, OfficerRole
from schema.core.input_checks import NAME_MAX_LENGTH, text


@strawberry.input(description="One step of the workflow, in order.")
class ProcedureStepInput:
    key: str
    name: str = text(NAME_MAX_LENGTH)
    role: OfficerRole = strawberry.field(description="Who acts at this step.")
    working_days: int = strawberry.field(
        description="The step's allowance, in working days (0 when counted in hours)."
    )
    agency_code: str | None = None
    working_hours: int | None = strawberry.field(
        default=None, description="Only, and always, for a procedure with processingHours."
    )


@strawberry.input(
    description="A row of a fee table: when the form field equals `value`, the fee is `amount`."
)
class FeeRowInput:
    value: str
    amount: int = strawberry.field(description="The fee for it, in VND.")


@strawberry.input(description="One line of a fixed fee's breakdown (docs/payments.md).")
class FeeLineInput:
    kind: LineKind = strawberry.field(description="Phí or lệ phí.")
    label: str
    amount: int = strawberry.field(description="In VND; the lines add up to the fixed amount.")


@strawberry.input(description="How the fee is worked out.")
class FeeScheduleInput:
    kind: FeeKind = strawberry.field(description="None, one amount, or a table.")
    amount: int = strawberry.field(
        default=0, description="For FIXED, the fee in VND; for TABLE, the fee when no row matches."
    )
    field: str | None = strawberry.field(default=None, description="JSON pointer.")
    rows: list[FeeRowInput] = strawberry.field(
        default_factory=list, description="The table, for TABLE."
    )
    required_before_return: bool = strawberry.field(
        default=False, description="Hand the result over only once the fee is paid."
    )
    lines: list[FeeLineInput] = strawberry.field(
        default_factory=list,
        description="The payment order's lines when they add up to the amount due; "
        "none: one CHARGE line.",
    )


@strawberry.input(description="A result of an earlier dossier that can stand for the paper.")
class ResultReuseInput:
    result_type: str
    max_age_days: int = strawberry.field(description="Issued at most this many days ago.")


@strawberry.input(description="A paper a dossier must hold.")
class RequiredPaperInput:
    slot: str
    name: str = text(NAME_MAX_LENGTH)
    originals: int = strawberry.field(default=1, description="How many originals (bản chính).")
    copies: int = strawberry.field(default=0, description="How many copies (bản sao).")
    optional: bool = strawberry.field(
        default=False, description="Whether a dossier may go without it."
    )
    satisfied_by_result: ResultReuseInput | None = strawberry.field(
        default=None, description="Filled at submission from the applicant's e-data repository."
    )
    satisfied_by_database: NationalDatabase | None = strawberry.field(
        default=None, description="Look this database up instead of asking for the paper."
    )


@strawberry.input(description="How the handling agency is found (docs/routing.md).")
class CompetentAuthorityInput:
    rule: AuthorityRule = strawberry.field(description="Which rule finds the agency.")
    field: str | None = strawberry.field(
        default=None, description="APPLICANT_RESIDENCE, OBJECT_LOCATION: e.g. residence.unitCode."
    )
    agency_code: str | None = strawberry.field(default=None, description="FIXED: the agency.")


@strawberry.input(description="A new procedure, whole.")
class ProcedureInput:
    code: str
    name: str = text(NAME_MAX_LENGTH)
    field: str
    processing_days: int = strawberry.field(
        description="The legal processing time, in working days (0 when counted in hours)."
    )
    form_key: str
    name_en: str | None = text(NAME_MAX_LENGTH, default=None)
    agency_codes: list[str] = strawberry.field(default_factory=list)
    steps: list[ProcedureStepInput] = strawberry.field(
        default_factory=list, description="The workflow, in order."
    )
    fee: FeeScheduleInput | None = strawberry.field(
        default=None, description="The fee; none when null."
    )
    required_papers: list[RequiredPaperInput] = strawberry.field(
        default_factory=list, description="The papers a dossier must hold."
    )
    result_place: str | None = text(NAME_MAX_LENGTH, default=None)
    competent_authority: CompetentAuthorityInput | None = strawberry.field(
        default=None, description="How the handling agency is found; null: the receiving agency."
    )
    processing_hours: int | None = strawberry.field(
        default=None, description="Counted in working hours instead; processingDays is then 0."
    )
    time_rules: TimeRulesInput | None = strawberry.field(
        default=None, description="Its own cut-off and office hours; null: the deployment's."
    )
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
    processing_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="The legal processing time, in working days."
    )
    form_key: str | None = strawberry.UNSET
    agency_codes: list[str] | None = strawberry.UNSET
    steps: list[ProcedureStepInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The workflow, whole, in order."
    )
    fee: FeeScheduleInput | None = strawberry.field(
        default=strawberry.UNSET, description="The fee, whole."
    )
    required_papers: list[RequiredPaperInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The papers, whole."
    )
    result_place: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether new dossiers may be submitted."
    )
    competent_authority: CompetentAuthorityInput | None = strawberry.field(
        default=strawberry.UNSET, description="How the handling agency is found."
    )
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
