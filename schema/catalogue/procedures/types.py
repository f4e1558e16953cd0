"""Procedures, their steps, fees and required papers, and the payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from documents.catalogue.procedures import (
    CompetentAuthority,
    FeeSchedule,
    Procedure,
    ProcedureStep,
    RequiredPaper,
)
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.forms.types import FormType, form_or_none
from schema.catalogue.procedures.time_rules import TimeRulesType
from schema.core.context import Info
from schema.core.enums import (
    AuthorityRule,
    FeeKind,
    LineKind,
    NationalDatabase,
    OfficerRole,
    OnlineService,
)
from schema.core.errors import UserError
from schema.core.global_ids import derived_id


@strawberry.type(
    name="ProcedureStep", description="One step of a procedure's workflow, with its time allowance."
)
class ProcedureStepType:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the step: its procedure's code and the step's key."
    )
    key: str = strawberry.field(description="The step's key, unique in its procedure.")
    name: str = strawberry.field(description="The step's name.")
    role: OfficerRole = strawberry.field(description="Who acts at this step.")
    agency_code: str | None = strawberry.field(
        description="The agency where the step is done; null: the handling agency."
    )
    working_days: int = strawberry.field(description="The step's allowance, in working days.")
    working_hours: int | None = strawberry.field(
        description="The step's allowance when the procedure counts in hours."
    )

    @classmethod
    def from_model(cls, step: ProcedureStep, procedure_code: str) -> ProcedureStepType:
        return cls(id=derived_id("ProcedureStep", procedure_code, step.key), **step.model_dump())


@strawberry.type(
    name="FeeRow",
    description="A row of a fee table: when the form field equals `value`, the fee is `amount`.",
)
class FeeRowType:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the row: its procedure's code and the row's number."
    )
    value: str = strawberry.field(description="The form field's value.")
    amount: int = strawberry.field(description="The fee for it, in VND.")


@strawberry.type(name="FeeLine", description="A line of a fee's breakdown.")
class FeeLineType:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the line: its procedure's code and the line's number."
    )
    kind: LineKind = strawberry.field(description="Phí or lệ phí.")
    label: str = strawberry.field(
        description="What the line is for, as the payment order shows it."
    )
    amount: int = strawberry.field(description="In VND.")


@strawberry.type(name="FeeSchedule", description="How a procedure's fee is worked out.")
class FeeScheduleType:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the fee: its procedure's code (one fee per procedure)."
    )
    kind: FeeKind = strawberry.field(description="None, one amount, or a table.")
    amount: int = strawberry.field(
        description="The fee for FIXED, in VND; for TABLE, the fee when no row matches."
    )
    field: str | None = strawberry.field(description="JSON pointer of the form field.")
    rows: list[FeeRowType] = strawberry.field(description="The table, for TABLE.")
    required_before_return: bool = strawberry.field(
        description="Whether the result is handed over only once the fee is paid."
    )
    lines: list[FeeLineType] = strawberry.field(
        description="The breakdown a payment order shows (docs/payments.md)."
    )

    @classmethod
    def from_model(cls, fee: FeeSchedule, procedure_code: str) -> FeeScheduleType:
        return cls(
            id=derived_id("FeeSchedule", procedure_code),
            kind=fee.kind,
            amount=fee.amount,
            field=fee.field,
            rows=[
                FeeRowType(
                    id=derived_id("FeeRow", procedure_code, n), value=r.value, amount=r.amount
                )
                for n, r in enumerate(fee.rows, start=1)
            ],
            required_before_return=fee.required_before_return,
            lines=[
                FeeLineType(
                    id=derived_id("FeeLine", procedure_code, n),
                    kind=LineKind(x.kind),
                    label=x.label,
                    amount=x.amount,
                )
                for n, x in enumerate(fee.lines, start=1)
            ],
        )


@strawberry.type(
    name="ResultReuse", description="A result of an earlier dossier that can stand for a paper."
)
class ResultReuseType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its procedure's code and the slot of the paper it stands for."
    )
    result_type: str = strawberry.field(description="E.g. JUDICIAL_RECORD.")
    max_age_days: int = strawberry.field(description="Issued at most this many days ago.")


@strawberry.type(name="RequiredPaper", description="A paper a dossier of the procedure must hold.")
class RequiredPaperType:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the paper: its procedure's code and the paper's slot."
    )
    slot: str = strawberry.field(
        description="The slot's key: what `uploadAttachment(slot:)` takes."
    )
    name: str = strawberry.field(description="The paper's name.")
    originals: int = strawberry.field(description="How many originals (bản chính).")
    copies: int = strawberry.field(description="How many copies (bản sao).")
    optional: bool = strawberry.field(description="Whether a dossier may go without it.")
    satisfied_by_result: ResultReuseType | None = strawberry.field(
        description="Filled at submission from the applicant's e-data repository."
    )
    satisfied_by_database: NationalDatabase | None = strawberry.field(
        description="Never asked for: this national database is looked up at submission "
        "instead, and a failed lookup asks for the paper (docs/population.md)."
    )

    @classmethod
    def from_model(cls, paper: RequiredPaper, procedure_code: str) -> RequiredPaperType:
        reuse = paper.satisfied_by_result
        return cls(
            id=derived_id("RequiredPaper", procedure_code, paper.slot),
            **paper.model_dump(exclude={"satisfied_by_result"}),
            satisfied_by_result=ResultReuseType(
                id=derived_id("ResultReuse", procedure_code, paper.slot), **reuse.model_dump()
            )
            if reuse
            else None,
        )


@strawberry.type(
    name="CompetentAuthority",
    description="How the agency that handles a dossier is found (docs/routing.md).",
)
class CompetentAuthorityType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its procedure's code (one rule per procedure)."
    )
    rule: AuthorityRule = strawberry.field(description="Which rule finds the agency.")
    field: str | None = strawberry.field(
        description="Dotted path of the form field holding an administrative-unit code."
    )
    agency_code: str | None = strawberry.field(description="The agency, for FIXED.")

    @classmethod
    def from_model(
        cls, authority: CompetentAuthority, procedure_code: str
    ) -> CompetentAuthorityType:
        return cls(id=derived_id("CompetentAuthority", procedure_code), **authority.model_dump())


@strawberry.type(
    name="Procedure",
    description="An administrative procedure (thủ tục hành chính) of the catalogue.",
)
class ProcedureType(relay.Node):
    code: str = strawberry.field(description="The national procedure code.")
    name: str = strawberry.field(description="The name, in Vietnamese.")
    name_en: str | None = strawberry.field(description="The name in English, if given.")
    field: str = strawberry.field(description="Lĩnh vực: the field of administration.")
    processing_days: int = strawberry.field(description="Legal processing time, working days.")
    processing_hours: int | None = strawberry.field(
        description="Legal processing time in working hours, for procedures counted in hours "
        "(processingDays is then 0); null: counted in days (docs/workflow.md)."
    )
    time_rules: TimeRulesType | None = strawberry.field(
        description="The procedure's own cut-off and office hours; null: the deployment's."
    )
    form_key: str = strawberry.field(description="The key of its form.")
    agency_codes: list[str] = strawberry.field(
        description="The codes of the agencies that handle it."
    )
    steps: list[ProcedureStepType] = strawberry.field(description="Its workflow, in order.")
    fee: FeeScheduleType = strawberry.field(description="Its fee.")
    required_papers: list[RequiredPaperType] = strawberry.field(
        description="The papers a dossier must hold."
    )
    result_place: str | None = strawberry.field(
        description="Where the result is handed over, if set."
    )
    active: bool = strawberry.field(description="Whether new dossiers may be submitted.")
    competent_authority: CompetentAuthorityType = strawberry.field(
        description="How the agency that handles a dossier is found."
    )
    online_service: OnlineService = strawberry.field(
        description="FULL: entirely online; PARTIAL: online in part; NONE (Decision 766)."
    )
    late_after_supplement_rounds: int | None = strawberry.field(
        description="More supplement rounds during processing than this make a finished "
        "dossier LATE; null (the default): rounds never do (docs/workflow.md)."
    )
    requires_identity_level: int | None = strawberry.field(
        description="The identity-assurance level (VNeID: 1 or 2) an applicant needs to "
        "submit online; null: any. Counter submissions check identity in person."
    )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    def from_document(cls, procedure: Procedure) -> ProcedureType:
        return cls(
            code=procedure.code,
            name=procedure.name,
            name_en=procedure.name_en,
            field=procedure.field,
            processing_days=procedure.processing_days,
            processing_hours=procedure.processing_hours,
            time_rules=TimeRulesType.from_model(procedure.time_rules, procedure.code),
            form_key=procedure.form_key,
            agency_codes=procedure.agency_codes,
            steps=[ProcedureStepType.from_model(s, procedure.code) for s in procedure.steps],
            fee=FeeScheduleType.from_model(procedure.fee, procedure.code),
            required_papers=[
                RequiredPaperType.from_model(p, procedure.code) for p in procedure.required_papers
            ],
            result_place=procedure.result_place,
            active=procedure.active,
            competent_authority=CompetentAuthorityType.from_model(
                procedure.competent_authority, procedure.code
            ),
            online_service=procedure.online_service,
            late_after_supplement_rounds=procedure.late_after_supplement_rounds,
            requires_identity_level=procedure.requires_identity_level,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProcedureType | None]:
        found = await info.context.loaders.procedure_by_code.load_many(list(node_ids))
        return [cls.from_document(p) if p else None for p in found]

    @strawberry.field(description="The agencies that handle this procedure.")
    async def agencies(self, info: Info) -> list[AgencyType]:
        found = await info.context.loaders.agency_by_code.load_many(self.agency_codes)
        return [AgencyType.from_document(a) for a in found if a]

    @strawberry.field(description="The form version new submissions are pinned to.")
    async def form(self, info: Info) -> FormType | None:
        return form_or_none(await info.context.loaders.current_form.load(self.form_key))


async def procedure_by_code(info: Info, code: str) -> ProcedureType | None:
    procedure = await info.context.loaders.procedure_by_code.load(code)
    return ProcedureType.from_document(procedure) if procedure else None


@strawberry.type(description="A procedure mutation's error; `field` is the input at fault.")
class ProcedureError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class ProcedurePayload:
    procedure: ProcedureType | None = strawberry.field(
        default=None,
        description="The procedure as it is now; null when there are errors.",
    )
    errors: list[ProcedureError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
