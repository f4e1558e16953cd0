"""The scoreboard's row per group (issue 15, item 5) against a hand computation, the
group events and status a member's finish makes, `stats verify|rebuild` over groups,
and members counting for their own agency."""

from __future__ import annotations

import pytest

from api.settings import Settings
from documents.dossiers.events import DossierEvent, EventType
from documents.groups.rebuild import rebuild_groups, stored_groups, verify_groups
from documents.groups.records import DossierGroup, GroupStatus
from documents.groups.statistics import GroupStatsDay
from tests.catalogue import WARD
from tests.conftest import GraphQLClient
from tests.group_events import GROUP, define_group, make_group
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    RECORD_RESULT,
    REFUSE,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

GROUP_STATISTICS = """
query($from: Date!, $to: Date!) {
  groupStatistics(from: $from, to: $to) {
    groupCode name received finished done doneOnTime onTimeRate averageDays averageDeadlineDays
  }
}
"""
MONDAY = "2026-03-02 09:00"  # a working day, before the 15:00 cut-off: the clock starts then


async def approve(gql: GraphQLClient, code: str, at: str) -> None:
    for mutation, extra in ((ACCEPT, {}), (RECORD_RESULT, {"decision": "APPROVE"})):
        payload = await act(gql, at, mutation, code=code, **extra)
        assert payload["errors"] == [], payload["errors"]


async def two_members(gql: GraphQLClient) -> list[str]:
    return [(await submit_at(gql, MONDAY))["code"] for _ in range(2)]


async def three_groups(gql: GraphQLClient, settings: Settings) -> list[list[str]]:
    """Received Monday 2 March 2026, deadline 3 working days: Thursday 5 March.
    A: results Tuesday and Wednesday -> done Wednesday, 2 days, on time.
    B: results Tuesday and Friday -> done Friday, 4 days, late.
    C: one member refused Tuesday, the other still open -> received only."""
    await define_group()
    groups = [await two_members(gql) for _ in range(3)]
    for name, members in zip("ABC", groups, strict=True):
        await make_group(settings, f"G-{name}", members, local(MONDAY))
    (a1, a2), (b1, b2), (c1, _) = groups
    await approve(gql, a1, "2026-03-03 10:00")
    await approve(gql, a2, "2026-03-04 10:00")
    await approve(gql, b2, "2026-03-03 10:00")
    await approve(gql, b1, "2026-03-06 10:00")
    refused = await act(gql, "2026-03-03 10:00", REFUSE, code=c1, reason="thiếu giấy tờ")
    assert refused["errors"] == []
    return groups


async def test_the_group_row_matches_a_hand_computation(
    gql: GraphQLClient, settings: Settings
) -> None:
    await three_groups(gql, settings)
    variables = {"from": "2026-03-01", "to": "2026-03-31"}
    rows = (await gql.anonymous().data(GROUP_STATISTICS, variables))["groupStatistics"]
    assert rows == [
        {
            "groupCode": GROUP,
            "name": "Liên thông thử",
            "received": 3,
            "finished": 2,
            "done": 2,
            "doneOnTime": 1,  # A; B finished Friday, after Thursday's deadline
            "onTimeRate": 50.0,
            "averageDays": 3.0,  # (2 + 4) / 2
            "averageDeadlineDays": 3.0,
        }
    ]
    # A range that ends before the finishes counts the receptions only.
    early = {"from": "2026-03-01", "to": "2026-03-03"}
    [row] = (await gql.anonymous().data(GROUP_STATISTICS, early))["groupStatistics"]
    assert (row["received"], row["done"], row["averageDays"]) == (3, 0, None)


async def test_a_members_finish_makes_group_events_and_settles_the_group(
    gql: GraphQLClient, settings: Settings
) -> None:
    (a1, a2), (b1, _), (c1, c2) = await three_groups(gql, settings)
    events = await DossierEvent.find({"group_code": "G-A"}).sort("+position").to_list()
    seen = [(e.type, e.dossier_code, e.payload.get("member")) for e in events]
    assert seen == [
        (EventType.GROUP_CREATED, "G-A", None),
        (EventType.ACCEPTED, a1, None),
        (EventType.APPROVED, a1, None),
        (EventType.GROUP_MEMBER_DONE, "G-A", a1),
        (EventType.ACCEPTED, a2, None),
        (EventType.APPROVED, a2, None),
        (EventType.GROUP_MEMBER_DONE, "G-A", a2),
        (EventType.GROUP_DONE, "G-A", None),
    ]
    assert events[-1].payload == {"status": "DONE"}
    done = await DossierGroup.find_one({"code": "G-A"})
    assert done is not None
    assert done.status is GroupStatus.DONE
    assert done.finished_at == local("2026-03-04 10:00")
    refused = await DossierEvent.find({"group_code": "G-C"}).sort("+position").to_list()
    assert [e.type for e in refused][-1] is EventType.GROUP_MEMBER_DONE
    assert refused[-1].payload == {"member": c1, "status": "REFUSED"}
    still = await DossierGroup.find_one({"code": "G-C"})
    assert still is not None
    assert (still.status, still.finished_at) == (GroupStatus.IN_PROGRESS, None)
    # A member's own events carry the group's code (RECEIVED came before this test
    # grouped the dossiers; a group submission groups them as it receives them).
    own = await DossierEvent.find({"dossier_code": b1}).to_list()
    assert {e.group_code for e in own if e.type is not EventType.RECEIVED} == {"G-B"}
    assert c2 not in {e.payload.get("member") for e in refused}


async def test_stats_verify_agrees_and_rebuild_restores_the_group_rows(
    gql: GraphQLClient, settings: Settings
) -> None:
    await three_groups(gql, settings)
    assert await verify_groups(settings.office_hours) == []
    kept = await stored_groups()
    await GroupStatsDay.get_pymongo_collection().update_many({}, {"$inc": {"done": 1}})
    assert any("done: stored" in line for line in await verify_groups(settings.office_hours))
    assert await rebuild_groups(settings.office_hours) == len(kept)
    assert await verify_groups(settings.office_hours) == []
    assert await stored_groups() == kept


PUBLIC = """
query($from: Date!, $to: Date!, $agency: String) {
  publicStatistics(from: $from, to: $to, scope: {agencyCode: $agency}) {
    totals { received resolved }
  }
}
"""


async def test_each_member_counts_for_its_own_agency(
    gql: GraphQLClient, settings: Settings
) -> None:
    await three_groups(gql, settings)
    variables = {"from": "2026-03-01", "to": "2026-03-31", "agency": WARD}
    totals = (await gql.anonymous().data(PUBLIC, variables))["publicStatistics"]["totals"]
    # Six member dossiers received at the ward, four resolved with a result: the
    # groups add no dossier of their own.
    assert (totals["received"], totals["resolved"]) == (6, 4)
