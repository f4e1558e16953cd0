"""The public look-up of a group submission: the group as a whole and each member's
procedure, agency and status, with no personal data (docs/groups.md)."""

from __future__ import annotations

import strawberry

from documents.calendar.declared_days import load_calendar
from documents.dossiers.statuses import DossierStatus
from documents.groups.definition import ProcedureGroup
from documents.groups.lookup import member_dossiers, progress_of
from documents.groups.records import DossierGroup
from schema.core.context import Info
from schema.core.global_ids import derived_id
from schema.dossiers.types import PublicDossierStatus


@strawberry.type(description="One member of a group submission, as the public sees it.")
class PublicGroupMember:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the group submission's code and the member dossier's code."
    )
    code: str = strawberry.field(description="The member dossier's code.")
    procedure_name: str = strawberry.field(description="The member's procedure.")
    agency_name: str = strawberry.field(description="The competent (handling) agency.")
    status: DossierStatus | None = strawberry.field(
        description="Null only when this version cannot read the member dossier."
    )


async def public_group_status(info: Info, group: DossierGroup) -> PublicDossierStatus:
    """The group where `publicDossierStatus` shows a dossier: its name for the procedure,
    the group deadline for the appointment, the receiving desk for the agency."""
    loaders = info.context.loaders
    dossiers = await member_dossiers(group)
    progress = await progress_of(await load_calendar(info.context.office_hours), group, dossiers)
    members = []
    for member in group.members:
        procedure = await loaders.procedure_by_code.load(member.procedure_code)
        agency = await loaders.agency_by_code.load(member.agency_code)
        dossier = dossiers.get(member.dossier_code)
        members.append(
            PublicGroupMember(
                id=derived_id("PublicGroupMember", group.code, member.dossier_code),
                code=member.dossier_code,
                procedure_name=procedure.name if procedure else member.procedure_code,
                agency_name=agency.name if agency else member.agency_code,
                status=dossier.status if dossier else None,
            )
        )
    definition = await _definition_name(group.group_code)
    desk = await loaders.agency_by_code.load(group.receiving_agency_code)
    return PublicDossierStatus(
        id=derived_id("PublicDossierStatus", group.code),
        code=group.code,
        procedure_name=definition or group.group_code,
        status=None,
        group_status=progress.status,
        received_at=group.received_at,
        appointment_at=progress.due_at,
        timeliness=progress.timeliness,
        handling_agency_name=desk.name if desk else group.receiving_agency_code,
        members=members,
    )


async def _definition_name(code: str) -> str | None:
    definition = await ProcedureGroup.find_one(ProcedureGroup.code == code)
    return definition.name if definition else None
