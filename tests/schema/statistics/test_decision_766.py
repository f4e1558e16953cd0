"""Decision 766 read exactly, through /graphql: satisfaction as a union, the complaint
sub-indicators, online and payment shares, and groups that are not measured."""

from __future__ import annotations

from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import FeeKind, FeeSchedule, OnlineService, Procedure
from documents.common.clock import fixed_time
from documents.statistics.rebuild import verify
from tests.catalogue import PROCEDURE, WARD
from tests.conftest import GraphQLClient
from tests.schema.statistics.statistics_helpers import (
    ANSWER,
    FILE,
    PUBLIC_STATISTICS,
    RATE,
    RATING,
    as_applicant,
    returned_dossier,
)
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_PAYMENT,
    RECORD_RESULT,
    REQUEST_PAYMENT,
    RETURN_RESULT,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
RATE_ANSWER = """
mutation($id: ID!, $satisfied: Boolean!) { rateFeedbackAnswer(feedbackId: $id, satisfied: $satisfied) {
  feedback { id answerSatisfied } errors { field message code } } }
"""
SHARES = """
query { publicStatistics(from: "2026-03-01", to: "2026-03-31") { totals {
  received resolved unsatisfied satisfaction complaintsAnsweredOnTimeRate
  complaintAnswerSatisfactionRate onlineShare fullOnlineShare partialOnlineShare
  onlinePaymentShare } } }
"""
RANKING = """
query { agencyRanking(from: "2026-03-01", to: "2026-03-31") {
  score notMeasured agency { code }
  groups { group maxPoints measurement rate points } } }
"""
PROCEDURE_LEVEL = """
query($code: String!) { procedure(code: $code) { code onlineService } }
"""
FULL = "9.000002"


async def _shares(gql: GraphQLClient) -> dict[str, Any]:
    totals: dict[str, Any] = (await gql.anonymous().data(SHARES))["publicStatistics"]["totals"]
    return totals


async def _late_dossier(gql: GraphQLClient) -> str:
    """Received Tuesday 3 March (3 working days), decided Thursday 12 March: late."""
    code: str = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await act(gql, "2026-03-03 09:10", ACCEPT, code=code)
    steps = (("review", "officer:reception", "cv.an"), ("approve", None, "ld.binh"))
    for step, role, user in steps:
        await act(
            gql, "2026-03-04 09:20", HAND_OVER, role=role, code=code, toStep=step, toUser=user
        )
    await act(gql, "2026-03-12 10:00", RECORD_RESULT, code=code, decision="APPROVE", note="Đạt")
    await act(gql, "2026-03-12 11:00", RETURN_RESULT, code=code)
    return code


async def _complain(gql: GraphQLClient, code: str) -> str:
    filed = await as_applicant(
        gql, "2026-03-13 09:00", FILE, code=code, kind="COMPLAINT", text="Chậm quá"
    )
    assert filed["errors"] == []
    feedback_id: str = filed["feedback"]["id"]
    return feedback_id


async def test_satisfaction_counts_each_unhappy_dossier_once(gql: GraphQLClient) -> None:
    late_and_complained = await _late_dossier(gql)
    await _complain(gql, late_and_complained)
    await _late_dossier(gql)  # only late
    only_complained = await returned_dossier(gql, "2026-03-05")
    await _complain(gql, only_complained)
    await returned_dossier(gql, "2026-03-06")  # fine
    rated = await returned_dossier(gql, "2026-03-09")  # on time, rated dissatisfied
    unhappy = {**RATING, "overall": "DISSATISFIED"}
    given = await as_applicant(gql, "2026-03-10 09:00", RATE, code=rated, input=unhappy)
    assert given["errors"] == []

    totals = await _shares(gql)
    # By hand: five resolved; late ∪ complained ∪ dissatisfied = {both, late, complained,
    # rated} = 4 dossiers, each once, so 1 of 5 is satisfied.
    resolved, unsatisfied = 5, len({"both", "late", "complained", "rated"})
    assert (totals["resolved"], totals["unsatisfied"]) == (resolved, unsatisfied)
    assert totals["satisfaction"] == round(100 * (resolved - unsatisfied) / resolved, 2) == 20.0
    # The old sum of rates would give 100 - 40 (late) - 60 (unhappy) = 0.
    signed_in = await gql.data(PUBLIC_STATISTICS.replace("publicStatistics", "statistics"), MARCH)
    assert signed_in["statistics"]["totals"]["satisfaction"] == 20.0
    assert await verify(OfficeHours()) == []


