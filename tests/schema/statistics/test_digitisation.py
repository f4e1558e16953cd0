"""Digitisation per paper, measured as Decision 766 does: each paper records how it
came, and the statistics count dossiers whose papers are digitised, results issued
electronically and papers reused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import local_today
from documents.statistics.rebuild import verify
from tests.conftest import GraphQLClient
from tests.papers import PDF, SIGNED_XML, attach_result, submit_dossier, upload_paper, with_papers
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_RESULT,
    RETURN_RESULT,
    role_for,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

MY_REPOSITORY = "{ myRepository { id slot } }"
PAPERS = """
query($code: String!) { dossier(code: $code) { attachments { slot kind digitisation digitisedBy } } }
"""
SHARES = """
query($from: Date!, $to: Date!) { publicStatistics(from: $from, to: $to) { totals {
  received resolved digitisationRate electronicResultShare reuseShare } } }
"""


async def _do(gql: GraphQLClient, mutation: str, **variables: Any) -> None:
    role = role_for(mutation)
    data = await gql.as_role(role).data(mutation, variables)
    assert next(iter(data.values()))["errors"] == []


async def _resolve(gql: GraphQLClient, code: str) -> None:
    for step, role, user in (("review", "officer:reception", "cv.an"), ("approve", None, "ld.b")):
        variables = {"code": code, "toStep": step, "toUser": user}
        data = await gql.as_role(role or role_for(HAND_OVER)).data(HAND_OVER, variables)
        assert data["handOver"]["errors"] == []
    await _do(gql, RECORD_RESULT, code=code, decision="APPROVE", note="Đạt")
    await _do(gql, RETURN_RESULT, code=code)


async def _papers(gql: GraphQLClient, code: str) -> dict[str, dict[str, Any]]:
    data = await gql.data(PAPERS, {"code": code})
    return {a["slot"]: a for a in data["dossier"]["attachments"] if a["kind"] == "APPLICATION"}


async def test_each_paper_records_how_it_came_and_the_shares_follow(gql: GraphQLClient) -> None:
    await with_papers()  # application (mandatory), identity and judicialRecord (optional)
    officer = gql.as_role("officer:reception")
    applicant = gql.as_role("applicant")
    pdf = ("giay.pdf", PDF, "application/pdf")

    scanned = (await submit_dossier(officer, channel="COUNTER"))["code"]
    await upload_paper(officer, scanned, "application", pdf)
    await upload_paper(officer, scanned, "identity", pdf)
    await _do(gql, ACCEPT, code=scanned)
    result = await attach_result(officer, scanned, ("kq.xml", SIGNED_XML, "application/xml"))
    assert result["errors"] == []
    await _resolve(gql, scanned)

    items = (await applicant.data(MY_REPOSITORY))["myRepository"]
    identity = next(item for item in items if item["slot"] == "identity")
    reused = await submit_dossier(
        applicant, reusedPapers=[{"slot": "identity", "repositoryItemId": identity["id"]}]
    )
    await upload_paper(applicant, reused["code"], "application", pdf)
    await _do(gql, ACCEPT, code=reused["code"])

    on_paper = (await submit_dossier(officer, channel="COUNTER"))["code"]
    await _do(gql, ACCEPT, code=on_paper)  # its application was never scanned

    assert await _papers(gql, scanned) == {
        "application": {
            "slot": "application",
            "kind": "APPLICATION",
            "digitisation": "DIGITISED_AT_COUNTER",
            "digitisedBy": "test-officer-reception",
        },
        "identity": {
            "slot": "identity",
            "kind": "APPLICATION",
            "digitisation": "DIGITISED_AT_COUNTER",
            "digitisedBy": "test-officer-reception",
        },
    }
    shown = await _papers(gql, reused["code"])
    assert {slot: paper["digitisation"] for slot, paper in shown.items()} == {
        "application": "SUBMITTED_ELECTRONICALLY",
        "identity": "REUSED_FROM_REPOSITORY",
        "judicialRecord": "REUSED_FROM_RESULT",  # the first dossier's result, by itself
    }

    today = local_today()
    window = {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}
    totals = (await gql.anonymous().data(SHARES, window))["publicStatistics"]["totals"]
    assert (totals["received"], totals["resolved"]) == (3, 1)
    assert totals["digitisationRate"] == pytest.approx(66.67)  # 2 of 3: one on paper
    assert totals["reuseShare"] == pytest.approx(33.33)  # 1 of 3
    assert totals["electronicResultShare"] == 100.0  # the one resolved, an electronic result
    assert await verify(OfficeHours()) == []
