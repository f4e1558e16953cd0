"""Procedure groups, their members and feeds, and the definition payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Mapping

import strawberry
from strawberry.scalars import JSON

from documents.groups.definition import Feed, GroupMember, ProcedureGroup
from schema.catalogue.procedures.types import ProcedureType, procedure_by_code
from schema.core.context import Info
from schema.core.errors import UserError
from schema.core.scalars import as_json


@strawberry.type(description="One value copied from a JSON pointer to another.")
class PointerMapping:
    target: str = strawberry.field(description="JSON pointer into the data filled in.")
    source: str = strawberry.field(description="JSON pointer into the data read from.")


def _pairs(mapping: Mapping[str, str]) -> list[PointerMapping]:
    return [PointerMapping(target=t, source=s) for t, s in mapping.items()]


@strawberry.type(name="ProcedureGroupMember")
class GroupMemberType:
    procedure_code: str
    required: bool = strawberry.field(description="Chosen in every submission of the group.")
    mapping: list[PointerMapping] = strawberry.field(
        description="How the member's data is derived: target in the member's form, "
        "source in the combined form."
    )

    @classmethod
    def from_model(cls, member: GroupMember) -> GroupMemberType:
        return cls(
            procedure_code=member.procedure_code,
            required=member.required,
            mapping=_pairs(member.mapping),
        )

    @strawberry.field
    async def procedure(self, info: Info) -> ProcedureType | None:
        return await procedure_by_code(info, self.procedure_code)


@strawberry.type(
    name="ProcedureGroupFeed",
    description="toProcedure waits for the result of fromProcedure, which fills its fields.",
)
class FeedType:
    from_procedure: str
    to_procedure: str
    fields: list[PointerMapping] = strawberry.field(
        description="Target in the waiting member's data, source in the result's data."
    )
    result_type: str | None = strawberry.field(
        description="The kind of result reused as one of the waiting member's papers."
    )

    @classmethod
    def from_model(cls, feed: Feed) -> FeedType:
        return cls(
            from_procedure=feed.from_procedure,
            to_procedure=feed.to_procedure,
            fields=_pairs(feed.fields),
            result_type=feed.result_type,
        )


@strawberry.type(
    name="ProcedureGroup",
    description="Procedures submitted together once (liên thông, docs/groups.md).",
)
class ProcedureGroupType:
    code: str
    name: str
    members: list[GroupMemberType]
    combinations: list[list[str]] = strawberry.field(
        description="The allowed sets of members; empty: any two or more holding every "
        "required member."
    )
    feeds: list[FeedType]
    processing_days: int = strawberry.field(description="The group's time, working days.")
    verification_days: int = strawberry.field(
        description="The group's time when verification is needed, working days."
    )
    combined_form: JSON = strawberry.field(description="The one form, a JSON Schema.")
    active: bool

    @classmethod
    def from_document(cls, group: ProcedureGroup) -> ProcedureGroupType:
        return cls(
            code=group.code,
            name=group.name,
            members=[GroupMemberType.from_model(m) for m in group.members],
            combinations=[list(c) for c in group.combinations],
            feeds=[FeedType.from_model(f) for f in group.feeds],
            processing_days=group.processing_days,
            verification_days=group.verification_days,
            combined_form=as_json(group.combined_form),
            active=group.active,
        )


@strawberry.type
class ProcedureGroupError(UserError):
    pass


@strawberry.type
class ProcedureGroupPayload:
    procedure_group: ProcedureGroupType | None = None
    errors: list[ProcedureGroupError] = strawberry.field(default_factory=list)