async def test_the_complainant_rates_the_answer_once(gql: GraphQLClient) -> None:
    code = await returned_dossier(gql, "2026-03-03")
    feedback_id = await _complain(gql, code)
    early = await as_applicant(gql, "2026-03-13 10:00", RATE_ANSWER, id=feedback_id, satisfied=True)
    assert [e["code"] for e in early["errors"]] == ["ILLEGAL_TRANSITION"]  # not answered yet
    with fixed_time(local("2026-03-16 08:00")):
        answered = await gql.data(ANSWER, {"id": feedback_id, "answer": "Đã xử lý"})
    assert answered["answerFeedback"]["errors"] == []
    assert (await _shares(gql))["complaintAnswerSatisfactionRate"] is None  # none rated

    officer = await gql.execute(RATE_ANSWER, {"id": feedback_id, "satisfied": True})
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stranger = gql.as_role("applicant", id_number="001099999999")
    other = await stranger.data(RATE_ANSWER, {"id": feedback_id, "satisfied": True})
    assert [e["code"] for e in other["rateFeedbackAnswer"]["errors"]] == ["NOT_FOUND"]

    rated = await as_applicant(
        gql, "2026-03-16 09:00", RATE_ANSWER, id=feedback_id, satisfied=False
    )
    assert rated == {"feedback": {"id": feedback_id, "answerSatisfied": False}, "errors": []}
    again = await as_applicant(gql, "2026-03-16 09:05", RATE_ANSWER, id=feedback_id, satisfied=True)
    assert [e["code"] for e in again["errors"]] == ["ALREADY_EXISTS"]
    totals = await _shares(gql)
    assert totals["complaintAnswerSatisfactionRate"] == 0.0
    assert totals["complaintsAnsweredOnTimeRate"] == 100.0
    assert await verify(OfficeHours()) == []


async def test_online_shares_of_fully_and_partly_online_procedures(gql: GraphQLClient) -> None:
    partial = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert partial is not None
    full = partial.model_copy(
        update={"id": None, "code": FULL, "online_service": OnlineService.FULL}
    )
    await Procedure.insert(full)
    shown = await gql.anonymous().data(PROCEDURE_LEVEL, {"code": FULL})
    assert shown["procedure"] == {"code": FULL, "onlineService": "FULL"}

    await submit_at(gql, "2026-03-03 09:00", procedureCode=FULL)  # online
    await submit_at(gql, "2026-03-03 09:05", procedureCode=FULL)
    await submit_at(gql, "2026-03-03 09:10", procedureCode=FULL, channel="COUNTER")
    await submit_at(gql, "2026-03-03 09:15")  # partial, online
    await submit_at(gql, "2026-03-03 09:20", channel="COUNTER")
    totals = await _shares(gql)
    assert totals["onlineShare"] == 60.0
    assert totals["fullOnlineShare"] == pytest.approx(66.67)
    assert totals["partialOnlineShare"] == 50.0


async def _pay(gql: GraphQLClient, code: str, method: str) -> None:
    paid = await act(
        gql,
        "2026-03-04 10:00",
        RECORD_PAYMENT,
        code=code,
        amount=50_000,
        method=method,
        reference=f"REF-{code[-4:]}",
    )
    assert paid["errors"] == [], paid["errors"]


async def test_online_payment_share_and_groups_not_measured(gql: GraphQLClient) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(kind=FeeKind.FIXED, amount=50_000)
    await procedure.save()
    await returned_dossier(gql, "2026-03-03")
    [before] = (await gql.anonymous().data(RANKING))["agencyRanking"]
    assert before["notMeasured"] == ["PUBLICITY", "ONLINE_PAYMENT"]
    groups = {g["group"]: g for g in before["groups"]}
    assert groups["PUBLICITY"] == {
        "group": "PUBLICITY",
        "maxPoints": 18.0,
        "measurement": "NOT_MEASURED",
        "rate": None,
        "points": None,
    }
    assert groups["ONLINE_PAYMENT"]["measurement"] == "NO_DATA"
    # 20 + 12 + 18 + 0 of the 82 measurable points; the missing 28 are not made up.
    assert before["score"] == 50.0

    codes = []
    for minute in ("09:00", "09:05"):
        code = (await submit_at(gql, f"2026-03-04 {minute}"))["code"]
        await act(gql, "2026-03-04 09:30", ACCEPT, code=code)
        assert (await act(gql, "2026-03-04 09:40", REQUEST_PAYMENT, code=code))["errors"] == []
        codes.append(code)
    await _pay(gql, codes[0], "E_PAYMENT")
    await _pay(gql, codes[1], "COUNTER")
    assert (await _shares(gql))["onlinePaymentShare"] == 50.0
    [after] = (await gql.anonymous().data(RANKING))["agencyRanking"]
    assert after["agency"]["code"] == WARD
    assert after["notMeasured"] == ["PUBLICITY"]
    payment = next(g for g in after["groups"] if g["group"] == "ONLINE_PAYMENT")
    assert (payment["measurement"], payment["rate"], payment["points"]) == ("MEASURED", 50.0, 5.0)
    assert after["score"] == round(sum(g["points"] or 0 for g in after["groups"]), 2)
    assert await verify(OfficeHours()) == []
