"""Dossiers played to known states for the statistics tests, on a fixed clock."""

from __future__ import annotations

from typing import Any

from documents.common.clock import fixed_time
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_RESULT,
    REFUSE,
    RETURN_RESULT,
    act,
    local,
    submit_at,
)

RATE = """
mutation($code: String!, $input: RatingInput!) { rateDossier(code: $code, input: $input) {
  rating { overall time comment } errors { field message code } } }
"""
FILE = """
mutation($code: String!, $kind: FeedbackKind!, $text: String!) {
  fileFeedback(code: $code, kind: $kind, text: $text) {
    feedback { id kind answer answerWorkingDays } errors { field message code } } }
"""
ANSWER = """
mutation($id: ID!, $answer: String!) { answerFeedback(id: $id, answer: $answer) {
  feedback { id answer answerWorkingDays } errors { field message code } } }
"""
INDICATORS = """
received resolved inProgress overdueInProgress onTimeRate averageProcessingDays
legalProcessingDays workingDaysSaved onlineShare digitisationRate satisfaction
ratings { satisfied normal dissatisfied } complaintsAnsweredOnTimeRate
"""
STATISTICS = f"""
query($from: Date!, $to: Date!, $scope: StatisticsScope, $granularity: Granularity! = MONTH) {{
  statistics(from: $from, to: $to, scope: $scope, granularity: $granularity) {{
    totals {{ {INDICATORS} }} series {{ period start indicators {{ {INDICATORS} }} }} }} }}
"""
PUBLIC_STATISTICS = STATISTICS.replace("statistics(", "publicStatistics(")
RATING = {"overall": "SATISFIED", "time": 5, "attitude": 4, "guidance": 5, "cost": 4}


async def returned_dossier(gql: GraphQLClient, day: str, **overrides: Any) -> str:
    """Received at 09:00 on `day`, resolved and returned the same day."""
    code: str = (await submit_at(gql, f"{day} 09:00", **overrides))["code"]
    await act(gql, f"{day} 09:10", ACCEPT, code=code)
    steps = (("review", "officer:reception", "cv.an"), ("approve", None, "ld.binh"))
    for step, role, user in steps:
        await act(gql, f"{day} 09:20", HAND_OVER, role=role, code=code, toStep=step, toUser=user)
    await act(gql, f"{day} 10:00", RECORD_RESULT, code=code, decision="APPROVE", note="Đạt")
    await act(gql, f"{day} 11:00", RETURN_RESULT, code=code)
    return code


async def refused_dossier(gql: GraphQLClient, day: str) -> str:
    code: str = (await submit_at(gql, f"{day} 09:00", channel="COUNTER"))["code"]
    await act(gql, f"{day} 09:30", REFUSE, code=code, reason="Thiếu giấy tờ")
    return code


async def open_dossier(gql: GraphQLClient, day: str) -> str:
    code: str = (await submit_at(gql, f"{day} 09:00"))["code"]
    await act(gql, f"{day} 09:30", ACCEPT, code=code)
    return code


async def as_applicant(gql: GraphQLClient, at: str, query: str, **variables: Any) -> dict[str, Any]:
    with fixed_time(local(at)):
        data = await gql.as_role("applicant").data(query, variables)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload
