"""The rule of `dossier(code)` for the HTTP routes that read a dossier (receipt, downloads).

Whoever may see the dossier in GraphQL may open its pages; to everyone else it does
not exist. Unknown codes and dossiers the caller may not see take the same path to the
same answer, so the two cannot be told apart, and each such miss spends one look-up
from the public look-up limiter (`MOTCUA_PUBLIC_LOOKUPS_PER_MINUTE`, shared with
`publicDossierStatus`): codes are guessable, and this is what stops enumerating them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from starlette.requests import Request

from documents.access.policy import Access, access_for
from documents.access.principals import ANONYMOUS, Principal, PrincipalKind
from documents.common.tolerant import read_or_none
from documents.dossiers.dossier import Dossier
from documents.dossiers.privacy import mask_applicant
from schema.core.context import Limiter

# Far longer than any dossier code; longer ones are unknown without asking the database.
MAX_CODE_LENGTH = 64


class Hidden(enum.Enum):
    """Why a dossier route shows nothing."""

    NOT_FOUND = "NOT_FOUND"  # unknown, or not the caller's to see: one answer for both
    RATE_LIMITED = "RATE_LIMITED"  # too many misses from this caller


@dataclass(frozen=True)
class Seen:
    """A dossier the caller may see, as `dossier(code)` would show it to them."""

    dossier: Dossier
    access: Access

    @property
    def shown(self) -> Dossier:
        """The dossier with the applicant's personal data masked unless the caller is
        the applicant or handles it (the receipt shows no form data)."""
        if self.access.sees_personal_data(self.dossier):
            return self.dossier
        masked = mask_applicant(self.dossier.applicant)
        return self.dossier.model_copy(update={"applicant": masked})


def principal_of(request: Request) -> Principal:
    principal: Principal = request.scope.get("state", {}).get("principal", ANONYMOUS)
    return principal


def lookup_key(request: Request) -> str:
    """Signed-in callers are limited one by one; anonymous ones by client address, the
    key `publicDossierStatus` uses, so both spend the same budget."""
    principal = principal_of(request)
    if principal.kind is not PrincipalKind.ANONYMOUS:
        return f"{principal.kind.value}:{principal.subject}"
    return request.client.host if request.client else ""


async def find_visible(request: Request, code: str, lookups: Limiter) -> Seen | Hidden:
    """The dossier `code` if the caller may see it; otherwise why not."""
    access = await access_for(principal_of(request))
    # Callers who may see no dossier at all (anonymous ones above all) cost no query.
    if access.dossier_filter() is not None and len(code) <= MAX_CODE_LENGTH:
        raw = await Dossier.get_pymongo_collection().find_one({"code": code})
        dossier = read_or_none(Dossier, raw)  # one this version cannot read: counted, a 404
        if dossier is not None and access.can_view(dossier):
            return Seen(dossier, access)
    if not await lookups.allow(lookup_key(request)):
        return Hidden.RATE_LIMITED
    return Hidden.NOT_FOUND
