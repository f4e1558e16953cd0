"""The rules a procedure group definition must keep before it is stored (docs/groups.md,
"Defining a group"). Each failure is a GROUP_INVALID error (INVALID_SCHEMA for the
combined form) whose field is the path in the input, e.g. `members[1].mapping./child/name`.

Messages name the group's own procedure codes only once they are known members, and a
pointer only once it parses: anything else is whatever the client typed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException

from documents.catalogue.forms.validation import check_schema
from documents.catalogue.procedures import Procedure
from documents.common.errors import DomainError, ErrorCode
from documents.groups.combinations import find_cycle, waits_for
from documents.groups.definition import ProcedureGroup


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.GROUP_INVALID, message, field)


def _parts(pointer: str) -> list[str] | None:
    """The reference tokens of a non-empty JSON pointer, or None when it is not one."""
    try:
        parts = JsonPointer(pointer).parts
    except JsonPointerException:
        return None
    return parts or None


def declares(schema: Any, parts: list[str]) -> bool:
    """True when the schema declares the property the pointer's tokens name, walking
    `properties` (and `items` for an array index)."""
    node = schema
    for part in parts:
        if not isinstance(node, dict):
            return False
        properties = node.get("properties")
        if isinstance(properties, dict) and part in properties:
            node = properties[part]
        elif part.isdigit() and isinstance(node.get("items"), dict):
            node = node["items"]
        else:
            return False
    return True


def _check_members(group: ProcedureGroup, active: Collection[str]) -> None:
    if len(group.members) < 2:
        raise _invalid("a group has at least two member procedures", "members")
    seen: set[str] = set()
    for i, member in enumerate(group.members):
        field = f"members[{i}].procedureCode"
        if member.procedure_code not in active:
            raise _invalid("no active procedure with this code", field)
        if member.procedure_code in seen:
            raise _invalid(f"{member.procedure_code} is listed twice", field)
        seen.add(member.procedure_code)


def _check_pairs(pairs: Mapping[str, str], field: str, schema: Any = None) -> None:
    """Targets and sources of a mapping or a feed's fields are non-empty JSON pointers;
    with a `schema`, each source names a property it declares."""
    for k, (target, source) in enumerate(pairs.items()):
        if _parts(target) is None:
            raise _invalid(f"entry {k + 1}: the target is not a JSON pointer to a field", field)
        where = f"{field}.{target}"
        parts = _parts(source)
        if parts is None:
            raise _invalid("the source is not a JSON pointer to a field", where)
        if schema is not None and not declares(schema, parts):
            raise _invalid("the source names no property of the combined form", where)


def _check_feeds(group: ProcedureGroup, members: list[str]) -> None:
    for i, feed in enumerate(group.feeds):
        if feed.from_procedure not in members:
            raise _invalid("a feed starts at a member of the group", f"feeds[{i}].fromProcedure")
        if feed.to_procedure not in members:
            raise _invalid("a feed ends at a member of the group", f"feeds[{i}].toProcedure")
        if feed.to_procedure == feed.from_procedure:
            raise _invalid("a member cannot wait for its own result", f"feeds[{i}].toProcedure")
        _check_pairs(feed.fields, f"feeds[{i}].fields")
    cycle = find_cycle(members, group.feeds)
    if cycle is not None:
        raise _invalid(f"the feeds form a cycle: {' → '.join(cycle)}", "feeds")


def _check_combinations(group: ProcedureGroup, members: list[str]) -> None:
    required = {m.procedure_code for m in group.members if m.required}
    seen: list[set[str]] = []
    for i, combination in enumerate(group.combinations):
        field = f"combinations[{i}]"
        for j, code in enumerate(combination):
            if code not in members:
                raise _invalid("a combination lists only members of the group", f"{field}[{j}]")
        picked = set(combination)
        if len(picked) != len(combination):
            raise _invalid("a combination lists a member twice", field)
        if len(picked) < 2:
            raise _invalid("a combination has at least two members", field)
        missing = sorted(required - picked)
        if missing:
            raise _invalid(f"a combination holds every required member: {missing[0]}", field)
        for code in combination:
            unfed = [s for s in waits_for(group, code) if s not in picked]
            if unfed:
                raise _invalid(f"{code} waits for {unfed[0]}, which is not in it", field)
        if picked in seen:
            raise _invalid("the same combination is listed twice", field)
        seen.append(picked)


def check_definition(group: ProcedureGroup, active_procedures: Collection[str]) -> None:
    """Raise the first rule the group breaks; `active_procedures`: the codes of the active
    procedures (at least those of its members)."""
    _check_members(group, active_procedures)
    members = [m.procedure_code for m in group.members]
    _check_feeds(group, members)
    _check_combinations(group, members)
    if group.processing_days > group.verification_days:
        raise _invalid(
            "the time with verification is at least the time without it", "verificationDays"
        )
    try:
        check_schema(group.combined_form)
    except DomainError as error:
        raise DomainError(error.code, error.message, "combinedForm") from None
    for i, member in enumerate(group.members):
        _check_pairs(member.mapping, f"members[{i}].mapping", group.combined_form)


async def check_group(group: ProcedureGroup) -> None:
    """`check_definition` against the procedures in the catalogue."""
    codes = sorted({m.procedure_code for m in group.members})
    found = await Procedure.find({"code": {"$in": codes}, "active": True}).to_list()
    check_definition(group, {p.code for p in found})
