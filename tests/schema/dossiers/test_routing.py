"""Reception point and competent authority are separate (issue 14, docs/routing.md):
any desk receives, the dossier is routed to the competent agency, both see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from documents.access.principals import Principal, PrincipalKind
from documents.calendar.working_calendar import OfficeHours
from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.feed import EventFilter
from documents.statistics.rebuild import verify
from documents.webhooks.delivery import WebhookDelivery, dispatch_events
from documents.webhooks.subscriptions import create_webhook
from tests.conftest import GraphQLClient
from tests.routing import (
    BIRTH,
    CERTIFIED_COPY,
    CITY,
    DEPARTMENT,
    DEPARTMENT_PERMIT,
    GONE_DEPARTMENT_PERMIT,
    LAND,
    POINT_A,
    STRAY_POINT,
    UNIT_A,
    UNIT_ABOLISHED,
    UNIT_B,
    UNIT_UNKNOWN,
    WARD_A,
    WARD_B,
    load_routing_catalogue,
    routed_submission,
)
from tests.schema.workflow.workflow_helpers import ACCEPT, HAND_OVER, RECORD_RESULT, act

SUBMIT = """
mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code receivingAgency { code } handlingAgency { code } }
  errors { field code message }
} }
"""
DETAILS = """
query($code: String!) { dossier(code: $code) {
  controlSlip { stepKey agencyCode fromAgencyCode }
  timeline(first: 10) { edges { node { type agencyCode payload } } }
} }
"""
LIST = "query { dossiers(first: 50) { edges { node { code } } } }"
AT = "2026-03-03 09:00"


@pytest.fixture(autouse=True)
async def catalogue(http: httpx.AsyncClient) -> None:
    await load_routing_catalogue()


def officer(gql: GraphQLClient, role: str, agency: str) -> GraphQLClient:
    return gql.as_role(f"officer:{role}", agency=agency)


async def submit(gql: GraphQLClient, procedure: str, desk: str, data: Any = None) -> dict[str, Any]:
    client = officer(gql, "reception", desk)
    payload: dict[str, Any] = await act(
        client,
        AT,
        SUBMIT,
        role="officer:reception",
        input=routed_submission(procedure, desk, data),
    )
    return payload


async def listed_to(gql: GraphQLClient, agency: str) -> list[str]:
    data = await officer(gql, "specialist", agency).data(LIST)
    return [edge["node"]["code"] for edge in data["dossiers"]["edges"]]


async def test_a_dossier_received_at_one_wards_point_goes_to_the_applicants_ward(
    gql: GraphQLClient,
) -> None:
    # Received at the service point of ward A, the applicant lives in ward B.
    payload = await submit(
        gql, BIRTH, POINT_A, {"fullName": "A", "residence": {"unitCode": UNIT_B}}
    )
    assert payload["errors"] == []
    dossier = payload["dossier"]
    code = dossier["code"]
    assert code.startswith(f"{POINT_A}-")  # numbered where it was received
    assert (dossier["receivingAgency"], dossier["handlingAgency"]) == (
        {"code": POINT_A},
        {"code": WARD_B},
    )

    # Both the receiving point and the competent ward list it; ward A has nothing to do with it.
    assert code in await listed_to(gql, POINT_A)
    assert code in await listed_to(gql, WARD_B)
    assert code not in await listed_to(gql, WARD_A)

    # The point accepts it and hands it over: the control slip shows the transfer.
    desk = officer(gql, "reception", POINT_A)
    assert (await act(desk, "2026-03-03 09:30", ACCEPT, role="officer:reception", code=code))[
        "errors"
    ] == []
    handed = await act(
        desk, "2026-03-03 10:00", HAND_OVER, role="officer:reception", code=code, toStep="review"
    )
    assert handed["errors"] == []
    details = (await gql.as_role("system_admin").data(DETAILS, {"code": code}))["dossier"]
    assert [
        (r["stepKey"], r["agencyCode"], r["fromAgencyCode"]) for r in details["controlSlip"]
    ] == [
        ("reception", POINT_A, None),
        ("review", WARD_B, POINT_A),
    ]
    events = [edge["node"] for edge in details["timeline"]["edges"]]
    assert [e["type"] for e in events[:2]] == ["RECEIVED", "TRANSFERRED"]
    assert events[1]["agencyCode"] == WARD_B
    assert events[1]["payload"] == {"from": POINT_A, "to": WARD_B, "rule": "APPLICANT_RESIDENCE"}

    # The receiving point cannot decide it; the competent ward can.
    point_leader = officer(gql, "leader", POINT_A)
    with_errors = await point_leader.execute(
        RECORD_RESULT, {"code": code, "decision": "APPROVE", "note": None}
    )
    assert with_errors["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    decided = await act(
        officer(gql, "leader", WARD_B),
        "2026-03-04 09:00",
        RECORD_RESULT,
        role="officer:leader",
        code=code,
        decision="APPROVE",
        note=None,
    )
    assert decided["errors"] == [], decided["errors"]

    # Statistics count it once: received at the point, handled (resolved) at ward B, and
    # once at their common city; the live roll-ups agree with a recomputation.
    assert await _received_and_resolved(gql, POINT_A) == (1, 0)
    assert await _received_and_resolved(gql, WARD_B) == (0, 1)
    assert await _received_and_resolved(gql, WARD_A) == (0, 0)
    assert await _received_and_resolved(gql, CITY) == (1, 1)
    assert await verify(OfficeHours()) == []


TOTALS = """
query($scope: StatisticsScope) {
  publicStatistics(from: "2026-03-01", to: "2026-03-31", scope: $scope) {
    totals { received resolved } } }
