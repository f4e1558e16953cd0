"""The rules around the happy path: conflicts, supplements, apologies, fees, overdue."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any

import pytest

from documents.catalogue.procedures import FeeKind, FeeRow, FeeSchedule, Procedure
from documents.common.clock import fixed_time
from documents.dossiers.events import DossierEvent, EventType
from tests.catalogue import PROCEDURE
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    APOLOGY,
    ASSIGN,
    HAND_OVER,
    RECORD_PAYMENT,
    RECORD_RESULT,
    REFUSE,
    REQUEST_PAYMENT,
    REQUEST_SUPPLEMENT,
    RETURN_RESULT,
    SUPPLEMENT,
    WITHDRAW,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

ASSIGN_READ = "query($code: String!) { dossier(code: $code) { assignee } }"
ITEMS = [{"item": "Ảnh 4x6", "reason": "Thiếu"}]
LIST = """
query($filter: DossierFilterInput) { dossiers(first: 50, filter: $filter) { edges { node { code isOverdue } } } }
"""


async def _in_progress(gql: GraphQLClient, at: str = "2026-03-03 09:00") -> str:
    code: str = (await submit_at(gql, at))["code"]
    await act(gql, at, ACCEPT, code=code)
    await act(gql, at, HAND_OVER, code=code, toStep="review")
    return code


async def test_illegal_transition_names_the_current_status_and_returns_the_dossier(
    gql: GraphQLClient,
) -> None:
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    payload = await act(gql, "2026-03-03 09:10", RETURN_RESULT, code=code)
    [error] = payload["errors"]
    assert error["code"] == "ILLEGAL_TRANSITION"
    assert "RECEIVED" in error["message"]
    assert payload["dossier"]["status"] == "RECEIVED"


async def test_concurrent_officers_one_wins_the_others_get_conflict(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    users = [f"cv.{n}" for n in range(8)]
    with fixed_time(local("2026-03-03 10:00")):
        specialist = gql.as_role("officer:specialist")
        results = await asyncio.gather(
            *(specialist.data(ASSIGN, {"code": code, "user": user}) for user in users)
        )
    payloads = [r["assignDossier"] for r in results]
    winners = [p["dossier"]["assignee"] for p in payloads if not p["errors"]]
    losers = [p for p in payloads if p["errors"]]
    # Requests that read the same revision cannot all win; which ones overlap is up to
    # the scheduler, so the test checks the invariants rather than a count.
    assert winners
    assert losers
    assert {p["errors"][0]["code"] for p in losers} == {"CONFLICT"}
    assert all(p["dossier"]["status"] == "IN_PROGRESS" for p in losers)
    assigned = await DossierEvent.find(
        DossierEvent.dossier_code == code, DossierEvent.type == EventType.ASSIGNED
    ).to_list()
    assert sorted(e.payload["user"] for e in assigned) == sorted(winners)  # one event per win
    final = (await gql.data(ASSIGN_READ, {"code": code}))["dossier"]["assignee"]
    assert final == assigned[-1].payload["user"]  # the last recorded win is the state


async def test_concurrent_different_actions_never_lose_an_update(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    with fixed_time(local("2026-03-03 11:00")):
        supplement, result = await asyncio.gather(
            gql.as_role("officer:specialist").data(
                REQUEST_SUPPLEMENT, {"code": code, "items": ITEMS}
            ),
            gql.as_role("officer:leader").data(
                RECORD_RESULT, {"code": code, "decision": "APPROVE", "note": None}
            ),
        )
    payloads = [supplement["requestSupplement"], result["recordResult"]]
    assert sorted(bool(p["errors"]) for p in payloads) == [False, True]
    final = {p["dossier"]["status"] for p in payloads}
    assert len(final) == 1  # the loser sees the winner's state
    events = await DossierEvent.find(DossierEvent.dossier_code == code).count()
    assert events == 4  # received, accepted, handed over, and exactly one of the two


async def test_supplement_must_be_valid_against_the_pinned_form(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    await act(gql, "2026-03-04 09:00", REQUEST_SUPPLEMENT, code=code, items=ITEMS)
    bad = await act(
        gql, "2026-03-05 09:00", SUPPLEMENT, code=code, data={"hasVehicle": True}, note=None
    )
    assert [e["code"] for e in bad["errors"]] == ["VALIDATION_FAILED"]
    assert bad["dossier"]["status"] == "SUPPLEMENT_REQUESTED"


async def test_request_supplement_without_items_is_refused(gql: GraphQLClient) -> None:
    code = await _in_progress(gql)
    payload = await act(gql, "2026-03-04 09:00", REQUEST_SUPPLEMENT, code=code, items=[])
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION_FAILED", "items")]


async def test_finishing_after_the_due_day_is_late_and_refusal_needs_a_reason(
    gql: GraphQLClient,
) -> None:
    code = await _in_progress(gql)
    late = await act(
        gql,
        "2026-03-09 09:00",
        RECORD_RESULT,
        code=code,
        decision="REJECT",
        note="Không đủ điều kiện",
    )
    assert (late["dossier"]["status"], late["dossier"]["timeliness"]) == ("REJECTED", "LATE")
    other = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    blank = await act(gql, "2026-03-03 09:05", REFUSE, code=other, reason="  ")
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("VALIDATION_FAILED", "reason")]
    refused = await act(gql, "2026-03-03 09:06", REFUSE, code=other, reason="Sai thẩm quyền")
    assert (refused["dossier"]["status"], refused["dossier"]["timeliness"]) == ("REFUSED", "EARLY")
    assert refused["dossier"]["portalStatusCode"] == 3
    third = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    withdrawn = await act(gql, "2026-03-06 16:00", WITHDRAW, code=third, reason="Không còn nhu cầu")
    assert (withdrawn["dossier"]["timeliness"], withdrawn["dossier"]["portalStatusCode"]) == (
        "ON_TIME",
        7,
    )


async def test_apology_once_and_only_until_one_working_day_before_the_deadline(
    gql: GraphQLClient,
) -> None:
    code = await _in_progress(gql)  # due Friday 6 March
    too_early_date = await act(
        gql,
        "2026-03-05 09:00",
        APOLOGY,
        code=code,
        reason="Chờ xác minh",
        newAppointment="2026-03-06",
    )
    assert too_early_date["errors"][0]["field"] == "newAppointment"
    weekend = await act(
        gql,
        "2026-03-05 09:00",
        APOLOGY,
        code=code,
        reason="Chờ xác minh",
        newAppointment="2026-03-07",
    )
    assert weekend["errors"][0]["field"] == "newAppointment"
    issued = await act(
        gql,
        "2026-03-05 09:00",
        APOLOGY,
        code=code,
        reason="Chờ xác minh",
        newAppointment="2026-03-10",
    )
    assert issued["errors"] == []
    assert (
        issued["dossier"]["appointmentAt"] == local("2026-03-10 17:00").astimezone(UTC).isoformat()
    )
    assert issued["dossier"]["dueAt"] == local("2026-03-06 17:00").astimezone(UTC).isoformat()
    again = await act(
        gql, "2026-03-05 10:00", APOLOGY, code=code, reason="Lần hai", newAppointment="2026-03-12"
    )
    assert again["errors"][0]["code"] == "APOLOGY_NOT_ALLOWED"
    # Finishing by the new appointment is still late against the legal deadline.
    done = await act(
        gql, "2026-03-10 09:00", RECORD_RESULT, code=code, decision="APPROVE", note=None
    )
    assert done["dossier"]["timeliness"] == "LATE"

    last_day = await _in_progress(gql)
    refused = await act(
        gql, "2026-03-06 08:00", APOLOGY, code=last_day, reason="Muộn", newAppointment="2026-03-10"
    )
    assert refused["errors"][0]["code"] == "APOLOGY_NOT_ALLOWED"


async def _charge_by_floors() -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(
        kind=FeeKind.TABLE,
        field="/floors",
        amount=50_000,
        rows=[FeeRow(value="1", amount=75_000), FeeRow(value="2", amount=100_000)],
        required_before_return=True,
    )
    await procedure.save()


async def test_fees_from_a_table_must_be_paid_before_the_result_is_returned(
    gql: GraphQLClient,
) -> None:
    await _charge_by_floors()
    data = {"fullName": "Trần Thị Bình", "birthDate": "1985-02-01", "floors": 2}
    dossier = await submit_at(gql, "2026-03-03 09:00", data=data)
    code = dossier["code"]
    assert (dossier["feeDue"], dossier["paymentStatus"]) == (100_000, "UNPAID")
    other = await submit_at(gql, "2026-03-03 09:00", data={**data, "floors": 5})
    assert other["feeDue"] == 50_000  # no row: the schedule's default amount

    asked = await act(gql, "2026-03-03 09:10", REQUEST_PAYMENT, code=code)
    assert asked["dossier"]["portalStatusCode"] == 6
    await act(gql, "2026-03-03 09:20", ACCEPT, code=code)
    await act(gql, "2026-03-03 09:30", HAND_OVER, code=code, toStep="review")
    await act(gql, "2026-03-04 09:00", RECORD_RESULT, code=code, decision="APPROVE", note=None)
    refused = await act(gql, "2026-03-04 10:00", RETURN_RESULT, code=code)
    assert refused["errors"][0]["code"] == "PAYMENT_REQUIRED"

    for _ in range(2):  # the e-payment gateway calls back twice
        part = await act(
            gql,
            "2026-03-04 10:05",
            RECORD_PAYMENT,
            code=code,
            amount=60_000,
            method="E_PAYMENT",
            reference="VNPAY-1",
        )
    assert part["dossier"]["paymentStatus"] == "UNPAID"
    rest = await act(
        gql,
        "2026-03-04 10:06",
        RECORD_PAYMENT,
        code=code,
        amount=40_000,
        method="COUNTER",
        reference="BL-77",
    )
    assert rest["dossier"]["paymentStatus"] == "PAID"
    returned = await act(gql, "2026-03-04 10:10", RETURN_RESULT, code=code)
    assert returned["dossier"]["status"] == "RETURNED"
    payments = await DossierEvent.find(
        DossierEvent.dossier_code == code, DossierEvent.type == EventType.PAYMENT_RECORDED
    ).count()
    assert payments == 2


async def test_request_payment_with_nothing_owed_is_refused(gql: GraphQLClient) -> None:
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    payload = await act(gql, "2026-03-03 09:10", REQUEST_PAYMENT, code=code)
    assert payload["errors"][0]["code"] == "NOTHING_DUE"


async def test_overdue_is_live_and_filterable(gql: GraphQLClient) -> None:
    late = await _in_progress(gql, "2026-03-02 09:00")  # due Thursday 5 March
    waiting = await _in_progress(gql, "2026-03-02 09:00")
    await act(gql, "2026-03-03 09:00", REQUEST_SUPPLEMENT, code=waiting, items=ITEMS)
    in_time = await _in_progress(gql, "2026-03-05 09:00")
    with fixed_time(local("2026-03-06 09:00")):
        overdue = await gql.data(LIST, {"filter": {"overdue": True}})
        not_overdue = await gql.data(LIST, {"filter": {"overdue": False}})
        due_soon = await gql.data(LIST, {"filter": {"dueBefore": "2026-03-07"}})
    assert [e["node"] for e in overdue["dossiers"]["edges"]] == [{"code": late, "isOverdue": True}]
    assert {e["node"]["code"] for e in not_overdue["dossiers"]["edges"]} == {waiting, in_time}
    assert all(not e["node"]["isOverdue"] for e in not_overdue["dossiers"]["edges"])
    assert {e["node"]["code"] for e in due_soon["dossiers"]["edges"]} == {late, waiting}


async def test_admin_days_off_move_new_deadlines(gql: GraphQLClient) -> None:
    set_day = """mutation { setCalendarDay(day: "2026-03-04", kind: DAY_OFF, note: "Nghỉ bù") { calendarDay { day kind } errors { code } } }"""
    data: dict[str, Any] = await gql.as_role("system_admin").data(set_day)
    assert data["setCalendarDay"]["calendarDay"] == {"day": "2026-03-04", "kind": "DAY_OFF"}
    dossier = await submit_at(gql, "2026-03-03 09:00")
    assert dossier["dueAt"] == local("2026-03-09 17:00").astimezone(UTC).isoformat()
    days = await gql.data("{ calendarDays(year: 2026) { day note } }")
    assert days["calendarDays"] == [{"day": "2026-03-04", "note": "Nghỉ bù"}]
