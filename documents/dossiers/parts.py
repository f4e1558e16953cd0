"""Values embedded in a dossier: its steps, supplement rounds, apology and payments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from documents.catalogue.procedures import NationalDatabase, OfficerRole
from documents.national.population import LookupResult


class Timeliness(StrEnum):
    EARLY = "EARLY"
    ON_TIME = "ON_TIME"
    LATE = "LATE"


class PaymentStatus(StrEnum):
    UNPAID = "UNPAID"
    PAID = "PAID"
    # Nothing is owed: a zero fee, or an exemption.
    WAIVED = "WAIVED"


class PaymentMethod(StrEnum):
    COUNTER = "COUNTER"
    E_PAYMENT = "E_PAYMENT"
    BANK_TRANSFER = "BANK_TRANSFER"


class StepRecord(BaseModel):
    """One row of the process control slip: who gave the dossier to whom, and when."""

    step_key: str
    step_name: str
    role: OfficerRole
    agency_code: str
    assignee: str | None = None
    from_agency_code: str | None = None
    from_user: str | None = None
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None = None


class SupplementItem(BaseModel):
    """One missing or incorrect paper or field, with what is wrong."""

    item: str = Field(min_length=1, max_length=300)
    reason: str = Field(min_length=1, max_length=1000)


class SupplementRound(BaseModel):
    requested_at: datetime
    requested_by: str | None = None
    items: list[SupplementItem]
    supplemented_at: datetime | None = None
    note: str | None = None
    paused_working_days: int = 0
    # Asked for before acceptance (Mẫu 02 at reception): the answer returns to RECEIVED.
    at_reception: bool = False


class DatabaseLookup(BaseModel):
    """A national database consulted instead of asking for a paper (docs/population.md):
    which database, for which paper slot, when, by whom, and the result. Nothing the
    database holds about the person is copied."""

    database: NationalDatabase
    slot: str
    at: datetime
    by: str | None = None
    result: LookupResult


class Apology(BaseModel):
    """Mẫu 04: the apology letter with a request to extend the time, issued once before
    the deadline, with the reason and a new appointment; the applicant sees it."""

    issued_at: datetime
    issued_by: str | None = None
    reason: str
    new_appointment_at: datetime
    # The extension asked for (Mẫu 04): from the appointment it replaces, in working days.
    # None on apologies issued before these were recorded.
    previous_appointment_at: datetime | None = None
    extra_working_days: int | None = None


class Payment(BaseModel):
    amount: int = Field(gt=0)
    method: PaymentMethod
    reference: str = Field(min_length=1, max_length=100)
    recorded_at: datetime
    recorded_by: str | None = None
