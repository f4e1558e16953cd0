"""Creating and changing procedure groups at run time, for administrators: checked by
`checking.check_group` before anything is stored (docs/groups.md)."""

from __future__ import annotations

from typing import Any

from documents.common.errors import not_found
from documents.common.inserting import insert_new
from documents.groups.checking import check_group
from documents.groups.definition import ProcedureGroup


async def create_group(fields: dict[str, Any]) -> ProcedureGroup:
    """Raises pydantic.ValidationError for malformed fields, DomainError otherwise."""
    group = ProcedureGroup.model_validate(fields)
    await check_group(group)
    await insert_new(group, "a group with this code already exists", "code")
    return group


async def update_group(code: str, changes: dict[str, Any]) -> ProcedureGroup:
    """The group with `changes` applied, checked as a whole; its code never changes."""
    current = await ProcedureGroup.find_one(ProcedureGroup.code == code)
    if current is None:
        raise not_found("procedure group", code, "code")
    merged = {**current.model_dump(exclude={"revision_id"}), **changes, "code": code}
    updated = ProcedureGroup.model_validate(merged)
    await check_group(updated)
    await updated.replace()
    return updated


async def find_group(code: str) -> ProcedureGroup | None:
    return await ProcedureGroup.find_one(ProcedureGroup.code == code)


async def all_groups() -> list[ProcedureGroup]:
    return await ProcedureGroup.find_all().sort("+code").to_list()
