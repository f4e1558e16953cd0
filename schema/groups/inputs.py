"""What administrators send to define or change a procedure group, and its translation
into the domain's fields (a list of pointer pairs becomes a mapping)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from documents.common.errors import DomainError, ErrorCode
from schema.core.input_checks import NAME_MAX_LENGTH, text


@strawberry.input(description="One value copied from a JSON pointer to another.")
class PointerMappingInput:
    target: str = strawberry.field(description="JSON pointer into the data filled in.")
    source: str = strawberry.field(description="JSON pointer into the data read from.")


@strawberry.input(description="A procedure of the group.")
class ProcedureGroupMemberInput:
    procedure_code: str
    required: bool = strawberry.field(
        default=False, description="Chosen in every submission of the group."
    )
    mapping: list[PointerMappingInput] = strawberry.field(
        default_factory=list,
        description="Target in the member's form, source in the combined form.",
    )


@strawberry.input(
    description="`toProcedure` waits for the result of `fromProcedure`, which fills its fields."
)
class ProcedureGroupFeedInput:
    from_procedure: str
    to_procedure: str
    fields: list[PointerMappingInput] = strawberry.field(
        default_factory=list,
        description="Target in the waiting member's data, source in the result's data.",
    )
    result_type: str | None = None


@strawberry.input(description="A new procedure group, whole (docs/groups.md).")
class ProcedureGroupInput:
    code: str
    name: str = text(NAME_MAX_LENGTH)
    members: list[ProcedureGroupMemberInput] = strawberry.field(description="Its procedures.")
    processing_days: int = strawberry.field(description="The group's time, working days.")
    verification_days: int = strawberry.field(
        description="The group's time when verification is needed, working days."
    )
    combined_form: JSON = strawberry.field(description="A JSON Schema, draft 2020-12.")
    combinations: list[list[str]] = strawberry.field(default_factory=list)
    feeds: list[ProcedureGroupFeedInput] = strawberry.field(
        default_factory=list, description="Which member waits for which member's result."
    )
    active: bool = strawberry.field(default=True, description="Whether it may be submitted.")


@strawberry.input(description="Only the fields given are changed; the group is checked whole.")
class ProcedureGroupUpdateInput:
    name: str | None = text(NAME_MAX_LENGTH, default=strawberry.UNSET)
    members: list[ProcedureGroupMemberInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Its procedures, whole."
    )
    processing_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="The group's time, working days."
    )
    verification_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="The time when verification is needed, working days."
    )
    combined_form: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="The one form, a JSON Schema."
    )
    combinations: list[list[str]] | None = strawberry.UNSET
    feeds: list[ProcedureGroupFeedInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The feeds, whole."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether it may be submitted."
    )


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
