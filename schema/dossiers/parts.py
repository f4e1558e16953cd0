"""Types for what a dossier carries while it is processed."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.dossiers.deadlines import step_result
from documents.dossiers.parts import Apology, Payment, StepRecord, SupplementItem, SupplementRound
from schema.catalogue.agencies.types import AgencyType, agency_by_code
from schema.core.context import Info
from schema.core.enums import OfficerRole, PaymentMethod, Timeliness
from schema.core.global_ids import derived_id


@strawberry.type(description="One row of the process control slip (phiếu kiểm soát).")
class ControlSlipRow:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the row's number (1, 2 …), for "
        "caches; not a `Node` (docs/relay.md)."
    )
    step_key: str = strawberry.field(description="The key of the procedure step.")
    step_name: str = strawberry.field(description="The name of the step.")
    role: OfficerRole = strawberry.field(description="Who acts at this step.")
    agency_code: str = strawberry.field(description="The agency that received it at this step.")
    from_agency_code: str | None = strawberry.field(description="The giving agency.")
    from_user: str | None = strawberry.field(description="The giving user.")
    to_user: str | None = strawberry.field(description="The receiving user.")
    handed_over_at: datetime = strawberry.field(description="When the step received it.")
    due_at: datetime = strawberry.field(description="The step's own allowance ends here.")
    finished_at: datetime | None = strawberry.field(
        description="When the step was done; null while open."
    )
    result: Timeliness | None = strawberry.field(
        description="Against the step's allowance; null while open and still in time."
    )

    @classmethod
    def from_model(
        cls, record: StepRecord, now: datetime, dossier_code: str, number: int
    ) -> ControlSlipRow:
        return cls(
            id=derived_id("ControlSlipRow", dossier_code, number),
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

    @strawberry.field(description="The agency that received it at this step.")
    async def agency(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.agency_code)


@strawberry.type(name="SupplementItem", description="One thing missing from a dossier, and why.")
class SupplementItemType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code, the round's and the item's numbers, "
        "for caches; not a `Node` (docs/relay.md)."
    )
    item: str = strawberry.field(description="What is missing or must be corrected.")
    reason: str = strawberry.field(description="Why it is needed.")

    @classmethod
    def from_model(cls, item: SupplementItem, round_id: str, number: int) -> SupplementItemType:
        return cls(
            id=derived_id("SupplementItem", round_id, number), item=item.item, reason=item.reason
        )


@strawberry.type(
    name="SupplementRound",
    description="One request for supplements (Mẫu 02) and the applicant's answer.",
)
class SupplementRoundType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the round's number (1, 2 …), "
        "for caches; not a `Node` (docs/relay.md)."
    )
    requested_at: datetime = strawberry.field(
        description="When supplements were asked for; the clock stopped."
    )
    requested_by: str | None = strawberry.field(description="The id of the officer who asked.")
    items: list[SupplementItemType] = strawberry.field(description="Everything asked for.")
    supplemented_at: datetime | None = strawberry.field(
        description="When the applicant answered; null while waiting."
    )
    note: str | None = strawberry.field(description="The applicant's note with the answer.")
    paused_working_days: int = strawberry.field(
        description="Working days the clock stood still for this round."
    )
    at_reception: bool = strawberry.field(
        description="Asked before acceptance (Mẫu 02 at reception): the answer returns the "
        "dossier to RECEIVED; otherwise to IN_PROGRESS."
    )

    @classmethod
    def from_model(
        cls, round_: SupplementRound, dossier_code: str, number: int
    ) -> SupplementRoundType:
        key = f"{dossier_code}:{number}"
        return cls(
            id=derived_id("SupplementRound", key),
            requested_at=round_.requested_at,
            requested_by=round_.requested_by,
            items=[
                SupplementItemType.from_model(i, key, n)
                for n, i in enumerate(round_.items, start=1)
            ],
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
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code (one apology per dossier), "
        "for caches; not a `Node` (docs/relay.md)."
    )
    issued_at: datetime = strawberry.field(description="When it was issued.")
    issued_by: str | None = strawberry.field(description="The id of the officer who issued it.")
    reason: str = strawberry.field(description="Why the dossier will be late.")
    new_appointment_at: datetime = strawberry.field(description="The new appointment promised.")
    previous_appointment_at: datetime | None = strawberry.field(
        description="The appointment it replaces; null on apologies from before it was kept."
    )
    extra_working_days: int | None = strawberry.field(
        description="The extra time asked for: working days from the previous appointment "
        "to the new one; null on apologies from before it was kept."
    )

    @classmethod
    def from_model(cls, apology: Apology, dossier_code: str) -> ApologyType:
        return cls(id=derived_id("Apology", dossier_code), **apology.model_dump())


@strawberry.type(name="Payment", description="A payment recorded for a dossier's fee.")
class PaymentType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the payment's number (1, 2 …), "
        "for caches; not a `Node` (docs/relay.md)."
    )
    amount: int = strawberry.field(description="In VND.")
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    reference: str = strawberry.field(
        description="The receipt or transaction reference; a repeated one is ignored."
    )
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    recorded_by: str | None = strawberry.field(
        description="The id of who recorded it; null when no person did."
    )

    @classmethod
    def from_model(cls, payment: Payment, dossier_code: str, number: int) -> PaymentType:
        return cls(id=derived_id("Payment", dossier_code, number), **payment.model_dump())
