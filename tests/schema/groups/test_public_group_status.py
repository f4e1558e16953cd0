"""`publicDossierStatus` with a group code: the group and its members, no personal data."""

from __future__ import annotations

import json

import pytest

from tests.catalogue import APPLICANT_ID
from tests.conftest import GraphQLClient
from tests.groups import GROUP_CODE, GROUP_NAME, two_member_group

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

PUBLIC = """
query($code: String!, $last4: String!) {
  publicDossierStatus(code: $code, applicantIdLast4: $last4) {
    code procedureName status groupStatus appointmentAt handlingAgencyName
    members { code procedureName agencyName status }
  }
}
"""


async def test_a_group_code_shows_the_group_and_its_members(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    public = gql.anonymous()
    body = await public.execute(PUBLIC, {"code": GROUP_CODE, "last4": APPLICANT_ID[-4:]})
    found = body["data"]["publicDossierStatus"]
    assert found["code"] == GROUP_CODE
    assert found["procedureName"] == GROUP_NAME
    assert (found["status"], found["groupStatus"]) == (None, "IN_PROGRESS")
    assert found["handlingAgencyName"] == "UBND Phường Thử"  # the receiving desk
    assert found["members"] == [
        {
            "code": made.at_ward,
            "procedureName": "Cấp giấy phép thử",
            "agencyName": "UBND Phường Thử",
            "status": "RECEIVED",
        },
        {
            "code": made.at_other_ward,
            "procedureName": "Cấp giấy phép thử",
            "agencyName": "UBND Phường Khác",
            "status": "RECEIVED",
        },
    ]
    text = json.dumps(body, ensure_ascii=False)
    assert "Nguyễn Văn An" not in text
    assert APPLICANT_ID not in text


async def test_a_wrong_pair_for_a_group_says_what_an_unknown_code_says(
    gql: GraphQLClient,
) -> None:
    await two_member_group(gql)
    public = gql.anonymous()
    wrong = await public.execute(PUBLIC, {"code": GROUP_CODE, "last4": "0000"})
    unknown = await public.execute(PUBLIC, {"code": GROUP_CODE[:-1] + "1", "last4": "2345"})
    assert wrong == unknown
    assert wrong["data"] == {"publicDossierStatus": None}


async def test_a_member_code_still_shows_that_dossier(gql: GraphQLClient) -> None:
    made = await two_member_group(gql)
    found = (
        await gql.anonymous().data(PUBLIC, {"code": made.at_ward, "last4": APPLICANT_ID[-4:]})
    )["publicDossierStatus"]
    assert (found["code"], found["status"]) == (made.at_ward, "RECEIVED")
    assert (found["groupStatus"], found["members"]) == (None, None)


async def test_group_look_ups_spend_the_same_rate_limit(gql: GraphQLClient) -> None:
    await two_member_group(gql)
    public = gql.anonymous()
    answers = [
        await public.execute(PUBLIC, {"code": GROUP_CODE, "last4": "0000"}) for _ in range(30)
    ]
    limited = [a for a in answers if a.get("errors")]
    assert limited, "thirty look-ups a minute from one address must hit the limit"
    assert limited[0]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
