"""The receipt (Mẫu 01) of a group submission: every member with its agency and
appointment, for those who may see the group; one 404 for everyone else."""

from __future__ import annotations

import httpx
import pytest

from api.authentication import issue_token
from api.settings import Settings
from tests.catalogue import APPLICANT_ID, OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.groups import GROUP_CODE, GROUP_NAME, two_member_group

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

RECEIPT = f"/groups/{GROUP_CODE}/receipt"
# The same request id each time, so that two answers may be compared whole.
PROBE = {"x-request-id": "probe"}


def headers(
    settings: Settings, role: str, agency: str | None = None, id_number: str | None = None
) -> dict[str, str]:
    token = issue_token(settings, role, sub=f"probe-{role}", agency=agency, id_number=id_number)
    return {"authorization": f"Bearer {token}", **PROBE}


async def test_the_applicant_gets_every_member_with_its_agency_and_appointment(
    gql: GraphQLClient, http: httpx.AsyncClient, settings: Settings
) -> None:
    made = await two_member_group(gql)
    response = await http.get(
        RECEIPT, headers=headers(settings, "applicant", id_number=APPLICANT_ID)
    )
    assert response.status_code == 200
    page = response.text
    assert "Mẫu 01" in page
    assert GROUP_NAME in page
    for code in (GROUP_CODE, made.at_ward, made.at_other_ward):
        assert code in page
    assert "UBND Phường Thử" in page
    assert "UBND Phường Khác" in page
    assert "Nguyễn Văn An" in page
    assert APPLICANT_ID in page
    assert "3 ngày làm việc" in page
    assert page.count('<tr><td class="number">') == 2  # one row per member


async def test_an_officer_of_one_member_gets_it_and_an_overseer_sees_it_masked(
    gql: GraphQLClient, http: httpx.AsyncClient, settings: Settings
) -> None:
    made = await two_member_group(gql)
    officer = await http.get(RECEIPT, headers=headers(settings, "officer:specialist", OTHER_WARD))
    assert officer.status_code == 200
    assert made.at_ward in officer.text  # the summary of the member they do not handle
    assert APPLICANT_ID in officer.text  # they handle the applicant's other member
    overseer = await http.get(RECEIPT, headers=headers(settings, "agency_admin", WARD))
    assert overseer.status_code == 200
    assert APPLICANT_ID not in overseer.text  # sees the ward's member, handles none


async def test_everyone_else_gets_the_404_of_an_unknown_code(
    gql: GraphQLClient, http: httpx.AsyncClient, settings: Settings
) -> None:
    await two_member_group(gql)
    unknown = await http.get(f"/groups/{WARD}-260105-0999/receipt", headers=PROBE)
    assert unknown.status_code == 404
    callers = {
        "anonymous": dict(PROBE),
        "another agency's officer": headers(settings, "officer:reception", "000.99.99.H26"),
        "another applicant": headers(settings, "applicant", id_number="001099999999"),
    }
    for who, sent in callers.items():
        response = await http.get(RECEIPT, headers=sent)
        assert response.status_code == 404, who
        assert response.content == unknown.content, who
