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


@strawberry.type(name="ProcedureStep")
class ProcedureStepType:
    key: str
    name: str
    role: OfficerRole
    agency_code: str | None
    working_days: int
    working_hours: int | None = strawberry.field(
        description="The step's allowance when the procedure counts in hours."
    )

    @classmethod
    def from_model(cls, step: ProcedureStep) -> ProcedureStepType:
        return cls(**step.model_dump())


@strawberry.type(name="FeeRow")
class FeeRowType:
    value: str
    amount: int


@strawberry.type(name="FeeLine")
class FeeLineType:
    kind: LineKind
    label: str
    amount: int


@strawberry.type(name="FeeSchedule")
class FeeScheduleType:
    kind: FeeKind
    amount: int
    field: str | None = strawberry.field(description="JSON pointer of the form field.")
    rows: list[FeeRowType]
    required_before_return: bool
    lines: list[FeeLineType] = strawberry.field(
        description="The breakdown a payment order shows (docs/payments.md)."
    )

    @classmethod
    def from_model(cls, fee: FeeSchedule) -> FeeScheduleType:
        return cls(
            kind=fee.kind,
            amount=fee.amount,
            field=fee.field,
            rows=[FeeRowType(value=r.value, amount=r.amount) for r in fee.rows],
            required_before_return=fee.required_before_return,
            lines=[
                FeeLineType(kind=LineKind(x.kind), label=x.label, amount=x.amount)
                for x in fee.lines
            ],
        )


@strawberry.type(name="ResultReuse")
class ResultReuseType:
    result_type: str = strawberry.field(description="E.g. JUDICIAL_RECORD.")
    max_age_days: int = strawberry.field(description="Issued at most this many days ago.")


@strawberry.type(name="RequiredPaper")
class RequiredPaperType:
    slot: str
    name: str
    originals: int
    copies: int
    optional: bool
    satisfied_by_result: ResultReuseType | None = strawberry.field(
        description="Filled at submission from the applicant's e-data repository."
    )
    satisfied_by_database: NationalDatabase | None = strawberry.field(
        description="Never asked for: this national database is looked up at submission "
        "instead, and a failed lookup asks for the paper (docs/population.md)."
    )

    @classmethod
    def from_model(cls, paper: RequiredPaper) -> RequiredPaperType:
        reuse = paper.satisfied_by_result
        return cls(
            **paper.model_dump(exclude={"satisfied_by_result"}),
            satisfied_by_result=ResultReuseType(**reuse.model_dump()) if reuse else None,
        )


@strawberry.type(
    name="CompetentAuthority",
    description="How the agency that handles a dossier is found (docs/routing.md).",
)
class CompetentAuthorityType:
    rule: AuthorityRule
    field: str | None = strawberry.field(
        description="Dotted path of the form field holding an administrative-unit code."
    )
    agency_code: str | None = strawberry.field(description="The agency, for FIXED.")

    @classmethod
    def from_model(cls, authority: CompetentAuthority) -> CompetentAuthorityType:
        return cls(**authority.model_dump())


@strawberry.type(name="Procedure")
class ProcedureType(relay.Node):
    code: str
    name: str
    name_en: str | None
    field: str = strawberry.field(description="Lĩnh vực: the field of administration.")
    processing_days: int = strawberry.field(description="Legal processing time, working days.")
    processing_hours: int | None = strawberry.field(
        description="Legal processing time in working hours, for procedures counted in hours "
        "(processingDays is then 0); null: counted in days (docs/workflow.md)."
    )
    time_rules: TimeRulesType | None = strawberry.field(
        description="The procedure's own cut-off and office hours; null: the deployment's."
    )
    form_key: str
    agency_codes: list[str]
    steps: list[ProcedureStepType]
    fee: FeeScheduleType
    required_papers: list[RequiredPaperType]
    result_place: str | None
    active: bool
    competent_authority: CompetentAuthorityType
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
            time_rules=TimeRulesType.from_model(procedure.time_rules),
            form_key=procedure.form_key,
            agency_codes=procedure.agency_codes,
            steps=[ProcedureStepType.from_model(s) for s in procedure.steps],
            fee=FeeScheduleType.from_model(procedure.fee),
            required_papers=[RequiredPaperType.from_model(p) for p in procedure.required_papers],
            result_place=procedure.result_place,
            active=procedure.active,
            competent_authority=CompetentAuthorityType.from_model(procedure.competent_authority),
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


@strawberry.type
class ProcedureError(UserError):
    pass


@strawberry.type
class ProcedurePayload:
    procedure: ProcedureType | None = None
    errors: list[ProcedureError] = strawberry.field(default_factory=list)
