"""Supplement rounds through /graphql: asked at reception (Mẫu 02, before acceptance)
the answer returns the dossier to RECEIVED; and whether more than one round makes a
dossier late is the procedure's setting, off by default."""

from __future__ import annotations

from typing import Any

import pytest

from documents.catalogue.procedures import Procedure
from documents.common.clock import fixed_time
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent
from documents.dossiers.parts import SupplementItem, SupplementRound
from documents.dossiers.statuses import DossierStatus
from tests.catalogue import PROCEDURE
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_RESULT,
    REQUEST_SUPPLEMENT,
    SUPPLEMENT,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

ITEMS = [{"item": "Ảnh 4x6", "reason": "Thiếu"}, {"item": "/plate", "reason": "Thiếu biển số"}]
ROUNDS = """
query($code: String!) { dossier(code: $code) {
  status portalStatusCode supplements { atReception supplementedAt items { item } }
} }
"""
SET_ROUNDS = """
mutation($code: String!, $input: ProcedureUpdateInput!) {
  updateProcedure(code: $code, input: $input) {
    procedure { lateAfterSupplementRounds } errors { code field }
  }
}
"""


async def _rounds(gql: GraphQLClient, code: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.as_role("applicant").data(ROUNDS, {"code": code}))["dossier"]
    return found


async def test_a_round_asked_at_reception_returns_the_dossier_to_received(
    gql: GraphQLClient,
) -> None:
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    asked = await act(
        gql,
        "2026-03-03 09:30",
        REQUEST_SUPPLEMENT,
        role="officer:reception",
        code=code,
        items=ITEMS,
    )
    assert asked["errors"] == []
    assert (asked["dossier"]["status"], asked["dossier"]["portalStatusCode"]) == (
        "SUPPLEMENT_REQUESTED",
        5,
    )
    [round_] = (await _rounds(gql, code))["supplements"]
    assert round_["atReception"] is True
    assert [i["item"] for i in round_["items"]] == ["Ảnh 4x6", "/plate"]  # all at once

    answered = await act(gql, "2026-03-05 10:00", SUPPLEMENT, code=code, data={}, note="Đã bổ sung")
    assert answered["errors"] == []
    dossier = answered["dossier"]
    assert (dossier["status"], dossier["portalStatusCode"]) == ("RECEIVED", 1)
    assert dossier["pausedWorkingDays"] == 2  # Wednesday and Thursday waited

    # Everything is listed at once: reception does not ask a second time.
    again = await act(
        gql,
        "2026-03-05 10:30",
        REQUEST_SUPPLEMENT,
        role="officer:reception",
        code=code,
        items=ITEMS,
    )
    [error] = again["errors"]
    assert error["code"] == "ILLEGAL_TRANSITION"
    assert again["dossier"]["status"] == "RECEIVED"
    assert len((await _rounds(gql, code))["supplements"]) == 1

    # Accepted, processing may still ask, and that answer returns to IN_PROGRESS.
    await act(gql, "2026-03-05 11:00", ACCEPT, code=code)
    await act(gql, "2026-03-05 11:10", HAND_OVER, code=code, toStep="review")
    await act(gql, "2026-03-05 14:00", REQUEST_SUPPLEMENT, code=code, items=ITEMS)
    back = await act(gql, "2026-03-06 09:00", SUPPLEMENT, code=code, data={}, note=None)
    assert back["dossier"]["status"] == "IN_PROGRESS"
    assert [r["atReception"] for r in (await _rounds(gql, code))["supplements"]] == [True, False]


async def test_only_reception_asks_before_acceptance(gql: GraphQLClient) -> None:
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    with fixed_time(local("2026-03-03 09:30")):
        body = await gql.as_role("officer:specialist").execute(
            REQUEST_SUPPLEMENT, {"code": code, "items": ITEMS}
        )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await load_dossier(code)).status is DossierStatus.RECEIVED


