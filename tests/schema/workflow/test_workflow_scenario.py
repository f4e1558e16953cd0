"""A dossier from the desk to the returned result, through /graphql, on a fixed clock."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from tests.catalogue import WARD
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_RESULT,
    REQUEST_SUPPLEMENT,
    RETURN_RESULT,
    SUPPLEMENT,
    local,
    submit_at,
)
from tests.schema.workflow.workflow_helpers import act as run

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

DETAILS = """
query($code: String!) { dossier(code: $code) {
  status timeliness appointmentAt dueAt pausedWorkingDays
  controlSlip { stepKey agencyCode fromAgencyCode fromUser toUser handedOverAt dueAt finishedAt result }
  supplements { requestedAt supplementedAt pausedWorkingDays items { item reason } note }
  timeline(first: 50) { edges { node { type fromStatus toStatus } } pageInfo { hasNextPage } }
  data
} }
"""


def iso(text: str) -> str:
    """The API's form of a Hà Nội local time: ISO 8601 in UTC."""
    return local(text).astimezone(UTC).isoformat()


async def test_full_scenario_moves_the_appointment_and_fills_the_control_slip(
    gql: GraphQLClient,
) -> None:
    # Tuesday 3 March 2026, 09:00: a 3-working-day procedure (0 + 2 + 1 days by step).
    dossier = await submit_at(gql, "2026-03-03 09:00")
    code = dossier["code"]
    assert dossier["dueAt"] == iso("2026-03-06 17:00")
    assert (dossier["portalStatusCode"], dossier["channelCode"]) == (1, 2)

    accepted = await run(gql, "2026-03-03 09:30", ACCEPT, code=code)
    assert accepted["dossier"]["status"] == "IN_PROGRESS"
    assert accepted["dossier"]["portalStatusCode"] == 2  # accepted, still at reception

    review = await run(
        gql,
        "2026-03-03 10:00",
        HAND_OVER,
        role="officer:reception",
        code=code,
        toStep="review",
        toUser="cv.an",
    )
    assert review["errors"] == []
    assert review["dossier"]["portalStatusCode"] == 4
    assert (review["dossier"]["currentStep"], review["dossier"]["assignee"]) == ("review", "cv.an")

    items = [
        {"item": "Giấy khai sinh", "reason": "Bản sao không rõ nét"},
        {"item": "/plate", "reason": "Thiếu biển số"},
    ]
    asked = await run(gql, "2026-03-04 10:00", REQUEST_SUPPLEMENT, code=code, items=items)
    assert asked["dossier"]["status"] == "SUPPLEMENT_REQUESTED"
    assert asked["dossier"]["portalStatusCode"] == 5

    # Thursday, Friday and Monday pass while the applicant gathers the papers.
    answered = await run(
        gql,
        "2026-03-09 10:00",
        SUPPLEMENT,
        code=code,
        data={"hasVehicle": True, "plate": "29A-12345"},
        note="Đã bổ sung",
    )
    assert answered["errors"] == []
    moved = answered["dossier"]
    assert moved["status"] == "IN_PROGRESS"
    assert moved["pausedWorkingDays"] == 3
    assert moved["dueAt"] == moved["appointmentAt"] == iso("2026-03-11 17:00")

    # Handed to the leader after the 15:00 cut-off: the step's day starts on Tuesday.
    leader = await run(
        gql, "2026-03-09 15:30", HAND_OVER, code=code, toStep="approve", toUser="ld.binh"
    )
    assert leader["errors"] == []
    approved = await run(
        gql, "2026-03-10 11:00", RECORD_RESULT, code=code, decision="APPROVE", note="Đủ điều kiện"
    )
    assert approved["dossier"]["status"] == "RESULT_READY"
    assert approved["dossier"]["timeliness"] == "EARLY"
    assert approved["dossier"]["portalStatusCode"] == 9
    returned = await run(gql, "2026-03-10 14:00", RETURN_RESULT, code=code)
    assert returned["dossier"]["status"] == "RETURNED"
    assert returned["dossier"]["portalStatusCode"] == 10

    details: dict[str, Any] = (await gql.data(DETAILS, {"code": code}))["dossier"]
    slip = details["controlSlip"]
    assert [(r["stepKey"], r["fromUser"], r["toUser"]) for r in slip] == [
        ("reception", None, None),
        ("review", "test-officer-reception", "cv.an"),
        ("approve", "test-officer-specialist", "ld.binh"),
    ]
    assert all(r["agencyCode"] == WARD for r in slip)
    assert [r["fromAgencyCode"] for r in slip] == [None, WARD, WARD]
    assert [r["handedOverAt"] for r in slip] == [
        iso("2026-03-03 09:00"),
        iso("2026-03-03 10:00"),
        iso("2026-03-09 15:30"),
    ]
    # reception: due the same day; review: 2 days + 3 paused; approve: 1 day from Tuesday.
    assert [r["dueAt"] for r in slip] == [
        iso("2026-03-03 17:00"),
        iso("2026-03-10 17:00"),
        iso("2026-03-11 17:00"),
    ]
    assert [r["finishedAt"] for r in slip] == [
        iso("2026-03-03 10:00"),
        iso("2026-03-09 15:30"),
        iso("2026-03-10 11:00"),
    ]
    assert [r["result"] for r in slip] == ["ON_TIME", "EARLY", "EARLY"]

    [round_] = details["supplements"]
    assert round_["pausedWorkingDays"] == 3
    assert round_["items"] == items
    assert (round_["requestedAt"], round_["supplementedAt"]) == (
        iso("2026-03-04 10:00"),
        iso("2026-03-09 10:00"),
    )
    assert details["data"]["plate"] == "29A-12345"

    timeline = [e["node"]["type"] for e in details["timeline"]["edges"]]
    assert timeline == [
        "RECEIVED", "ACCEPTED", "HANDED_OVER", "SUPPLEMENT_REQUESTED", "SUPPLEMENTED",
        "HANDED_OVER", "APPROVED", "RESULT_RETURNED",
    ]  # fmt: skip
    assert details["timeline"]["pageInfo"]["hasNextPage"] is False
