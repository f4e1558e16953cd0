"""`dossierGroup(code)`: a group submission, its status and deadline, and its members as
the viewer may see them (docs/groups.md, "Who sees what")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from documents.access.groups import sees_group
from documents.calendar.declared_days import load_calendar
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import DossierStatus
from documents.groups.defining import find_group
from documents.groups.lookup import find_dossier_group, member_dossiers, progress_of
from documents.groups.records import DossierGroup, GroupMemberDossier, GroupStatus
from schema.core.context import Info
from schema.core.global_ids import derived_id
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType
from schema.groups.types import ProcedureGroupType


@strawberry.type(
    name="DossierGroupMember",
    description="One member dossier of a group submission. Its summary (codes, status, "
    "agency) is shown to whoever sees the group; `dossier` only to those who may see "
    "that dossier, null for the others.",
)
class DossierGroupMemberType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the group's and the member dossier's codes, for caches; "
        "not a `Node` (docs/relay.md)."
    )
    procedure_code: str = strawberry.field(description="The member's procedure.")
    dossier_code: str = strawberry.field(description="The member dossier's code.")
    agency_code: str = strawberry.field(description="The competent (handling) agency.")
    status: DossierStatus | None = strawberry.field(
        description="Null only when this version cannot read the member dossier."
    )
    waits_for: list[str] = strawberry.field(
        description="The member procedures whose results it waits for."
    )
    dossier: DossierType | None = strawberry.field(
        description="The dossier, if you may see it; null otherwise."
    )

    @strawberry.field(description="The procedure's name (its code if no longer in the catalogue).")
    async def procedure_name(self, info: Info) -> str:
        procedure = await info.context.loaders.procedure_by_code.load(self.procedure_code)
        return procedure.name if procedure else self.procedure_code

    @strawberry.field(description="The handling agency's name (its code if unknown).")
    async def agency_name(self, info: Info) -> str:
        agency = await info.context.loaders.agency_by_code.load(self.agency_code)
        return agency.name if agency else self.agency_code


@strawberry.type(
    name="DossierGroup",
    description="One group submission (liên thông): linked dossiers at several agencies.",
)
class DossierGroupType(relay.Node):
    code: str = strawberry.field(
        description="The group submission's code (the dossier code format)."
    )
    group_code: str = strawberry.field(description="The procedure group submitted.")
    receiving_agency_code: str = strawberry.field(description="The desk that received it.")
    verification: bool = strawberry.field(description="Verification needed: the longer time.")
    status: GroupStatus = strawberry.field(description="Where the group stands, from its members.")
    received_at: datetime = strawberry.field(description="The first reception.")
    due_at: datetime = strawberry.field(
        description="The group deadline: the group's working days from the first reception, "
        "moved later by the working days on which a member waited for supplements."
    )
    paused_working_days: int = strawberry.field(description="Working days its clock stood still.")
    finished_at: datetime | None = strawberry.field(
        description="When the last member finished; null while any is open."
    )
    timeliness: Timeliness | None = strawberry.field(
        description="Against the group deadline, once finished; null while open."
    )
    on_time: bool | None = strawberry.field(
        description="Finished by the group deadline; null while open or with no timed member."
    )
    members: list[DossierGroupMemberType] = strawberry.field(description="Its member dossiers.")

    @strawberry.field(description="The group's definition: its code and name, and more.")
    async def group(self) -> ProcedureGroupType | None:
        definition = await find_group(self.group_code)
        return ProcedureGroupType.from_document(definition) if definition else None

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DossierGroupType | None]:
        """`dossierGroup(code)`'s rule: null for a group the viewer may not see."""
        found: list[DossierGroupType | None] = []
        for code in node_ids:
            group = await find_dossier_group(code)
            found.append(await shown_group(info, group) if group else None)
        return found


async def _member(
    info: Info, group_code: str, member: GroupMemberDossier, dossier: Dossier | None
) -> DossierGroupMemberType:
    return DossierGroupMemberType(
        id=derived_id("DossierGroupMember", group_code, member.dossier_code),
        procedure_code=member.procedure_code,
        dossier_code=member.dossier_code,
        agency_code=member.agency_code,
        status=dossier.status if dossier else None,
        waits_for=list(member.waits_for),
        dossier=await present(info, dossier),
    )


async def shown_group(info: Info, group: DossierGroup) -> DossierGroupType | None:
    """The group as the viewer may see it; None when it may not see it at all."""
    dossiers = await member_dossiers(group)
    if not sees_group(await info.context.access(), group, dossiers.values()):
        return None
    progress = await progress_of(await load_calendar(info.context.office_hours), group, dossiers)
    members = [
        await _member(info, group.code, m, dossiers.get(m.dossier_code)) for m in group.members
    ]
    return DossierGroupType(
        code=group.code,
        group_code=group.group_code,
        receiving_agency_code=group.receiving_agency_code,
        verification=group.verification,
        status=progress.status,
        received_at=group.received_at,
        due_at=progress.due_at,
        paused_working_days=progress.paused_working_days,
        finished_at=progress.finished_at,
        timeliness=progress.timeliness,
        on_time=progress.on_time,
        members=members,
    )


@strawberry.type
class DossierGroupQueries:
    @strawberry.field(
        description="A group submission by its code: its applicant and system "
        "administrators see every member; an officer or integrator who may see one member "
        "sees the group's summary and only the members' dossiers they may see; to anyone "
        "else it is null, like an unknown code."
    )
    async def dossier_group(self, info: Info, code: str) -> DossierGroupType | None:
        group = await find_dossier_group(code)
        return await shown_group(info, group) if group else None
