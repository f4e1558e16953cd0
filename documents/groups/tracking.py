"""Keeping a group submission up to date in its members' transactions: its events,
its status and finish, and its statistics roll-up (docs/groups.md, "Integrators and
statistics"). Every function runs inside the caller's event transaction; the events it
returns go to that transaction's `record_events`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import WorkingCalendar
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.statuses import FINISHED, DossierStatus
from documents.groups.definition import ProcedureGroup
from documents.groups.events import group_created_event, group_events_after_change
from documents.groups.progress import MemberClock, group_progress
from documents.groups.records import DossierGroup, GroupStatus
from documents.groups.statistics import count_group_change


async def record_group_created(
    session: AsyncClientSession, group: DossierGroup, calendar: WorkingCalendar
) -> DossierEvent:
    """Count a new group as received; its GROUP_CREATED event, to record."""
    await count_group_change(session, None, group, calendar)
    return group_created_event(group)


async def apply_group_change(
    session: AsyncClientSession,
    group: DossierGroup,
    members_before: Mapping[str, DossierStatus],
    members_after: Sequence[Dossier],
    calendar: WorkingCalendar,
    *,
    at: datetime,
    actor: str | None = None,
) -> list[DossierEvent]:
    """The group events of a change to its members (`members_after`: every member as
    the transaction writes it). When the group finishes, its status, finish and final
    deadline (moved by its members' supplement pauses) are written and counted."""
    after = {member.code: member.status for member in members_after}
    events = group_events_after_change(group, members_before, after, at=at, actor=actor)
    if not any(event.type is EventType.GROUP_DONE for event in events):
        return events
    before = group.model_copy()
    group.status = GroupStatus(events[-1].payload["status"])
    group.finished_at = at
    definition = await ProcedureGroup.find_one({"code": group.group_code}, session=session)
    if definition is not None:  # else (a definition removed meanwhile) the stored deadline
        days = definition.verification_days if group.verification else definition.processing_days
        clocks = [MemberClock.of(member) for member in members_after]
        progress = group_progress(calendar, group.received_at, days, clocks)
        group.status, group.due_at = progress.status, progress.due_at
        group.finished_at = progress.finished_at or at
    changes = {"status": group.status.value, "finished_at": group.finished_at}
    await DossierGroup.get_pymongo_collection().update_one(
        {"_id": group.id}, {"$set": changes | {"due_at": group.due_at}}, session=session
    )
    await count_group_change(session, before, group, calendar)
    return events


async def after_member_action(
    session: AsyncClientSession,
    dossier: Dossier,
    status_before: DossierStatus,
    calendar: WorkingCalendar,
    also_moved: Sequence[DossierEvent] = (),
    *,
    at: datetime,
    actor: str | None = None,
) -> list[DossierEvent]:
    """A workflow action on `dossier` (written in this transaction) moved it from
    `status_before`: the group events it makes, when it belongs to a group and has just
    finished; none otherwise. `also_moved`: the events of other members this transaction
    moved (e.g. dependents withdrawn), whose `from_status` is their status before. Reads
    the group and its other members in the transaction, as it writes them."""
    if dossier.group_code is None or dossier.status not in FINISHED:
        return []
    if status_before in FINISHED:
        return []
    group = await DossierGroup.find_one({"code": dossier.group_code}, session=session)
    if group is None:
        return []
    others = [m.dossier_code for m in group.members if m.dossier_code != dossier.code]
    found = await Dossier.find({"code": {"$in": others}}, session=session).to_list()
    members = [*found, dossier]
    before = {m.code: m.status for m in found} | {dossier.code: status_before}
    for event in reversed(also_moved):  # the earliest status before wins
        if event.dossier_code in before and event.from_status is not None:
            before[event.dossier_code] = event.from_status
    return await apply_group_change(session, group, before, members, calendar, at=at, actor=actor)
