"""A group submission's own events: created, a member done, the group done
(docs/groups.md, "Integrators and statistics"), made here and recorded by the caller's
transaction with `record_events`; and which members a group event is shown with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.statuses import FINISHED, DossierStatus
from documents.groups.progress import group_status
from documents.groups.records import DossierGroup, GroupStatus

GROUP_EVENTS = frozenset(
    {EventType.GROUP_CREATED, EventType.GROUP_MEMBER_DONE, EventType.GROUP_DONE}
)
"""Events whose `dossier_code` (and `group_code`) is a group's code, not a dossier's."""


def _group_event(
    group: DossierGroup, kind: EventType, at: datetime, actor: str | None, **fields: object
) -> DossierEvent:
    return DossierEvent.model_validate(
        {
            "dossier_code": group.code,
            "group_code": group.code,
            "type": kind,
            "at": at,
            "actor": actor,
            "agency_code": group.receiving_agency_code,
            "procedure_code": group.group_code,
        }
        | fields
    )


def group_created_event(group: DossierGroup, actor: str | None = None) -> DossierEvent:
    """GROUP_CREATED, at the group's reception; the payload names its members' codes."""
    members = [member.dossier_code for member in group.members]
    return _group_event(
        group, EventType.GROUP_CREATED, group.received_at, actor, payload={"members": members}
    )


def group_events_after_change(
    group: DossierGroup,
    members_before: Mapping[str, DossierStatus],
    members_after: Mapping[str, DossierStatus],
    *,
    at: datetime,
    actor: str | None = None,
) -> list[DossierEvent]:
    """The group events a change of its members' statuses makes, in this order:
    GROUP_MEMBER_DONE for each member that entered a finished status (a result, or
    refused, rejected, withdrawn, stopped), then GROUP_DONE when the group's status
    (`group_status`) stopped being IN_PROGRESS. Both maps hold every member's status,
    by dossier code; a member missing from `members_after` keeps its status before."""
    after = {**members_before, **members_after}
    events = []
    for member in group.members:
        code = member.dossier_code
        old, new = members_before.get(code), after.get(code)
        if new in FINISHED and old not in FINISHED:
            events.append(
                _group_event(
                    group,
                    EventType.GROUP_MEMBER_DONE,
                    at,
                    actor,
                    agency_code=member.agency_code,
                    procedure_code=member.procedure_code,
                    to_status=new,
                    payload={"member": code, "status": str(new)},
                )
            )
    was = group_status(members_before.values())
    now = group_status(after.values())
    if was is GroupStatus.IN_PROGRESS and now is not GroupStatus.IN_PROGRESS:
        events.append(
            _group_event(group, EventType.GROUP_DONE, at, actor, payload={"status": now.value})
        )
    return events


def members_shown_with(event: DossierEvent, group: DossierGroup) -> list[str]:
    """The member dossiers a group event is shown with, in order of preference: the
    member it names (GROUP_MEMBER_DONE) first, then the others in the group's order. A
    viewer gets the event with the first member they may see, and not at all when they
    may see none (the rule of `documents/access/groups.py`)."""
    named = event.payload.get("member")
    codes = [member.dossier_code for member in group.members]
    return sorted(codes, key=lambda code: code != named)