async def test_a_dossier_waiting_on_a_reception_round_since_submission_returns_to_received(
    gql: GraphQLClient,
) -> None:
    """As a failed population-database look-up leaves it (Resolution 66.7/2025)."""
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    dossier = await load_dossier(code)
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
    item = SupplementItem(item="Căn cước", reason="Không tra cứu được")
    dossier.supplements = [
        SupplementRound(requested_at=dossier.received_at, items=[item], at_reception=True)
    ]
    await dossier.replace()
    answered = await act(gql, "2026-03-04 09:00", SUPPLEMENT, code=code, data={}, note=None)
    assert answered["errors"] == []
    assert answered["dossier"]["status"] == "RECEIVED"
    [event] = await DossierEvent.find(
        DossierEvent.dossier_code == code, DossierEvent.from_status == "SUPPLEMENT_REQUESTED"
    ).to_list()
    assert (event.to_status, event.payload["atReception"]) == (DossierStatus.RECEIVED, True)
    # The look-up's round was not reception's: reception may still ask, once.
    asked = await act(
        gql,
        "2026-03-04 10:00",
        REQUEST_SUPPLEMENT,
        role="officer:reception",
        code=code,
        items=ITEMS,
    )
    assert asked["errors"] == []
    await act(gql, "2026-03-04 11:00", SUPPLEMENT, code=code, data={}, note=None)
    again = await act(
        gql,
        "2026-03-04 12:00",
        REQUEST_SUPPLEMENT,
        role="officer:reception",
        code=code,
        items=ITEMS,
    )
    assert [e["code"] for e in again["errors"]] == ["ILLEGAL_TRANSITION"]


async def _twice_asked_then_approved(gql: GraphQLClient) -> str:
    """In progress Tuesday, asked and answered Tuesday and Wednesday, approved Wednesday:
    two days before the Friday deadline."""
    code: str = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await act(gql, "2026-03-03 09:00", ACCEPT, code=code)
    await act(gql, "2026-03-03 09:00", HAND_OVER, code=code, toStep="review")
    for day in ("2026-03-03", "2026-03-04"):
        await act(gql, f"{day} 11:00", REQUEST_SUPPLEMENT, code=code, items=ITEMS)
        await act(gql, f"{day} 14:00", SUPPLEMENT, code=code, data={}, note=None)
    done = await act(
        gql, "2026-03-04 15:00", RECORD_RESULT, code=code, decision="APPROVE", note=None
    )
    timeliness: str = done["dossier"]["timeliness"]
    return timeliness


async def test_more_than_one_round_is_late_only_where_the_procedure_says_so(
    gql: GraphQLClient,
) -> None:
    assert await _twice_asked_then_approved(gql) == "EARLY"  # off by default

    admin = gql.as_role("system_admin")
    on = await admin.data(
        SET_ROUNDS, {"code": PROCEDURE, "input": {"lateAfterSupplementRounds": 1}}
    )
    assert on["updateProcedure"] == {"procedure": {"lateAfterSupplementRounds": 1}, "errors": []}
    assert await _twice_asked_then_approved(gql) == "LATE"

    zero = await admin.data(
        SET_ROUNDS, {"code": PROCEDURE, "input": {"lateAfterSupplementRounds": 0}}
    )
    assert zero["updateProcedure"]["errors"][0]["code"] == "VALIDATION_FAILED"
    off = await admin.data(
        SET_ROUNDS, {"code": PROCEDURE, "input": {"lateAfterSupplementRounds": None}}
    )
    assert off["updateProcedure"]["procedure"] == {"lateAfterSupplementRounds": None}
    assert await _twice_asked_then_approved(gql) == "EARLY"


async def test_a_round_at_reception_does_not_count_towards_lateness(gql: GraphQLClient) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.late_after_supplement_rounds = 1
    await procedure.save()
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await act(
        gql,
        "2026-03-03 09:10",
        REQUEST_SUPPLEMENT,
        role="officer:reception",
        code=code,
        items=ITEMS,
    )
    await act(gql, "2026-03-03 10:00", SUPPLEMENT, code=code, data={}, note=None)
    await act(gql, "2026-03-03 10:10", ACCEPT, code=code)
    await act(gql, "2026-03-03 10:20", HAND_OVER, code=code, toStep="review")
    await act(gql, "2026-03-03 11:00", REQUEST_SUPPLEMENT, code=code, items=ITEMS)
    await act(gql, "2026-03-03 14:00", SUPPLEMENT, code=code, data={}, note=None)
    done = await act(
        gql, "2026-03-04 09:00", RECORD_RESULT, code=code, decision="APPROVE", note=None
    )
    assert done["dossier"]["timeliness"] == "EARLY"
    stored: Dossier = await load_dossier(code)
    assert [r.at_reception for r in stored.supplements] == [True, False]
