"""What clients send about dossiers: a submission, and filters for lists and events."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from documents.dossiers.dossier import ADMITTING, Applicant, Dossier, NotificationChannel
from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import EventFilter
from documents.dossiers.search import DossierFilter
from documents.papers.reuse import ReusedPaper
from schema.core.enums import ApplicantKind, Channel, DossierStatus, EventType
from schema.core.global_ids import raw_key
from schema.core.input_checks import NAME_MAX_LENGTH, text

EMAIL_MAX_LENGTH = 254  # RFC 5321: a path of 256 octets, less its angle brackets


@strawberry.input(description="Who applies.")
class ApplicantInput:
    kind: ApplicantKind = strawberry.field(description="A person or a business.")
    id_number: str = strawberry.field(
        description="12-digit personal identification number, or the business's tax code."
    )
    full_name: str
    phone: str | None = None
    email: str | None = text(EMAIL_MAX_LENGTH, default=None)
    address: str | None = text(NAME_MAX_LENGTH, default=None)
    notify_by: list[NotificationChannel] = strawberry.field(
        default_factory=list,
        description="How to tell the applicant of the dossier: EMAIL needs the e-mail, "
        "SMS and ZALO the phone. None chosen: no notification.",
    )

    def to_domain(self) -> Applicant:
        """Raises pydantic.ValidationError on malformed values."""
        fields = {
            "kind": self.kind,
            "id_number": self.id_number,
            "full_name": self.full_name,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "notify_by": self.notify_by,
        }
        return Applicant.model_validate(fields, context=ADMITTING)


@strawberry.input(description="A paper slot filled from the applicant's e-data repository.")
class ReusedPaperInput:
    slot: str
    repository_item_id: strawberry.ID = strawberry.field(
        description="An item of the applicant's own e-data repository (`myRepository`): its "
        "`id` or its `token`."
    )


@strawberry.input(description="A new dossier.")
class SubmitDossierInput:
    procedure_code: str
    receiving_agency_code: str
    channel: Channel = strawberry.field(description="How it is handed in.")
    applicant: ApplicantInput = strawberry.field(description="Who applies.")
    data: JSON = strawberry.field(
        description="The form data, validated against the procedure's current form version."
    )
    reused_papers: list[ReusedPaperInput] = strawberry.field(
        default_factory=list,
        description="Papers taken from the repository instead of uploaded; slots a recent "
        "result fills (`satisfiedByResult`) are filled without being named.",
    )

    def reused(self) -> tuple[ReusedPaper, ...]:
        return tuple(
            ReusedPaper(p.slot, raw_key(p.repository_item_id, "RepositoryItem"))
            for p in self.reused_papers
        )


@strawberry.input(description="Which dossiers to list: those matching every criterion given.")
class DossierFilterInput:
    status: list[DossierStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    procedure_code: str | None = None
    agency_code: str | None = strawberry.field(
        default=None, description="Dossiers this agency receives or handles."
    )
    received_from: date | None = strawberry.field(
        default=None, description="Received on this local day or later."
    )
    received_to: date | None = strawberry.field(default=None, description="Inclusive.")
    applicant_id: str | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Open, past the deadline, not waiting for supplements."
    )
    due_before: date | None = strawberry.field(
        default=None, description="Deadline before the start of this day (local time)."
    )

    def to_domain(self) -> DossierFilter:
        return DossierFilter(
            status=list(self.status) if self.status else None,
            procedure_code=self.procedure_code,
            agency_code=self.agency_code,
            received_from=self.received_from,
            received_to=self.received_to,
            applicant_id=self.applicant_id,
            overdue=self.overdue,
            due_before=self.due_before,
        )


@strawberry.input(description="Which events to send: those matching every criterion given.")
class DossierEventFilter:
    dossier_code: str | None = None
    procedure_codes: list[str] | None = None
    agency_codes: list[str] | None = strawberry.field(
        default=None, description="Events of dossiers any of these agencies receives or handles."
    )
    types: list[EventType] | None = strawberry.field(
        default=None, description="Events of these types."
    )
    statuses: list[DossierStatus] | None = strawberry.field(
        default=None, description="Events that moved the dossier into one of these statuses."
    )
    group_codes: list[str] | None = strawberry.field(
        default=None,
        description=(
            "Events of these group submissions: their members' and the groups' own "
            "(GROUP_CREATED, GROUP_MEMBER_DONE, GROUP_DONE)."
        ),
    )

    def event_query(self) -> dict[str, Any]:
        """The part of the filter the events themselves answer, as a MongoDB query."""
        query: dict[str, Any] = {}
        if self.dossier_code is not None:
            query["dossier_code"] = self.dossier_code
        if self.types is not None:
            query["type"] = {"$in": [t.value for t in self.types]}
        if self.statuses is not None:
            query["to_status"] = {"$in": [s.value for s in self.statuses]}
        if self.group_codes is not None:
            query["group_code"] = {"$in": self.group_codes}
        return query

    def matches_event(self, event: DossierEvent) -> bool:
        return (
            (self.dossier_code is None or event.dossier_code == self.dossier_code)
            and (self.group_codes is None or event.group_code in self.group_codes)
            and (self.types is None or event.type in self.types)
            and (self.statuses is None or event.to_status in self.statuses)
        )

    def matches_dossier(self, dossier: Dossier) -> bool:
        procedures, agencies = self.procedure_codes, self.agency_codes
        return (procedures is None or dossier.procedure_code in procedures) and (
            agencies is None or bool(set(agencies) & set(dossier.agency_codes))
        )

    def to_domain(self) -> EventFilter:
        """The filter as a webhook stores it: an empty list means any."""
        return EventFilter(
            dossier_code=self.dossier_code,
            procedure_codes=self.procedure_codes or [],
            agency_codes=self.agency_codes or [],
            types=self.types or [],
            statuses=self.statuses or [],
            group_codes=self.group_codes or [],
        )
