"""The statistics, ranking and rating API, through /graphql, on a fixed clock."""

from __future__ import annotations

from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import fixed_time
from documents.statistics.deadline_sweep import sweep_passed_deadlines
from documents.statistics.rebuild import verify
from documents.statistics.tables import Level, StatsMonth
from tests.catalogue import PROCEDURE, WARD
from tests.conftest import GraphQLClient
from tests.schema.statistics.statistics_helpers import (
    ANSWER,
    FILE,
    PUBLIC_STATISTICS,
    RATE,
    RATING,
    STATISTICS,
    as_applicant,
    open_dossier,
    refused_dossier,
    returned_dossier,
)
from tests.schema.workflow.workflow_helpers import WITHDRAW, act, local

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
RANKING = """
query { agencyRanking(from: "2026-03-01", to: "2026-03-31") {
  rank score agency { code } indicators { received onTimeRate } } }
"""
TABLE = """
query($agency: String) { procedureTable(from: "2026-03-01", to: "2026-03-31", agencyCode: $agency) {
  procedure { code } indicators { received resolved } } }
"""
DOSSIER_OPINIONS = """
query($code: String!) { dossier(code: $code) {
  rating { overall attitude } feedback { kind text answer } } }
"""


async def _totals(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    data = await gql.data(STATISTICS, {**MARCH, **variables})
    totals: dict[str, Any] = data["statistics"]["totals"]
    return totals


async def test_statistics_counts_received_resolved_open_and_overdue(gql: GraphQLClient) -> None:
    await returned_dossier(gql, "2026-03-03")
    await refused_dossier(gql, "2026-03-04")
    await open_dossier(gql, "2026-03-05")
    totals = await _totals(gql)
    assert (totals["received"], totals["resolved"], totals["inProgress"]) == (3, 1, 1)
    # The open dossier was due in March; the real clock is past that.
    assert totals["overdueInProgress"] == 1
    assert totals["onTimeRate"] == 100.0
    # Received Tuesday before the cut-off, resolved Tuesday: 0 of 3 legal working days.
    assert (totals["averageProcessingDays"], totals["legalProcessingDays"]) == (0.0, 3.0)
    assert totals["workingDaysSaved"] == 3.0
    assert totals["onlineShare"] == pytest.approx(66.67)
    assert totals["digitisationRate"] is None  # the procedure asks for no papers
    assert totals["satisfaction"] == 100.0
    assert totals["complaintsAnsweredOnTimeRate"] is None


async def test_overdue_is_live_before_the_deadline_sweep_and_rolled_up_after_it(
    gql: GraphQLClient,
) -> None:
    code = await open_dossier(gql, "2026-03-03")  # due three working days later

    async def overdue_at(at: str) -> int:
        with fixed_time(local(at)):
            public = await gql.anonymous().data(PUBLIC_STATISTICS, MARCH)
            signed_in = await _totals(gql)
        count: int = public["publicStatistics"]["totals"]["overdueInProgress"]
        assert signed_in["overdueInProgress"] == count
        return count

    async def city_rollup() -> int:
        row = await StatsMonth.find_one({"level": Level.CITY.value, "day": "2026-03"})
        assert row is not None
        return row.overdue

    assert await overdue_at("2026-03-04 09:00") == 0
    # Past the deadline, with no event since: counted from the open clock at once.
    assert await overdue_at("2026-03-20 09:00") == 1
    assert await city_rollup() == 0
    with fixed_time(local("2026-03-20 09:00")):
        assert await verify(OfficeHours()) == []
        assert await sweep_passed_deadlines(OfficeHours()) == 1
        assert await sweep_passed_deadlines(OfficeHours()) == 0  # already counted
        assert await verify(OfficeHours()) == []
    assert await city_rollup() == 1
    assert await overdue_at("2026-03-20 09:00") == 1  # not twice
    await act(gql, "2026-03-20 10:00", WITHDRAW, code=code, reason="Không cần nữa")
    assert await city_rollup() == 0
    assert await overdue_at("2026-03-20 11:00") == 0


async def test_statistics_series_groups_by_period(gql: GraphQLClient) -> None:
    await returned_dossier(gql, "2026-03-03")
    await returned_dossier(gql, "2026-04-07")
    variables = {"from": "2026-01-01", "to": "2026-12-31", "granularity": "QUARTER"}
    series = (await gql.data(STATISTICS, variables))["statistics"]["series"]
    assert [(p["period"], p["start"], p["indicators"]["received"]) for p in series] == [
        ("2026-Q1", "2026-01-01", 1),
        ("2026-Q2", "2026-04-01", 1),
    ]
    by_day = await gql.data(STATISTICS, {**MARCH, "granularity": "DAY"})
    assert [p["period"] for p in by_day["statistics"]["series"]] == ["2026-03-03"]


async def test_statistics_scope_filters_by_agency_and_procedure(gql: GraphQLClient) -> None:
    await returned_dossier(gql, "2026-03-03")
    assert (await _totals(gql, scope={"agencyCode": WARD}))["received"] == 1
    assert (await _totals(gql, scope={"procedureCode": "no.such"}))["received"] == 0
    ward_officer = gql.as_role("officer:reception", agency=WARD)
    denied = await ward_officer.execute(
        STATISTICS, {**MARCH, "scope": {"agencyCode": "000.00.00.H26"}}
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_statistics_requires_login_but_public_statistics_does_not(gql: GraphQLClient) -> None:
    await returned_dossier(gql, "2026-03-03")
    anonymous = gql.anonymous()
    refused = await anonymous.execute(STATISTICS, MARCH)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    public = await anonymous.data(PUBLIC_STATISTICS, MARCH)
    assert public["publicStatistics"]["totals"]["resolved"] == 1


async def test_rate_dossier_once_and_counts_dissatisfied_in_satisfaction(
    gql: GraphQLClient,
) -> None:
    code = await returned_dossier(gql, "2026-03-03")
    rating = {**RATING, "overall": "DISSATISFIED", "comment": "Chờ lâu"}
    rated = await as_applicant(gql, "2026-03-04 09:00", RATE, code=code, input=rating)
    assert rated["errors"] == []
    assert rated["rating"]["overall"] == "DISSATISFIED"
    again = await as_applicant(gql, "2026-03-04 09:05", RATE, code=code, input=RATING)
    assert [e["code"] for e in again["errors"]] == ["ALREADY_EXISTS"]
    totals = await _totals(gql)
    assert totals["ratings"] == {"satisfied": 0, "normal": 0, "dissatisfied": 1}
    assert totals["satisfaction"] == 0.0
    shown = (await gql.data(DOSSIER_OPINIONS, {"code": code}))["dossier"]
    assert shown["rating"] == {"overall": "DISSATISFIED", "attitude": 4}


async def test_rate_dossier_rejects_open_dossiers_and_bad_scores(gql: GraphQLClient) -> None:
    code = await open_dossier(gql, "2026-03-03")
    early = await as_applicant(gql, "2026-03-04 09:00", RATE, code=code, input=RATING)
    assert [e["code"] for e in early["errors"]] == ["ILLEGAL_TRANSITION"]
    done = await returned_dossier(gql, "2026-03-05")
    bad = await as_applicant(gql, "2026-03-06 09:00", RATE, code=done, input={**RATING, "time": 9})
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("input.time", "VALIDATION_FAILED")]
    officer = await gql.execute(RATE, {"code": done, "input": RATING})
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_answer_feedback_in_time_counts_complaints_answered_on_time(
    gql: GraphQLClient,
) -> None:
    code = await returned_dossier(gql, "2026-03-03")
    filed = await as_applicant(
        gql, "2026-03-04 09:00", FILE, code=code, kind="COMPLAINT", text="Thái độ chưa tốt"
    )
    assert filed["errors"] == []
    assert (await _totals(gql))["complaintsAnsweredOnTimeRate"] == 0.0
    with fixed_time(local("2026-03-06 10:00")):
        answered = await gql.data(ANSWER, {"id": filed["feedback"]["id"], "answer": "Xin lỗi"})
    assert answered["answerFeedback"]["feedback"]["answerWorkingDays"] == 2
    totals = await _totals(gql)
    assert totals["complaintsAnsweredOnTimeRate"] == 100.0
    assert totals["satisfaction"] == 0.0  # a complaint makes the dossier count as unhappy
    shown = (await gql.data(DOSSIER_OPINIONS, {"code": code}))["dossier"]
    assert shown["feedback"] == [
        {"kind": "COMPLAINT", "text": "Thái độ chưa tốt", "answer": "Xin lỗi"}
    ]


async def test_agency_ranking_and_procedure_table_are_public(gql: GraphQLClient) -> None:
    await returned_dossier(gql, "2026-03-03")
    anonymous = gql.anonymous()
    [first] = (await anonymous.data(RANKING))["agencyRanking"]
    assert (first["rank"], first["agency"]["code"]) == (1, WARD)
    # On time (20), online (12) and satisfaction (18) in full, no electronic result
    # (digitisation 0 of 22); publicity and payment add nothing, and nothing is rescaled.
    assert first["score"] == 50.0
    rows = (await anonymous.data(TABLE, {"agency": WARD}))["procedureTable"]
    assert rows == [
        {"procedure": {"code": PROCEDURE}, "indicators": {"received": 1, "resolved": 1}}
    ]
