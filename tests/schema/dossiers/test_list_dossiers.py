from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.dossiers.statuses import DossierStatus
from documents.workflow.submitting import Submission, submit
from tests.catalogue import PROCEDURE, VALID_DATA, WARD
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

LIST = """
query List($first: Int!, $after: String, $filter: DossierFilterInput, $orderBy: DossierOrder) {
  dossiers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id code status receivedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { __typename ... on Dossier { code } } }
"""

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội


async def _make(count: int, applicant_id: str = "001090012345", hours: int = 0) -> list[str]:
    codes = []
    for i in range(count):
        applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=applicant_id, full_name="A")
        dossier = await submit(
            Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA),
            received_at=START + timedelta(hours=hours + i),
            hours=OfficeHours(),
        )
        codes.append(dossier.code)
    return codes


async def _page(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(LIST, {"first": 10, **variables}))["dossiers"]
    return result


def _codes(page: dict[str, Any]) -> list[str]:
    return [e["node"]["code"] for e in page["edges"]]


async def test_dossiers_pages_through_everything_once_newest_first(gql: GraphQLClient) -> None:
    codes = await _make(25)
    seen: list[str] = []
    after = None
    while True:
        page = await _page(gql, after=after)
        seen += _codes(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(codes))


async def test_dossiers_cursor_is_stable_when_newer_dossiers_arrive(gql: GraphQLClient) -> None:
    codes = await _make(6)
    first = await _page(gql, first=3)
    await _make(2, hours=100)  # newer than all: an offset cursor would shift
    second = await _page(gql, first=3, after=first["pageInfo"]["endCursor"])
    assert _codes(second) == list(reversed(codes))[3:6]


async def test_dossiers_first_is_capped_at_100(gql: GraphQLClient) -> None:
    await _make(105)
    page = await _page(gql, first=500)
    assert len(page["edges"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True


async def test_dossiers_orders_by_code_both_ways(gql: GraphQLClient) -> None:
    codes = await _make(4)
    ascending = await _page(gql, orderBy="CODE_ASC")
    descending = await _page(gql, orderBy="CODE_DESC")
    assert _codes(ascending) == sorted(codes)
    assert _codes(descending) == sorted(codes, reverse=True)
    oldest = await _page(gql, orderBy="RECEIVED_AT_ASC", first=2)
    assert _codes(oldest) == codes[:2]


async def test_dossiers_filters_by_each_criterion(gql: GraphQLClient) -> None:
    mine = await _make(2, applicant_id="001099999999")
    others = await _make(3, hours=30)
    await Dossier.find(Dossier.code == others[0]).set({"status": DossierStatus.WITHDRAWN})

    by_applicant = await _page(gql, filter={"applicantId": "001099999999"})
    assert sorted(_codes(by_applicant)) == sorted(mine)
    by_status = await _page(gql, filter={"status": ["WITHDRAWN"]})
    assert _codes(by_status) == [others[0]]
    by_day = await _page(gql, filter={"receivedFrom": "2026-03-03", "receivedTo": "2026-03-03"})
    assert sorted(_codes(by_day)) == sorted(others)  # received from 30 hours after START
    by_agency = await _page(gql, filter={"agencyCode": WARD, "procedureCode": PROCEDURE})
    assert len(by_agency["edges"]) == 5
    nobody = await _page(gql, filter={"agencyCode": "000.00.00.H26"})
    assert nobody["edges"] == []


async def test_dossiers_with_forged_cursor_returns_an_error_not_a_crash(
    gql: GraphQLClient,
) -> None:
    body = await gql.execute(LIST, {"first": 5, "after": "bm90LWEtY3Vyc29y"})
    assert body["data"] is None
    assert "cursor" in body["errors"][0]["message"]


async def test_node_resolves_a_dossier_by_global_id(gql: GraphQLClient) -> None:
    [code] = await _make(1)
    page = await _page(gql)
    global_id = page["edges"][0]["node"]["id"]
    node = (await gql.data(NODE, {"id": global_id}))["node"]
    assert node == {"__typename": "Dossier", "code": code}
