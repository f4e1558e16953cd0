"""Who is asking: the principals the access policy knows about."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import ApplicantKind
from documents.papers.consents import ConsentClaim


class PrincipalKind(StrEnum):
    ANONYMOUS = "ANONYMOUS"
    APPLICANT = "APPLICANT"
    OFFICER = "OFFICER"
    AGENCY_ADMIN = "AGENCY_ADMIN"
    SYSTEM_ADMIN = "SYSTEM_ADMIN"
    INTEGRATOR = "INTEGRATOR"


class Operation(StrEnum):
    """What an integrator's API key may do."""

    READ_DOSSIERS = "READ_DOSSIERS"
    SUBMIT_DOSSIERS = "SUBMIT_DOSSIERS"
    RECORD_PAYMENTS = "RECORD_PAYMENTS"
    SUBSCRIBE = "SUBSCRIBE"
    READ_CATALOGUE = "READ_CATALOGUE"


@dataclass(frozen=True)
class IntegratorScope:
    """Empty agency or procedure sets mean "all"; operations must be listed."""

    agencies: frozenset[str] = frozenset()
    procedures: frozenset[str] = frozenset()
    operations: frozenset[Operation] = frozenset()


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    # The user id (token `sub`) or the API key id.
    subject: str | None = None
    role: OfficerRole | None = None
    agency_code: str | None = None
    # Applicants: a 12-digit personal identification number or a tax code.
    id_number: str | None = None
    applicant_kind: ApplicantKind | None = None
    # Applicants: the identity-assurance level the identity provider vouched for (VNeID
    # level 1 or 2), None if the token does not say (docs/integrations.md, "Identity").
    identity_level: int | None = None
    scope: IntegratorScope = field(default_factory=IntegratorScope)
    # A token's `reuse_consent` claim: the applicant agreed that this submitter reuse
    # their e-data repository for one dossier (docs/papers.md).
    reuse_consent: ConsentClaim | None = None

    @property
    def is_admin(self) -> bool:
        return self.kind in (PrincipalKind.AGENCY_ADMIN, PrincipalKind.SYSTEM_ADMIN)


ANONYMOUS = Principal(kind=PrincipalKind.ANONYMOUS)
