"""The applicant grants, and revokes, the reuse of their repository in a dossier that
someone else files for them (docs/papers.md, "Who may reuse")."""

from __future__ import annotations

from datetime import datetime

from documents.catalogue.agencies import resolve_current
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date
from documents.common.errors import DomainError, ErrorCode
from documents.papers.consents import ReuseConsent, grant
from documents.papers.repository import find_item

# How many items one grant may name.
MAX_GRANT_ITEMS = 50


async def grant_reuse(
    owner_id: str,
    procedure_code: str,
    receiving_agency_code: str,
    item_ids: list[str] | None,
    hours: int,
    now: datetime,
) -> ReuseConsent:
    """A grant for one dossier of the procedure, filed at the receiving desk within
    `hours`: of the owner's items named (their ids), or of any of them (None)."""
    procedure = await Procedure.find_one(Procedure.code == procedure_code)
    if procedure is None or not procedure.active:
        raise DomainError(ErrorCode.NOT_FOUND, "no such procedure", "procedureCode")
    desk = await resolve_current(receiving_agency_code, local_date(now), "receivingAgencyCode")
    tokens: list[str] | None = None
    if item_ids is not None:
        if not 1 <= len(item_ids) <= MAX_GRANT_ITEMS:
            raise DomainError(
                ErrorCode.VALIDATION_FAILED,
                f"name 1 to {MAX_GRANT_ITEMS} items, or none for all",
                "repositoryItemIds",
            )
        tokens = []
        for index, ident in enumerate(item_ids):
            item = await find_item(ident)
            if item is None or item.owner_id != owner_id or item.token is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "no such repository item", f"repositoryItemIds.{index}"
                )
            tokens.append(item.token)
    return await grant(owner_id, procedure.code, desk.code, tokens, hours, now)
