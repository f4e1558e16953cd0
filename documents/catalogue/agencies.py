"""Agencies: units of the administration, arranged in a tree that changes over time.

Since 1 July 2025 local government has two levels (docs/agencies.md): the city or
province, then communes, wards and special zones. There is no district; a district of
the old tree is kept only as history, as `FORMER_DISTRICT`, valid until 30 June 2025.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed
from pydantic import model_validator

from documents.common.errors import not_found
from documents.common.tolerant import readable

# The first day of two-level local government; the old tree ends the day before.
TWO_LEVELS_FROM = date(2025, 7, 1)
LAST_DAY_OF_DISTRICTS = date(2025, 6, 30)


class AgencyLevel(StrEnum):
    CITY = "CITY"
    PROVINCE = "PROVINCE"
    CENTRE = "CENTRE"
    BRANCH = "BRANCH"
    SERVICE_POINT = "SERVICE_POINT"
    DEPARTMENT = "DEPARTMENT"
    SECTOR_AGENCY = "SECTOR_AGENCY"
    COMMUNE = "COMMUNE"
    WARD = "WARD"
    SPECIAL_ZONE = "SPECIAL_ZONE"
    # History only: a district (quận, huyện, thị xã) of the tree before 1 July 2025.
    FORMER_DISTRICT = "FORMER_DISTRICT"


# The levels of the units that carry an administrative-unit code and that a service
# point serves.
LOCAL_UNITS = frozenset({AgencyLevel.COMMUNE, AgencyLevel.WARD, AgencyLevel.SPECIAL_ZONE})


class AgencyState(StrEnum):
    ACTIVE = "ACTIVE"
    MERGED = "MERGED"
    # Split among several agencies (documents/merges/splitting.py); ends at `valid_to`.
    SPLIT = "SPLIT"


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

    @model_validator(mode="before")
    @classmethod
    def _districts_are_history(cls, data: Any) -> Any:
        """A document stored as a `DISTRICT` (before districts were abolished) reads as a
        former district whose validity ends on 30 June 2025 at the latest."""
        if not isinstance(data, dict) or data.get("level") != "DISTRICT":
            return data
        ends = _as_date(data.get("valid_to"))
        last = LAST_DAY_OF_DISTRICTS if ends is None else min(ends, LAST_DAY_OF_DISTRICTS)
        return {**data, "level": AgencyLevel.FORMER_DISTRICT.value, "valid_to": last}

    def valid_on(self, day: date) -> bool:
        """Whether the agency existed on `day` (its validity is inclusive at both ends)."""
        return self.overlaps(day, day)

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the agency existed on some day from `first` to `last`, inclusive."""
        started = self.valid_from is None or self.valid_from <= last
        return started and (self.valid_to is None or self.valid_to >= first)

    def merged_by(self, day: date | None = None) -> bool:
        """Whether this agency had been merged into another by `day` (at all, if None)."""
        if self.state is not AgencyState.MERGED or self.merged_into is None:
            return False
        return day is None or self.merged_at is None or self.merged_at <= day


def _as_date(value: Any) -> date | None:
    # Stored dates come back from BSON as datetimes at midnight.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _stored(day: date) -> datetime:
    # How Beanie stores a `date`: the datetime at midnight.
    return datetime.combine(day, time.min)


def validity_filter(first: date, last: date | None = None) -> dict[str, Any]:
    """A query filter for the agencies that existed on some day from `first` to `last`
    (inclusive; on `first` alone when `last` is None): the tree of a day or of a
    report's period. Agencies without `valid_from` / `valid_to` are open-ended."""
    last = first if last is None else last
    clauses: list[dict[str, Any]] = [
        {"$or": [{"valid_from": None}, {"valid_from": {"$lte": _stored(last)}}]},
        {"$or": [{"valid_to": None}, {"valid_to": {"$gte": _stored(first)}}]},
    ]
    if first > LAST_DAY_OF_DISTRICTS:  # a stored "DISTRICT" reads as ended by then
        clauses.append({"level": {"$ne": "DISTRICT"}})
    return {"$and": clauses}


async def agencies_valid(
    first: date, last: date | None = None, extra: dict[str, Any] | None = None
) -> list[Agency]:
    """The agencies that existed on some day from `first` to `last` (see
    `validity_filter`), matching `extra` too when given, by code."""
    query = validity_filter(first, last)
    if extra:
        query = {"$and": [query, extra]}
    found = await readable(Agency.find(query).sort("+code"))
    return [a for a in found if a.overlaps(first, first if last is None else last)]


async def root_agencies(on: date | None = None) -> list[Agency]:
    """The roots of the tree; only those that existed on `on`, when given."""
    if on is None:
        return await readable(Agency.find(Agency.parent_code == None).sort("+code"))  # noqa: E711
    return await agencies_valid(on, extra={"parent_code": None})


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
