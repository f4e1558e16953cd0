"""Creating and changing procedure groups at run time, for administrators: checked by
`checking.check_group` before anything is stored (docs/groups.md)."""

from __future__ import annotations

from typing import Any

from documents.common.checked_edits import create_checked, update_checked
from documents.groups.checking import check_group
from documents.groups.definition import ProcedureGroup


async def create_group(fields: dict[str, Any]) -> ProcedureGroup:
    """Raises pydantic.ValidationError for malformed fields, DomainError otherwise."""
    taken = "a group with this code already exists"
    return await create_checked(ProcedureGroup, fields, check_group, taken)


async def update_group(code: str, changes: dict[str, Any]) -> ProcedureGroup:
    """The group with `changes` applied, checked as a whole; its code never changes."""
    return await update_checked(ProcedureGroup, code, changes, check_group, "procedure group")


async def find_group(code: str) -> ProcedureGroup | None:
    return await ProcedureGroup.find_one(ProcedureGroup.code == code)


async def all_groups() -> list[ProcedureGroup]:
    return await ProcedureGroup.find_all().sort("+code").to_list()
