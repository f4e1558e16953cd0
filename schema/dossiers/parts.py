"""Types for what a dossier carries while it is processed."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.dossiers.deadlines import step_result
from documents.dossiers.parts import Apology, Payment, StepRecord, SupplementItem, SupplementRound
from schema.catalogue.agencies.types import AgencyType, agency_by_code
from schema.core.context import Info
from schema.core.enums import OfficerRole, PaymentMethod, Timeliness


@strawberry.type(description="One row of the process control slip (phiếu kiểm soát).")
class ControlSlipRow:
    step_key: str
    step_name: str
    role: OfficerRole
    agency_code: str
    from_agency_code: str | None = strawberry.field(description="The giving agency.")
    from_user: str | None = strawberry.field(description="The giving user.")
    to_user: str | None = strawberry.field(description="The receiving user.")
    handed_over_at: datetime = strawberry.field(description="When the step received it.")
    due_at: datetime = strawberry.field(description="The step's own allowance ends here.")
    finished_at: datetime | None
    result: Timeliness | None = strawberry.field(
        description="Against the step's allowance; null while open and still in time."
    )

    @classmethod
    def from_model(cls, record: StepRecord, now: datetime) -> ControlSlipRow:
        return cls(
            step_key=record.step_key,
            step_name=record.step_name,
            role=record.role,
            agency_code=record.agency_code,
            from_agency_code=record.from_agency_code,
            from_user=record.from_user,
            to_user=record.assignee,
            handed_over_at=record.received_at,
            due_at=record.due_at,
            finished_at=record.finished_at,
            result=step_result(record.due_at, record.finished_at, now),
        )

    @strawberry.field
    async def agency(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.agency_code)


@strawberry.type(name="SupplementItem")
class SupplementItemType:
    item: str
    reason: str

    @classmethod
    def from_model(cls, item: SupplementItem) -> SupplementItemType:
        return cls(item=item.item, reason=item.reason)


@strawberry.type(name="SupplementRound")
class SupplementRoundType:
    requested_at: datetime
    requested_by: str | None
    items: list[SupplementItemType]
    supplemented_at: datetime | None
    note: str | None
    paused_working_days: int
    at_reception: bool = strawberry.field(
        description="Asked before acceptance (Mẫu 02 at reception): the answer returns the "
        "dossier to RECEIVED; otherwise to IN_PROGRESS."
    )

    @classmethod
    def from_model(cls, round_: SupplementRound) -> SupplementRoundType:
        return cls(
            requested_at=round_.requested_at,
            requested_by=round_.requested_by,
            items=[SupplementItemType.from_model(i) for i in round_.items],
            supplemented_at=round_.supplemented_at,
            note=round_.note,
            paused_working_days=round_.paused_working_days,
            at_reception=round_.at_reception,
        )


@strawberry.type(
    name="Apology",
    description="Mẫu 04: the apology letter with a request to extend the time. The "
    "applicant sees it on their own dossier.",
)
class ApologyType:
    issued_at: datetime
    issued_by: str | None
    reason: str = strawberry.field(description="Why the dossier will be late.")
    new_appointment_at: datetime
    previous_appointment_at: datetime | None = strawberry.field(
        description="The appointment it replaces; null on apologies from before it was kept."
    )
    extra_working_days: int | None = strawberry.field(
        description="The extra time asked for: working days from the previous appointment "
        "to the new one; null on apologies from before it was kept."
    )

    @classmethod
    def from_model(cls, apology: Apology) -> ApologyType:
        return cls(**apology.model_dump())


@strawberry.type(name="Payment")
class PaymentType:
    amount: int
    method: PaymentMethod
    reference: str
    recorded_at: datetime
    recorded_by: str | None

    @classmethod
    def from_model(cls, payment: Payment) -> PaymentType:
        return cls(**payment.model_dump())
