"""Dossiers (hồ sơ): one application for one procedure."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed, Insert, Replace, Save, SaveChanges, before_event
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pymongo import ASCENDING, DESCENDING, IndexModel

from documents.common.errors import not_found
from documents.common.tolerant import Unreadable, read, unreadable_error
from documents.dossiers.parts import (
    Apology,
    DatabaseLookup,
    Payment,
    PaymentStatus,
    StepRecord,
    SupplementRound,
    Timeliness,
)
from documents.dossiers.statuses import DossierStatus


class Channel(StrEnum):
    COUNTER = "COUNTER"
    ONLINE = "ONLINE"
    POSTAL = "POSTAL"


class ApplicantKind(StrEnum):
    CITIZEN = "CITIZEN"
    BUSINESS = "BUSINESS"


class NotificationChannel(StrEnum):
    """How an applicant may be told of their dossier."""

    EMAIL = "EMAIL"
    SMS = "SMS"
    ZALO = "ZALO"


# The validation context of an applicant being submitted: `Applicant.model_validate(
# fields, context=ADMITTING)` checks what a stored record is not held to.
ADMITTING_KEY = "admitting"
ADMITTING = {ADMITTING_KEY: True}


class Applicant(BaseModel):
    """A citizen (12-digit personal identification number) or a business (tax code)."""

    kind: ApplicantKind
    id_number: Annotated[str, Field(pattern=r"^(\d{12}|\d{10}(-\d{3})?)$")]
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str | None, Field(pattern=r"^\+?\d{9,15}$")] = None
    email: str | None = None
    address: Annotated[str | None, Field(max_length=500)] = None
    # How the applicant chose to be told of the dossier (docs/integrations.md,
    # "Notifications"): nothing unless chosen, so a record stored before has none.
    notify_by: list[NotificationChannel] = Field(default_factory=list)

    @field_validator("notify_by")
    @classmethod
    def _reachable(
        cls, channels: list[NotificationChannel], info: ValidationInfo
    ) -> list[NotificationChannel]:
        """Each channel needs its address: e-mail an e-mail, SMS and Zalo a phone. Checked
        on what an applicant submits (`ADMITTING`), not on a stored record: one whose
        address went since stays readable, and its notices are dead letters."""
        if not (info.context or {}).get(ADMITTING_KEY):
            return channels
        for channel in channels:
            needs = "email" if channel is NotificationChannel.EMAIL else "phone"
            if not info.data.get(needs):
                raise ValueError(f"notification by {channel.value} needs the {needs}")
        return list(dict.fromkeys(channels))


def _keyset(*fields: str) -> IndexModel:
    """A filter field followed by both orderings' keys, so filter + sort use one index."""
    keys = [(f, ASCENDING) for f in fields]
    return IndexModel([*keys, ("received_at", DESCENDING), ("code", DESCENDING)])


class Dossier(Document):
    code: Annotated[str, Indexed(unique=True)]
    procedure_code: str
    form_key: str
    form_version: int
    applicant: Applicant
    data: dict[str, Any] = Field(default_factory=dict)
    channel: Channel
    receiving_agency_code: str
    handling_agency_code: str
    status: DossierStatus = DossierStatus.RECEIVED
    received_at: datetime
    updated_at: datetime

    # Processing: the current step and who holds it, with one record per step taken.
    current_step: str | None = None
    assignee: str | None = None
    steps: list[StepRecord] = Field(default_factory=list)

    # The clock. `due_at` is the legal deadline: receipt plus the legal working days,
    # moved later by the working days spent waiting for supplements. `appointment_at`
    # is the date promised to the applicant: `due_at`, unless an apology set a new one.
    due_at: datetime
    appointment_at: datetime
    # The local day the legal time counts from, under the procedure's cut-off at
    # receipt; None on dossiers stored before it was kept (the deployment's cut-off).
    clock_start: date | None = None
    paused_working_days: int = 0
    supplements: list[SupplementRound] = Field(default_factory=list)
    apology: Apology | None = None
    finished_at: datetime | None = None
    timeliness: Timeliness | None = None
    accepted_at: datetime | None = None
    returned_at: datetime | None = None
    # Why it was refused, rejected or withdrawn; or the note on an approval.
    reason: str | None = None

    fee_due: int = 0
    payment_status: PaymentStatus = PaymentStatus.WAIVED
    payment_requested_at: datetime | None = None
    payments: list[Payment] = Field(default_factory=list)
    # Papers taken from the applicant's e-data repository at submission (docs/papers.md).
    reused_count: int = 0
    # National databases consulted instead of papers (docs/population.md).
    lookups: list[DatabaseLookup] = Field(default_factory=list)
    # The group submission it belongs to (docs/groups.md), if any.
    group_code: Annotated[str | None, Indexed()] = None
    # Structured data of the result recorded with the decision (e.g. the certificate
    # number), which feeds the members of a group that wait for it.
    result_data: dict[str, Any] = Field(default_factory=dict)
    # The national portal's reference of a dossier submitted there (docs/integrations.md,
    # "Online submissions from the portal"): unique, so a retried submission is found.
    portal_reference: str | None = None
    # Derived and stored so "received, handled or worked on by" is one multikey index
    # lookup: the embedded server answers an `$or` of fields with a collection scan.
    agency_codes: list[str] = Field(default_factory=list)

    @before_event(Insert, Replace, Save, SaveChanges)
    def _derive_agency_codes(self) -> None:
        codes = {self.receiving_agency_code, self.handling_agency_code}
        codes.update(step.agency_code for step in self.steps)
        self.agency_codes = sorted(codes)

    class Settings:
        name = "dossiers"
        use_revision = True
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            _keyset(),
            _keyset("status"),
            _keyset("procedure_code"),
            _keyset("agency_codes"),
            _keyset("applicant.id_number"),
            # `overdue` and `dueBefore` filters look at open dossiers by deadline.
            IndexModel([("due_at", ASCENDING), ("code", ASCENDING)], name="due"),
            IndexModel(
                [("portal_reference", ASCENDING)],
                name="portal_reference",
                unique=True,
                partialFilterExpression={"portal_reference": {"$type": "string"}},
            ),
        ]


async def load_dossier(code: str) -> Dossier:
    """The dossier; NOT_FOUND, or UNREADABLE_DOCUMENT when this version cannot read it."""
    raw = await Dossier.get_pymongo_collection().find_one({"code": code})
    if raw is None:
        raise not_found("dossier", code, "code")
    dossier = read(Dossier, raw)
    if isinstance(dossier, Unreadable):
        raise unreadable_error(dossier, "dossier")
    return dossier


async def stored_where(code: str, where: dict[str, Any] | None) -> bool:
    """Whether a dossier `code` is stored and matches `where` (a policy's filter; None
    matches nothing), readable or not: who may hear that an unreadable dossier exists."""
    if where is None:
        return False
    query = {"$and": [{"code": code}, where]} if where else {"code": code}
    return await Dossier.get_pymongo_collection().find_one(query, {"_id": 1}) is not None
