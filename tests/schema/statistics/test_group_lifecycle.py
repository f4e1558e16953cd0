"""A real group submission (submitDossierGroup) through to its end: its events, its
status and its scoreboard row (issue 15, items 4 and 5)."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import Settings
from documents.common.clock import fixed_time
from documents.dossiers.events import DossierEvent
from documents.groups.rebuild import verify_groups
from documents.groups.records import DossierGroup, GroupStatus
from tests.catalogue import OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.groups_catalogue import BIRTH, GROUP, RESIDENCE, group_submission, load_group_catalogue
from tests.schema.workflow.workflow_helpers import ACCEPT, HAND_OVER, REFUSE, local

SUBMIT = """
mutation($input: SubmitDossierGroupInput!) {
  submitDossierGroup(input: $input) {
    group { code members { procedureCode dossierCode } }
    errors { field message code }
  }
}
"""
RECORD_RESULT = """
mutation($code: String!, $resultData: JSON) {
  recordResult(code: $code, decision: APPROVE, resultData: $resultData) { errors { code } }
}
"""
ROW = """
query { groupStatistics(from: "2026-03-01", to: "2026-03-31") {
  groupCode received finished done doneOnTime averageDays averageDeadlineDays } }
"""


@pytest.fixture
async def catalogue(http: Any) -> None:
    await load_group_catalogue()


pytestmark = pytest.mark.usefixtures("catalogue")


async def submitted(gql: GraphQLClient) -> tuple[str, str, str]:
    with fixed_time(local("2026-03-02 09:00")):  # Monday: the group is due Thursday 5 March
        body = await gql.data(SUBMIT, {"input": group_submission([BIRTH, RESIDENCE])})
    payload = body["submitDossierGroup"]
    assert payload["errors"] == []
    found = {m["procedureCode"]: m["dossierCode"] for m in payload["group"]["members"]}
    return payload["group"]["code"], found[BIRTH], found[RESIDENCE]


async def group_events(code: str) -> list[tuple[str, str, Any]]:
    events = await DossierEvent.find({"group_code": code}).sort("+position").to_list()
    return [(e.type.value, e.dossier_code, e.payload.get("member")) for e in events]


async def approve(gql: GraphQLClient, code: str, at: str, handler: str, data: Any = None) -> None:
    """Accepted at the ward's desk, where the group was received, handed over to the
    member's handling agency when that is another, and approved by a leader there."""
    with fixed_time(local(at)):
        reception = gql.as_role("officer:reception", agency=WARD)
        accepted = await reception.data(ACCEPT, {"code": code})
        assert accepted["acceptDossier"]["errors"] == []
        if handler != WARD:
            specialist = gql.as_role("officer:specialist", agency=WARD)
            moved = await specialist.data(
                HAND_OVER, {"code": code, "toStep": "approve", "toAgency": handler}
            )
            assert moved["handOver"]["errors"] == []
        leader = gql.as_role("officer:leader", agency=handler)
        recorded = await leader.data(RECORD_RESULT, {"code": code, "resultData": data})
        assert recorded["recordResult"]["errors"] == []


async def test_a_group_done_by_its_deadline_is_counted_on_time(
    gql: GraphQLClient, settings: Settings
) -> None:
    group, birth, residence = await submitted(gql)
    await approve(gql, birth, "2026-03-04 10:00", WARD, {"number": "123/2026"})
    await approve(gql, residence, "2026-03-05 10:00", OTHER_WARD)
    events = await group_events(group)
    assert events[0] == ("GROUP_CREATED", group, None)
    assert [e for e in events if e[0].startswith("GROUP_")] == [
        ("GROUP_CREATED", group, None),
        ("GROUP_MEMBER_DONE", group, birth),
        ("GROUP_MEMBER_DONE", group, residence),
        ("GROUP_DONE", group, None),
    ]
    # Every member event carries the group's code, from its reception on.
    assert {e[1] for e in events} == {group, birth, residence}
    record = await DossierGroup.find_one({"code": group})
    assert record is not None
    assert (record.status, record.finished_at) == (GroupStatus.DONE, local("2026-03-05 10:00"))
    [row] = (await gql.anonymous().data(ROW))["groupStatistics"]
    assert row == {
        "groupCode": GROUP,
        "received": 1,
        "finished": 1,
        "done": 1,
        "doneOnTime": 1,
        "averageDays": 3.0,  # Monday's clock start to Thursday: 3 working days
        "averageDeadlineDays": 3.0,
    }
    assert await verify_groups(settings.office_hours) == []


async def test_a_refused_first_member_ends_the_group_with_its_withdrawn_dependent(
    gql: GraphQLClient, settings: Settings
) -> None:
    group, birth, residence = await submitted(gql)
    with fixed_time(local("2026-03-03 10:00")):
        refused = await gql.data(REFUSE, {"code": birth, "reason": "Sai"})
    assert refused["refuseDossier"]["errors"] == []
    assert [e for e in await group_events(group) if e[0].startswith("GROUP_")] == [
        ("GROUP_CREATED", group, None),
        ("GROUP_MEMBER_DONE", group, birth),
        ("GROUP_MEMBER_DONE", group, residence),  # withdrawn in the same transaction
        ("GROUP_DONE", group, None),
    ]
    record = await DossierGroup.find_one({"code": group})
    assert record is not None
    assert record.status is GroupStatus.REFUSED
    [row] = (await gql.anonymous().data(ROW))["groupStatistics"]
    assert (row["received"], row["finished"], row["done"], row["averageDays"]) == (1, 1, 0, None)
    assert await verify_groups(settings.office_hours) == []
