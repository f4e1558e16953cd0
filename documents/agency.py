"""Agencies: units of the administration, arranged in a tree."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed


class AgencyLevel(StrEnum):
    CITY = "CITY"
    CENTRE = "CENTRE"
    BRANCH = "BRANCH"
    DEPARTMENT = "DEPARTMENT"
    DISTRICT = "DISTRICT"
    COMMUNE = "COMMUNE"
    WARD = "WARD"


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
    merged_into: str | None = None
    merged_at: date | None = None

    class Settings:
        name = "agencies"


async def root_agencies() -> list[Agency]:
    return await Agency.find(Agency.parent_code == None).sort("+code").to_list()  # noqa: E711


async def subtree_codes(code: str) -> frozenset[str]:
    """The agency and every agency below it, one query per level of the tree."""
    found = {code}
    level = [code]
    while level:
        children = await Agency.find({"parent_code": {"$in": level}}).to_list()
        level = [a.code for a in children if a.code not in found]
        found.update(level)
    return frozenset(found)