"""


async def _received_and_resolved(gql: GraphQLClient, agency: str) -> tuple[int, int]:
    data = await gql.anonymous().data(TOTALS, {"scope": {"agencyCode": agency}})
    totals = data["publicStatistics"]["totals"]
    return totals["received"], totals["resolved"]


async def test_a_dossier_handled_where_it_is_received_records_no_transfer(
    gql: GraphQLClient,
) -> None:
    data = {"fullName": "A", "residence": {"unitCode": UNIT_A}}
    payload = await submit(gql, BIRTH, WARD_A, data)
    assert payload["dossier"]["handlingAgency"] == {"code": WARD_A}
    assert [e.type for e in await DossierEvent.find_all().to_list()] == [EventType.RECEIVED]


@pytest.mark.parametrize(
    ("procedure", "data", "handler", "rule"),
    [
        (CERTIFIED_COPY, {"fullName": "A"}, WARD_A, "RECEIVING_AGENCY"),
        (LAND, {"fullName": "A", "land": {"unitCode": UNIT_B}}, WARD_B, "OBJECT_LOCATION"),
        (DEPARTMENT_PERMIT, {"fullName": "A"}, DEPARTMENT, "FIXED"),
    ],
)
async def test_each_rule_routes_a_dossier_received_at_a_service_point(
    gql: GraphQLClient, procedure: str, data: dict[str, Any], handler: str, rule: str
) -> None:
    payload = await submit(gql, procedure, POINT_A, data)
    assert payload["dossier"]["handlingAgency"] == {"code": handler}
    transfer = await DossierEvent.find_one(DossierEvent.type == EventType.TRANSFERRED)
    assert transfer is not None
    assert transfer.payload["rule"] == rule


@pytest.mark.parametrize(
    ("procedure", "desk", "data", "field"),
    [
        (BIRTH, POINT_A, {"fullName": "A"}, "data.residence.unitCode"),
        (BIRTH, POINT_A, {"fullName": "A", "residence": {"unitCode": UNIT_UNKNOWN}}, None),
        (BIRTH, POINT_A, {"fullName": "A", "residence": {"unitCode": UNIT_ABOLISHED}}, None),
        (LAND, POINT_A, {"fullName": "A", "residence": {"unitCode": UNIT_B}}, "data.land.unitCode"),
        (GONE_DEPARTMENT_PERMIT, POINT_A, {"fullName": "A"}, "procedureCode"),
        (CERTIFIED_COPY, STRAY_POINT, {"fullName": "A"}, "receivingAgencyCode"),
    ],
)
async def test_a_routing_that_finds_nobody_is_refused_and_writes_nothing(
    gql: GraphQLClient, procedure: str, desk: str, data: dict[str, Any], field: str | None
) -> None:
    payload = await submit(gql, procedure, desk, data)
    assert payload["dossier"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == (
        "NO_COMPETENT_AGENCY",
        field or "data.residence.unitCode",
    )
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0
    assert await Counter.find({"_id": {"$regex": "^dossier:"}}).count() == 0  # no code consumed


async def test_the_transfer_reaches_webhooks_like_any_event(gql: GraphQLClient) -> None:
    admin = Principal(kind=PrincipalKind.SYSTEM_ADMIN, subject="admin")
    hook = await create_webhook(
        "https://hooks.example.org/motcua", EventFilter(types=[EventType.TRANSFERRED]), admin
    )
    # Events made in the webhook's first second are compared to its time without fractions.
    await hook.set({"created_at": hook.created_at - timedelta(seconds=1)})
    payload = await submit(gql, DEPARTMENT_PERMIT, POINT_A, {"fullName": "A"})
    assert payload["errors"] == []
    assert await dispatch_events(timedelta(0)) == 1
    [delivery] = await WebhookDelivery.find_all().to_list()
    event = await DossierEvent.get(delivery.event_id)
    assert event is not None
    assert event.type is EventType.TRANSFERRED
