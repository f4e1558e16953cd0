"""A new dossier's statistics fact is computed from what its submission knows, without
reading (docs/benchmarks.md, "Submission"): it must be the fact a full recomputation
reads back, reused papers included."""

from __future__ import annotations

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.statistics.facts import DossierFact
from documents.statistics.rebuild import verify
from tests.conftest import GraphQLClient
from tests.papers import PDF, SIGNED_XML, attach_result, submit_dossier, upload_paper, with_papers
from tests.schema.statistics.test_digitisation import _do, _resolve
from tests.schema.workflow.workflow_helpers import ACCEPT

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

MY_REPOSITORY = "{ myRepository { id slot } }"


async def test_a_submission_with_reused_papers_counts_them_at_once(gql: GraphQLClient) -> None:
    await with_papers()
    officer, applicant = gql.as_role("officer:reception"), gql.as_role("applicant")
    pdf = ("giay.pdf", PDF, "application/pdf")
    first = (await submit_dossier(officer, channel="COUNTER"))["code"]
    await upload_paper(officer, first, "identity", pdf)
    await _do(gql, ACCEPT, code=first)
    result = await attach_result(officer, first, ("kq.xml", SIGNED_XML, "application/xml"))
    assert result["errors"] == []
    await _resolve(gql, first)
    items = (await applicant.data(MY_REPOSITORY))["myRepository"]
    identity = next(item for item in items if item["slot"] == "identity")

    code = (
        await submit_dossier(
            applicant, reusedPapers=[{"slot": "identity", "repositoryItemId": identity["id"]}]
        )
    )["code"]

    # Nothing else has touched it: its fact and roll-ups are the submission's own, and
    # agree with a recomputation that reads its papers and procedure back.
    stored = await DossierFact.find_one(DossierFact.dossier_code == code)
    assert stored is not None
    received = stored.received_contributions[stored.received_day]
    assert received.get("data_reused") == 1  # the reused papers were counted
    assert await verify(OfficeHours()) == []
