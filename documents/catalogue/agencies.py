"""Agencies: units of the administration, arranged in a tree."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed

from documents.common.errors import not_found
from documents.common.tolerant import readable


class AgencyLevel(StrEnum):
    CITY = "CITY"
    PROVINCE = "PROVINCE"
    CENTRE = "CENTRE"
    BRANCH = "BRANCH"
    SERVICE_POINT = "SERVICE_POINT"
    DEPARTMENT = "DEPARTMENT"
    SECTOR_AGENCY = "SECTOR_AGENCY"
    DISTRICT = "DISTRICT"
    COMMUNE = "COMMUNE"
    WARD = "WARD"
    SPECIAL_ZONE = "SPECIAL_ZONE"


class AgencyState(StrEnum):
    ACTIVE = "ACTIVE"
    MERGED = "MERGED"


class Agency(Document):
    """A unit with a code in the national agency-code format, e.g. `000.00.15.H26`."""

    code: Annotated[str, Indexed(unique=True)]
    name: str
    name_en: str | None = None
    level: AgencyLevel
    parent_code: Annotated[str | None, Indexed()] = None
    address: str | None = None
    state: AgencyState = AgencyState.ACTIVE
    # Set together by a merge (documents/merges/merging.py): the agency this one became, and
    # the day it took effect. A merged agency is kept, so history can still name it.
    merged_into: Annotated[str | None, Indexed()] = None
    merged_at: date | None = None
    # A commune, ward or special zone: its administrative-unit code, which forms carry.
    unit_code: Annotated[str | None, Indexed()] = None
    # A service point: the code of the commune or ward agency it serves.
    serves_code: str | None = None
    # The period the agency existed in (local dates, inclusive); None is open-ended.
    valid_from: date | None = None
    valid_to: date | None = None

    class Settings:
        name = "agencies"

    def merged_by(self, day: date | None = None) -> bool:
        """Whether this agency had been merged into another by `day` (at all, if None)."""
        if self.state is not AgencyState.MERGED or self.merged_into is None:
            return False
        return day is None or self.merged_at is None or self.merged_at <= day


async def root_agencies() -> list[Agency]:
    return await readable(Agency.find(Agency.parent_code == None).sort("+code"))  # noqa: E711


async def subtree_codes(code: str) -> frozenset[str]:
    """The agency and every agency below it, and every agency merged into one of
    them (so the merged agencies' history stays in view), one query per level."""
    found = {code}
    level = [code]
    while level:
        below = await readable(
            Agency.find({"$or": [{"parent_code": {"$in": level}}, {"merged_into": {"$in": level}}]})
        )
        level = [a.code for a in below if a.code not in found]
        found.update(level)
    return frozenset(found)


async def resolve_current(code: str, on: date | None = None, field: str | None = None) -> Agency:
    """The agency `code` is now: itself, or the agency it was merged into, following
    the chain of merges (only those in effect by `on`, when given)."""
    agency = await Agency.find_one(Agency.code == code)
    seen = {code}
    while agency is not None and agency.merged_by(on) and agency.merged_into not in seen:
        assert agency.merged_into is not None  # merged_by checks it
        seen.add(agency.merged_into)
        agency = await Agency.find_one(Agency.code == agency.merged_into)
    if agency is None:
        raise not_found("agency", code, field)
    return agency


async def current_codes(codes: list[str], on: date | None = None) -> dict[str, str]:
    """Each code mapped to the code of the agency it is now (see `resolve_current`),
    one query per step along the longest chain of merges; unknown codes map to
    themselves."""
    merged_into: dict[str, str] = {}
    looked: set[str] = set()
    wanted = set(codes)
    while wanted:
        found = await readable(
            Agency.find({"code": {"$in": sorted(wanted)}, "state": AgencyState.MERGED.value})
        )
        merged_into.update(
            {a.code: a.merged_into for a in found if a.merged_by(on) and a.merged_into}
        )
        looked.update(wanted)
        wanted = {code for code in merged_into.values() if code not in looked}
    return {code: _follow(code, merged_into) for code in codes}


def _follow(code: str, merged_into: dict[str, str]) -> str:
    seen = {code}
    while code in merged_into and merged_into[code] not in seen:
        code = merged_into[code]
        seen.add(code)
    return code
