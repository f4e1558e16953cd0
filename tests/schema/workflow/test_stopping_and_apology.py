"""Circular 03/2025/TT-VPCP through /graphql: stopping processing (Mẫu 05, portal code 8)
and the apology letter with a request to extend the time (Mẫu 04), as the applicant
sees it."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from documents.common.clock import fixed_time
from documents.dossiers.events import DossierEvent, EventType
from documents.statistics.facts import OpenClock
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    APOLOGY,
    HAND_OVER,
    RECORD_RESULT,
    REQUEST_SUPPLEMENT,
    STOP,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

ITEMS = [{"item": "Ảnh 4x6", "reason": "Thiếu"}]
STATE = """
query($code: String!) { dossier(code: $code) {
  status portalStatusCode reason timeliness finishedAt isOverdue
  timeline(first: 50) { edges { node { type fromStatus toStatus } } }
} }
"""
APOLOGY_FIELDS = "apology { reason newAppointmentAt previousAppointmentAt extraWorkingDays }"
OWN = f"query($code: String!) {{ dossier(code: $code) {{ code appointmentAt {APOLOGY_FIELDS} }} }}"
OWN_LIST = f"{{ dossiers(first: 10) {{ edges {{ node {{ code {APOLOGY_FIELDS} }} }} }} }}"


def iso(text: str) -> str:
    return local(text).astimezone(UTC).isoformat()


async def _in_progress(gql: GraphQLClient, at: str = "2026-03-03 09:00") -> str:
    code: str = (await submit_at(gql, at))["code"]
    await act(gql, at, ACCEPT, code=code)
    await act(gql, at, HAND_OVER, code=code, toStep="review")
    return code


async def _events(code: str) -> list[DossierEvent]:
    return await DossierEvent.find(DossierEvent.dossier_code == code).to_list()


async def test_stop_processing_ends_the_dossier_with_portal_code_8(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)  # due Friday 6 March
    assert await OpenClock.find_one(OpenClock.dossier_code == code) is not None
    stopped = await act(gql, "2026-03-04 10:00", STOP, code=code, reason="  Đang thanh tra  ")
    assert stopped["errors"] == []
    dossier = stopped["dossier"]
    assert (dossier["status"], dossier["portalStatusCode"]) == ("STOPPED", 8)
    assert dossier["reason"] == "Đang thanh tra"
    # Ended without a decision: no timeliness, and its clock is gone for good.
    assert dossier["timeliness"] is None
    assert await OpenClock.find_one(OpenClock.dossier_code == code) is None
    with fixed_time(local("2026-03-20 09:00")):  # long past the deadline
        later = (await gql.as_role("officer:leader").data(STATE, {"code": code}))["dossier"]
    assert later["finishedAt"] == iso("2026-03-04 10:00")
    assert later["isOverdue"] is False
    last = later["timeline"]["edges"][-1]["node"]
    assert last == {
        "type": "PROCESSING_STOPPED",
        "fromStatus": "IN_PROGRESS",
        "toStatus": "STOPPED",
    }
    event = (await _events(code))[-1]
    assert (event.type, event.payload) == (
        EventType.PROCESSING_STOPPED,
        {"reason": "Đang thanh tra"},
    )


async def test_stop_processing_while_waiting_for_the_applicant(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    await act(gql, "2026-03-04 10:00", REQUEST_SUPPLEMENT, code=code, items=ITEMS)
    stopped = await act(gql, "2026-03-20 10:00", STOP, code=code, reason="Quá hạn bổ sung")
    assert stopped["errors"] == []
    assert (stopped["dossier"]["status"], stopped["dossier"]["portalStatusCode"]) == ("STOPPED", 8)
    # Stopped after the deadline while the clock waited: not classified as late.
    assert stopped["dossier"]["timeliness"] is None


async def _refused_without_change(gql: GraphQLClient, code: str, status: str) -> None:
    before = len(await _events(code))
    payload = await act(gql, "2026-03-05 09:00", STOP, code=code, reason="Dừng")
    [error] = payload["errors"]
    assert error["code"] == "ILLEGAL_TRANSITION"
    assert status in error["message"]
    assert payload["dossier"]["status"] == status
    assert len(await _events(code)) == before  # nothing recorded


async def test_stop_processing_is_illegal_before_acceptance_after_a_decision_and_twice(
    gql: GraphQLClient,
) -> None:
    received = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await _refused_without_change(gql, received, "RECEIVED")

    decided = await _in_progress(gql)
    await act(gql, "2026-03-04 09:00", RECORD_RESULT, code=decided, decision="APPROVE", note=None)
    await _refused_without_change(gql, decided, "RESULT_READY")

    stopped = await _in_progress(gql)
    await act(gql, "2026-03-04 09:00", STOP, code=stopped, reason="Dừng")
    await _refused_without_change(gql, stopped, "STOPPED")


async def test_stop_processing_needs_a_reason_and_a_leader(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    blank = await act(gql, "2026-03-04 09:00", STOP, code=code, reason="   ")
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("VALIDATION_FAILED", "reason")]
    assert blank["dossier"]["status"] == "IN_PROGRESS"
    with fixed_time(local("2026-03-04 09:00")):
        body = await gql.as_role("officer:specialist").execute(
            STOP, {"code": code, "reason": "Dừng"}
        )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [e.type for e in await _events(code)][-1] is EventType.HANDED_OVER


async def test_the_applicant_sees_the_apology_with_the_extension_asked_for(
    gql: GraphQLClient,
) -> None:
    code = await _in_progress(gql)  # due and appointed Friday 6 March
    issued = await act(
        gql,
        "2026-03-05 09:00",
        APOLOGY,
        code=code,
        reason="Chờ kết quả xác minh",
        newAppointment="2026-03-10",
    )
    assert issued["errors"] == []
    applicant = gql.as_role("applicant")
    own: dict[str, Any] = (await applicant.data(OWN, {"code": code}))["dossier"]
    expected = {
        "reason": "Chờ kết quả xác minh",
        "newAppointmentAt": iso("2026-03-10 17:00"),
        "previousAppointmentAt": iso("2026-03-06 17:00"),
        "extraWorkingDays": 2,  # Monday 9 and Tuesday 10 March
    }
    assert own["apology"] == expected
    assert own["appointmentAt"] == iso("2026-03-10 17:00")
    listed = (await applicant.data(OWN_LIST))["dossiers"]["edges"]
    assert [e["node"] for e in listed] == [{"code": code, "apology": expected}]
    event = (await _events(code))[-1]
    assert (event.type, event.payload["extraWorkingDays"]) == (EventType.APOLOGY_ISSUED, 2)
    # Another applicant does not see the dossier at all.
    stranger = gql.as_role("applicant", id_number="001099999999")
    assert (await stranger.data(OWN, {"code": code}))["dossier"] is None
