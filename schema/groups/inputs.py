"""What administrators send to define or change a procedure group, and its translation
into the domain's fields (a list of pointer pairs becomes a mapping)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from documents.common.errors import DomainError, ErrorCode
from schema.core.input_checks import NAME_MAX_LENGTH, text


@strawberry.input
class PointerMappingInput:
    target: str = strawberry.field(description="JSON pointer into the data filled in.")
    source: str = strawberry.field(description="JSON pointer into the data read from.")


@strawberry.input
class ProcedureGroupMemberInput:
    procedure_code: str
    required: bool = False
    mapping: list[PointerMappingInput] = strawberry.field(
        default_factory=list,
        description="Target in the member's form, source in the combined form.",
    )


@strawberry.input
class ProcedureGroupFeedInput:
    from_procedure: str
    to_procedure: str
    fields: list[PointerMappingInput] = strawberry.field(
        default_factory=list,
        description="Target in the waiting member's data, source in the result's data.",
    )
    result_type: str | None = None


@strawberry.input
class ProcedureGroupInput:
    code: str
    name: str = text(NAME_MAX_LENGTH)
    members: list[ProcedureGroupMemberInput]
    processing_days: int
    verification_days: int
    combined_form: JSON = strawberry.field(description="A JSON Schema, draft 2020-12.")
    combinations: list[list[str]] = strawberry.field(default_factory=list)
    feeds: list[ProcedureGroupFeedInput] = strawberry.field(default_factory=list)
    active: bool = True


@strawberry.input(description="Only the fields given are changed; the group is checked whole.")
class ProcedureGroupUpdateInput:
    name: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    members: list[ProcedureGroupMemberInput] | None = strawberry.UNSET
    processing_days: int | None = strawberry.UNSET
    verification_days: int | None = strawberry.UNSET
    combined_form: JSON | None = strawberry.UNSET
    combinations: list[list[str]] | None = strawberry.UNSET
    feeds: list[ProcedureGroupFeedInput] | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


def _mapping(pairs: list[PointerMappingInput], field: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        if pair.target in found:
            raise DomainError(ErrorCode.GROUP_INVALID, "a target is filled twice", field)
        found[pair.target] = pair.source
    return found


def _member(member: ProcedureGroupMemberInput, i: int) -> dict[str, Any]:
    return {
        "procedure_code": member.procedure_code,
        "required": member.required,
        "mapping": _mapping(member.mapping, f"members[{i}].mapping"),
    }


def _feed(feed: ProcedureGroupFeedInput, i: int) -> dict[str, Any]:
    return {
        "from_procedure": feed.from_procedure,
        "to_procedure": feed.to_procedure,
        "fields": _mapping(feed.fields, f"feeds[{i}].fields"),
        "result_type": feed.result_type,
    }


def group_fields(value: ProcedureGroupInput | ProcedureGroupUpdateInput) -> dict[str, Any]:
    """The fields the client sent (null in an update means: leave it), as domain data.
    Raises GROUP_INVALID when a mapping fills one target twice."""
    fields: dict[str, Any] = {}
    for name in (
        "code", "name", "processing_days", "verification_days", "combined_form",
        "combinations", "active",
    ):  # fmt: skip
        sent = getattr(value, name, strawberry.UNSET)
        if sent is not strawberry.UNSET and sent is not None:
            fields[name] = sent
    if value.members is not strawberry.UNSET and value.members is not None:
        fields["members"] = [_member(m, i) for i, m in enumerate(value.members)]
    if value.feeds is not strawberry.UNSET and value.feeds is not None:
        fields["feeds"] = [_feed(f, i) for i, f in enumerate(value.feeds)]
    return fields
