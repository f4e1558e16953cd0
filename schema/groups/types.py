"""Procedure groups, their members and feeds, and the definition payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from documents.groups.defining import find_group
from documents.groups.definition import Feed, GroupMember, ProcedureGroup
from schema.catalogue.procedures.types import ProcedureType, procedure_by_code
from schema.core.context import Info
from schema.core.errors import UserError
from schema.core.global_ids import derived_id
from schema.core.scalars import as_json


@strawberry.type(description="One value copied from a JSON pointer to another.")
class PointerMapping:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its group's code, the member or feed it belongs to, and the "
        "target pointer (unique in its mapping)."
    )
    target: str = strawberry.field(description="JSON pointer into the data filled in.")
    source: str = strawberry.field(description="JSON pointer into the data read from.")


def _pairs(mapping: Mapping[str, str], group_code: str, *owner: str | int) -> list[PointerMapping]:
    return [
        PointerMapping(id=derived_id("PointerMapping", group_code, *owner, t), target=t, source=s)
        for t, s in mapping.items()
    ]


@strawberry.type(name="ProcedureGroupMember", description="A procedure of a group.")
class GroupMemberType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its group's code and the member's procedure code."
    )
    procedure_code: str = strawberry.field(description="The procedure's national code.")
    required: bool = strawberry.field(description="Chosen in every submission of the group.")
    mapping: list[PointerMapping] = strawberry.field(
        description="How the member's data is derived: target in the member's form, "
        "source in the combined form."
    )

    @classmethod
    def from_model(cls, member: GroupMember, group_code: str) -> GroupMemberType:
        return cls(
            id=derived_id("ProcedureGroupMember", group_code, member.procedure_code),
            procedure_code=member.procedure_code,
            required=member.required,
            mapping=_pairs(member.mapping, group_code, "member", member.procedure_code),
        )

    @strawberry.field(description="The procedure; null if no longer in the catalogue.")
    async def procedure(self, info: Info) -> ProcedureType | None:
        return await procedure_by_code(info, self.procedure_code)


@strawberry.type(
    name="ProcedureGroupFeed",
    description="toProcedure waits for the result of fromProcedure, which fills its fields.",
)
class FeedType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its group's code and the feed's number in the group."
    )
    from_procedure: str = strawberry.field(
        description="The code of the procedure whose result is used."
    )
    to_procedure: str = strawberry.field(description="The code of the procedure that waits for it.")
    fields: list[PointerMapping] = strawberry.field(
        description="Target in the waiting member's data, source in the result's data."
    )
    result_type: str | None = strawberry.field(
        description="The kind of result reused as one of the waiting member's papers."
    )

    @classmethod
    def from_model(cls, feed: Feed, group_code: str, n: int) -> FeedType:
        return cls(
            id=derived_id("ProcedureGroupFeed", group_code, n),
            from_procedure=feed.from_procedure,
            to_procedure=feed.to_procedure,
            fields=_pairs(feed.fields, group_code, "feed", n),
            result_type=feed.result_type,
        )


@strawberry.type(
    name="ProcedureGroup",
    description="Procedures submitted together once (liên thông, docs/groups.md).",
)
class ProcedureGroupType(relay.Node):
    code: str = strawberry.field(description="The group's code.")
    name: str = strawberry.field(description="The group's name.")
    members: list[GroupMemberType] = strawberry.field(description="Its procedures.")
    combinations: list[list[str]] = strawberry.field(
        description="The allowed sets of members; empty: any two or more holding every "
        "required member."
    )
    feeds: list[FeedType] = strawberry.field(
        description="Which member waits for which member's result."
    )
    processing_days: int = strawberry.field(description="The group's time, working days.")
    verification_days: int = strawberry.field(
        description="The group's time when verification is needed, working days."
    )
    combined_form: JSON = strawberry.field(description="The one form, a JSON Schema.")
    active: bool = strawberry.field(description="Whether it may be submitted.")

    @classmethod
    def from_document(cls, group: ProcedureGroup) -> ProcedureGroupType:
        return cls(
            code=group.code,
            name=group.name,
            members=[GroupMemberType.from_model(m, group.code) for m in group.members],
            combinations=[list(c) for c in group.combinations],
            feeds=[
                FeedType.from_model(f, group.code, n) for n, f in enumerate(group.feeds, start=1)
            ],
            processing_days=group.processing_days,
            verification_days=group.verification_days,
            combined_form=as_json(group.combined_form),
            active=group.active,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProcedureGroupType | None]:
        found = [await find_group(code) for code in node_ids]  # public, like procedures
        return [cls.from_document(g) if g else None for g in found]


@strawberry.type(description="A procedure group mutation's error; `field` is the input at fault.")
class ProcedureGroupError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class ProcedureGroupPayload:
    procedure_group: ProcedureGroupType | None = strawberry.field(
        default=None,
        description="The procedure group as it is now; null when there are errors.",
    )
    errors: list[ProcedureGroupError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
