"""Group events from a change of the members' statuses, and replaying a group's events
through an index (issue 15, item 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.feed import replay_stages
from documents.dossiers.statuses import DossierStatus
from documents.groups.events import group_events_after_change, members_shown_with
from documents.groups.records import DossierGroup, GroupMemberDossier

AT = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
S = DossierStatus
# Beanie documents (the group, its events) need an initialised database.
pytestmark = pytest.mark.usefixtures("http")


def group() -> DossierGroup:
    members = [
        GroupMemberDossier(procedure_code=p, dossier_code=c, agency_code=a)
        for p, c, a in (("birth", "D1", "JUSTICE"), ("residence", "D2", "POLICE"))
    ]
    return DossierGroup(
        code="G",
        group_code="BIRTH",
        receiving_agency_code="JUSTICE",
        applicant_id="001090012345",
        members=members,
        received_at=AT,
        due_at=AT,
    )


def kinds(events: list[DossierEvent]) -> list[tuple[EventType, dict[str, object]]]:
    return [(e.type, e.payload) for e in events]


async def test_a_member_with_a_result_is_done_and_the_last_one_finishes_the_group() -> None:
    first = group_events_after_change(
        group(), {"D1": S.IN_PROGRESS, "D2": S.WAITING_FOR_INPUT}, {"D1": S.RESULT_READY}, at=AT
    )
    assert kinds(first) == [
        (EventType.GROUP_MEMBER_DONE, {"member": "D1", "status": "RESULT_READY"})
    ]
    assert (first[0].procedure_code, first[0].agency_code) == ("birth", "JUSTICE")
    assert (first[0].dossier_code, first[0].group_code) == ("G", "G")
    last = group_events_after_change(
        group(), {"D1": S.RESULT_READY, "D2": S.IN_PROGRESS}, {"D2": S.REFUSED}, at=AT
    )
    assert kinds(last) == [
        (EventType.GROUP_MEMBER_DONE, {"member": "D2", "status": "REFUSED"}),
        (EventType.GROUP_DONE, {"status": "PARTLY_DONE"}),
    ]


async def test_moves_between_finished_statuses_or_open_ones_make_no_group_event() -> None:
    returned = group_events_after_change(
        group(), {"D1": S.RESULT_READY, "D2": S.RETURNED}, {"D1": S.RETURNED}, at=AT
    )
    accepted = group_events_after_change(
        group(), {"D1": S.RECEIVED, "D2": S.RECEIVED}, {"D1": S.IN_PROGRESS}, at=AT
    )
    assert returned == accepted == []


async def test_a_group_event_is_shown_with_the_member_it_names_first() -> None:
    named = DossierEvent(
        dossier_code="G", type=EventType.GROUP_MEMBER_DONE, at=AT, payload={"member": "D2"}
    )
    done = DossierEvent(dossier_code="G", type=EventType.GROUP_DONE, at=AT)
    assert members_shown_with(named, group()) == ["D2", "D1"]
    assert members_shown_with(done, group()) == ["D1", "D2"]


@pytest.mark.parametrize(
    ("groups", "index"), [(["G"], "by_group_position"), (["G", "H"], "position")]
)
async def test_a_groups_events_are_replayed_through_an_index(groups: list[str], index: str) -> None:
    query = {"group_code": {"$in": groups}, "type": {"$in": ["GROUP_DONE"]}}
    stages = replay_stages(0, 10, query)
    cursor = DossierEvent.get_pymongo_collection().find(stages[0]["$match"])
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert f'"indexName": "{index}"' in plan
    assert "COLLSCAN" not in plan


async def test_recording_events_finds_their_group_codes_through_an_index() -> None:
    # The query `record_events` makes for the events' dossiers (documents/dossiers/events.py).
    cursor = Dossier.get_pymongo_collection().find({"code": {"$in": ["A", "B"]}})
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert '"indexName": "code_1"' in plan
    assert "COLLSCAN" not in plan
