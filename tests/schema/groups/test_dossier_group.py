"""`dossierGroup(code)`: the group's status, deadline and members, and who sees what."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.clock import local_date
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import SupplementRound
from documents.dossiers.statuses import DossierStatus
from tests.catalogue import OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.groups import GROUP_CODE, GROUP_DEFINITION, GROUP_NAME, two_member_group

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

QUERY = """
query($code: String!) {
  dossierGroup(code: $code) {
    code status receivedAt dueAt finishedAt onTime timeliness pausedWorkingDays
    group { code name }
    members {
      procedureCode procedureName dossierCode agencyCode agencyName status waitsFor
      dossier { code applicant { fullName idNumber } data }
    }
  }
}
"""


async def group_as(client: GraphQLClient) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await client.data(QUERY, {"code": GROUP_CODE}))["dossierGroup"]
    return found


async def test_the_applicant_sees_every_member_whole(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    group = await group_as(gql.as_role("applicant"))
    assert group is not None
    assert group["group"] == {"code": GROUP_DEFINITION, "name": GROUP_NAME}
    assert group["status"] == "IN_PROGRESS"
    assert (group["finishedAt"], group["onTime"]) == (None, None)
    members = group["members"]
    assert [m["dossierCode"] for m in members] == [made.at_ward, made.at_other_ward]
    assert [m["agencyCode"] for m in members] == [WARD, OTHER_WARD]
    assert [m["agencyName"] for m in members] == ["UBND Phường Thử", "UBND Phường Khác"]
    assert [m["status"] for m in members] == ["RECEIVED", "RECEIVED"]
    assert members[1]["waitsFor"] == ["9.000001"]
    for member in members:
        assert member["dossier"]["applicant"]["fullName"] == "Nguyễn Văn An"
        assert member["dossier"]["data"]["fullName"] == "Nguyễn Văn An"


async def test_an_officer_sees_the_summary_and_only_their_member(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    group = await group_as(gql.as_role("officer:specialist", OTHER_WARD))
    assert group is not None
    ward, other = group["members"]
    # The summary of both: codes, statuses, agencies.
    assert (ward["dossierCode"], ward["status"], ward["agencyCode"]) == (
        made.at_ward,
        "RECEIVED",
        WARD,
    )
    assert other["dossierCode"] == made.at_other_ward
    # Their own member's data; nothing of the other ward's.
    assert other["dossier"]["applicant"]["fullName"] == "Nguyễn Văn An"
    assert ward["dossier"] is None


@pytest.mark.parametrize(
    ("role", "agency", "id_number"),
    [
        ("applicant", None, "001099999999"),  # another citizen
        ("officer:reception", "000.99.99.H26", None),  # an agency with no member
    ],
)
async def test_others_get_null_as_for_an_unknown_code(
    gql: GraphQLClient, role: str, agency: str | None, id_number: str | None
) -> None:
    await two_member_group(gql)
    assert await group_as(gql.as_role(role, agency, id_number)) is None
    assert await group_as(gql.anonymous()) is None
    unknown = await gql.as_role("applicant").data(QUERY, {"code": f"{WARD}-260105-0999"})
    assert unknown["dossierGroup"] is None


async def test_status_and_finish_follow_the_members(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    for code, status in (
        (made.at_ward, DossierStatus.RETURNED),
        (made.at_other_ward, DossierStatus.REJECTED),
    ):
        dossier = await Dossier.find_one(Dossier.code == code)
        assert dossier is not None
        dossier.status, dossier.finished_at = status, made.group.received_at
        await dossier.save()
    group = await group_as(gql.as_role("applicant"))
    assert group is not None
    assert group["status"] == "PARTLY_DONE"
    assert group["finishedAt"] is not None
    assert group["onTime"] is True
    assert group["timeliness"] == "EARLY"


CREATE_KEY = """
mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }
"""


async def test_an_integrator_follows_its_keys_scope(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    admin = gql.as_role("system_admin")

    async def key(agencies: list[str]) -> GraphQLClient:
        variables = {
            "input": {"name": "portal", "operations": ["READ_DOSSIERS"], "agencies": agencies}
        }
        return admin.with_api_key(
            (await admin.data(CREATE_KEY, variables))["createApiKey"]["secret"]
        )

    group = await group_as(await key([WARD]))
    assert group is not None
    ward, other = group["members"]
    assert ward["dossier"]["code"] == made.at_ward
    assert (other["dossierCode"], other["dossier"]) == (made.at_other_ward, None)
    assert await group_as(await key(["000.99.99.H26"])) is None


async def test_the_group_deadline_moves_by_a_members_supplement_pause(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    received = made.group.received_at
    dossier = await Dossier.find_one(Dossier.code == made.at_other_ward)
    assert dossier is not None
    # Asked on the day received, answered a week later: 5 working days, unless a
    # holiday falls in that week (the calendar says).
    answered = received + timedelta(7)
    dossier.supplements = [
        SupplementRound(requested_at=received, items=[], supplemented_at=answered)
    ]
    await dossier.save()
    group = await group_as(gql.as_role("applicant"))
    assert group is not None
    calendar = WorkingCalendar()
    paused = calendar.working_days_between(local_date(received), local_date(answered))
    assert group["pausedWorkingDays"] == paused > 0
    moved = calendar.postpone(made.group.due_at, paused)
    assert datetime.fromisoformat(group["dueAt"]) == moved
