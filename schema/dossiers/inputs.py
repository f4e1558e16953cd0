from __future__ import annotations

from datetime import date

import strawberry
from strawberry.scalars import JSON

from documents.dossiers.dossier import Applicant
from documents.dossiers.search import DossierFilter
from documents.papers.reuse import ReusedPaper
from schema.core.enums import ApplicantKind, Channel, DossierStatus


@strawberry.input
class ApplicantInput:
    kind: ApplicantKind
    id_number: str = strawberry.field(
        description="12-digit personal identification number, or the business's tax code."
    )
    full_name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None

    def to_domain(self) -> Applicant:
        """Raises pydantic.ValidationError on malformed values."""
        return Applicant(
            kind=self.kind,
            id_number=self.id_number,
            full_name=self.full_name,
            phone=self.phone,
            email=self.email,
            address=self.address,
        )


@strawberry.input
class ReusedPaperInput:
    slot: str
    repository_item_id: strawberry.ID = strawberry.field(
        description="An item of the applicant's own e-data repository (`myRepository`)."
    )


@strawberry.input
class SubmitDossierInput:
    procedure_code: str
    receiving_agency_code: str
    channel: Channel
    applicant: ApplicantInput
    data: JSON
    reused_papers: list[ReusedPaperInput] = strawberry.field(
        default_factory=list,
        description="Papers taken from the repository instead of uploaded; slots a recent "
        "result fills (`satisfiedByResult`) are filled without being named.",
    )

    def reused(self) -> tuple[ReusedPaper, ...]:
        return tuple(ReusedPaper(p.slot, str(p.repository_item_id)) for p in self.reused_papers)


@strawberry.input
class DossierFilterInput:
    status: list[DossierStatus] | None = None
    procedure_code: str | None = None
    agency_code: str | None = strawberry.field(
        default=None, description="Dossiers this agency receives or handles."
    )
    received_from: date | None = None
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
