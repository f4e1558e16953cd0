"""What `motcua token` checks before it signs: the role's required options, their
format, and that the agency exists in the configured database."""

from __future__ import annotations

import re

from pymongo import MongoClient

from api.embedded import database_uri
from api.settings import Settings
from documents.catalogue.agencies import Agency

# Roles whose tokens name an agency, and the one that names a citizen.
AGENCY_ROLES = frozenset(
    {"officer:reception", "officer:specialist", "officer:leader", "agency_admin"}
)
APPLICANT = "applicant"
CITIZEN_ID = re.compile(r"\d{12}")
TAX_CODE = re.compile(r"\d{10}(-\d{3})?")


class TokenRequestError(ValueError):
    """A token no one should get; the message is one line and repeats no personal data."""


def check_request(
    roles: tuple[str, ...],
    role: str,
    agency: str | None,
    id_number: str | None,
    *,
    business: bool = False,
    identity_level: int | None = None,
) -> None:
    """Refuse what no token should carry: a missing or needless option, a malformed id
    (a business's is its tax code), an identity level other than 1 or 2."""
    if role != APPLICANT and (business or identity_level is not None):
        raise TokenRequestError(f"--business and --identity-level are not used by role {role}")
    if identity_level is not None and identity_level not in (1, 2):
        raise TokenRequestError("--identity-level must be 1 or 2")
    if role not in roles:
        raise TokenRequestError(f"unknown role {role[:40]!r}; one of: {', '.join(roles)}")
    if role in AGENCY_ROLES:
        if agency is None:
            raise TokenRequestError(f"--agency is required for role {role}")
    elif agency is not None:
        raise TokenRequestError(f"--agency is not used by role {role}")
    if role == APPLICANT:
        if id_number is None:
            raise TokenRequestError("--id-number is required for role applicant")
        if business:
            if not TAX_CODE.fullmatch(id_number):
                raise TokenRequestError("--id-number must be the business's tax code")
        elif not CITIZEN_ID.fullmatch(id_number):
            # The value is personal data: it is not repeated back.
            raise TokenRequestError(
                "--id-number must be a citizen's 12-digit identification number"
            )
    elif id_number is not None:
        raise TokenRequestError(f"--id-number is not used by role {role}")


def agency_exists(settings: Settings, code: str) -> bool:
    """Whether the configured database (or the embedded one, shared with a running
    `motcua serve`) knows the agency."""
    with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
        client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=10_000)
        try:
            found = client[settings.database][Agency.Settings.name].find_one(
                {"code": code}, {"_id": 1}
            )
        finally:
            client.close()
    return found is not None
