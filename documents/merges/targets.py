"""The agencies a merge or split names: found, checked on the effective date, or made."""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.agencies import Agency, AgencyState
from documents.catalogue.tree_rules import check_new_agency
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.common.inserting import insert_new
from documents.merges.checks import NewAgency, ensure_active, ensure_valid_on, not_active


async def find_agency(code: str, session: AsyncClientSession | None) -> Agency | None:
    return await Agency.find_one(Agency.code == code, session=session)


async def ancestors(code: str | None, session: AsyncClientSession | None) -> list[str]:
    """`code` and every agency above it, nearest first."""
    found: list[str] = []
    while code is not None and code not in found:
        found.append(code)
        agency = await find_agency(code, session)
        code = agency.parent_code if agency else None
    return found


async def checked_new_agency(
    code: str,
    new: NewAgency,
    effective: date,
    where: str,
    session: AsyncClientSession | None,
    described: str | None = None,
) -> Agency:
    """An agency a merge or split creates, valid from the effective date (not saved);
    `where` is the input field of its code, `described` that of its description."""
    fields = described or where
    if await find_agency(code, session) is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"agency {code!r} already exists", where)
    if not code or not new.name.strip():
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "a new agency needs a code and a name", f"{fields}.name"
        )
    if new.parent_code is not None:
        parent = await find_agency(new.parent_code, session)
        if parent is None:
            raise not_found("agency", new.parent_code, f"{fields}.parentCode")
        ensure_active(parent, f"{fields}.parentCode")
        ensure_valid_on(parent, effective, f"{fields}.parentCode")
    created = Agency(
        code=code,
        name=new.name.strip(),
        name_en=new.name_en,
        level=new.level,
        parent_code=new.parent_code,
        address=new.address,
        unit_code=new.unit_code,
        serves_code=new.serves_code,
        valid_from=effective,
    )
    await check_new_agency(created, session, f"{fields}.")  # the 2025 tree's rules
    return created


async def insert_new_agency(agency: Agency, where: str, session: AsyncClientSession) -> None:
    """Save an agency a merge or split creates; a concurrent creation of the same code
    since the checks is ALREADY_EXISTS on `where`."""
    await insert_new(agency, f"agency {agency.code!r} already exists", where, session)


async def checked_existing(
    code: str, effective: date, where: str, session: AsyncClientSession | None
) -> Agency:
    existing = await find_agency(code, session)
    if existing is None:
        raise not_found("agency", code, where)
    if existing.state is not AgencyState.ACTIVE:
        raise not_active(existing, where)
    ensure_valid_on(existing, effective, where)
    return existing


async def active_children(codes: list[str], session: AsyncClientSession | None) -> list[Agency]:
    found = await Agency.find(
        {"parent_code": {"$in": codes}, "state": AgencyState.ACTIVE.value, "code": {"$nin": codes}},
        session=session,
    ).to_list()
    return sorted(found, key=lambda agency: agency.code)
