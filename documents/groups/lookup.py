"""Reading a group submission with its member dossiers and its progress."""

from __future__ import annotations

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.tolerant import read_all, read_or_none
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import DossierStatus
from documents.groups.definition import ProcedureGroup
from documents.groups.progress import (
    GroupProgress,
    MemberClock,
    allowance,
    group_progress,
    progress_against,
)
from documents.groups.records import DossierGroup

# Far longer than any group code; longer ones are unknown without asking the database.
MAX_CODE_LENGTH = 64


async def find_dossier_group(code: str) -> DossierGroup | None:
    """The group submission `code`; None when there is none (or it cannot be read)."""
    if len(code) > MAX_CODE_LENGTH:
        return None
    raw = await DossierGroup.get_pymongo_collection().find_one({"code": code})
    return read_or_none(DossierGroup, raw)


async def member_dossiers(group: DossierGroup) -> dict[str, Dossier]:
    """The group's member dossiers by code, in one query; unreadable ones left out."""
    codes = [member.dossier_code for member in group.members]
    cursor = Dossier.get_pymongo_collection().find({"code": {"$in": codes}})
    return {dossier.code: dossier for dossier in read_all(Dossier, await cursor.to_list())}


async def progress_of(
    calendar: WorkingCalendar, group: DossierGroup, dossiers: dict[str, Dossier]
) -> GroupProgress:
    """The group's status and deadline from its members and its definition's working
    days; a member whose dossier cannot be read counts as still open. Without its
    definition, the stored deadline stands as it is."""
    clocks = [
        MemberClock.of(dossiers[m.dossier_code])
        if m.dossier_code in dossiers
        else MemberClock(DossierStatus.IN_PROGRESS)
        for m in group.members
    ]
    definition = await ProcedureGroup.find_one(ProcedureGroup.code == group.group_code)
    if definition is None:
        return progress_against(group.due_at, clocks)
    days = allowance(definition, group.verification)
    return group_progress(calendar, group.received_at, days, clocks)
