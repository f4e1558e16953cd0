"""Who an online submission comes from: the applicant's proved identity, checked against
the applicant it names and the identity level its procedure requires
(docs/integrations.md, "Identity")."""

from __future__ import annotations

from dataclasses import dataclass

from documents.catalogue.procedures import Procedure
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Applicant, ApplicantKind

# The levels an identity provider vouches for (VNeID accounts are level 1 or 2).
LEVELS = (1, 2)


@dataclass(frozen=True)
class OnlineIdentity:
    """What an online submitter proved: `id_number` and `kind` are the applicant's own
    verified number (a citizen's identification number, a business's tax code), which
    the submission must name; None when the submitter is not the applicant (an
    integrator's key). `level` is the vouched identity-assurance level, None if unknown.
    A submission without an OnlineIdentity is received by an officer, who checks
    identity in person."""

    id_number: str | None = None
    kind: ApplicantKind | None = None
    level: int | None = None


def check_applicant(identity: OnlineIdentity | None, applicant: Applicant) -> None:
    """An applicant signed in as themselves submits only as themselves: a citizen under
    their own number, a business under its own tax code (NOT_THE_APPLICANT)."""
    if identity is None or identity.id_number is None:
        return
    if applicant.id_number != identity.id_number or applicant.kind is not identity.kind:
        raise DomainError(
            ErrorCode.NOT_THE_APPLICANT,
            "the applicant must be the signed-in citizen or business itself",
            "applicant",
        )


def check_level(identity: OnlineIdentity | None, procedure: Procedure) -> None:
    """An online submission of a procedure that requires an identity level proves at
    least that level (IDENTITY_LEVEL_TOO_LOW); an absent level proves none."""
    required = procedure.requires_identity_level
    if identity is None or required is None:
        return
    if (identity.level or 0) < required:
        raise DomainError(
            ErrorCode.IDENTITY_LEVEL_TOO_LOW,
            f"this procedure needs identity level {required} to be submitted online",
            "procedureCode",
        )
