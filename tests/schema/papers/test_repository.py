"""The e-data repository, reuse of what it holds at submission, and form prefill."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.definition import DisplayHints, FieldHint
from documents.common.clock import fixed_time
from documents.papers.repository import RepositoryItem, give_tokens
from tests.catalogue import APPLICANT, APPLICANT_ID, PERMIT_SCHEMA, PROCEDURE, submission
from tests.conftest import GraphQLClient
from tests.papers import (
    PDF,
    SIGNED_XML,
    SUBMIT,
    attach_result,
    file_counts,
    submit_dossier,
    upload_paper,
    with_papers,
)
from tests.schema.workflow.workflow_helpers import ACCEPT

MY_REPOSITORY = """
{ myRepository { id token kind name slot resultType validFrom validUntil expired
  dossierCode agencyCode procedureCode sha256 downloadUrl } }
"""
PREFILL = "query($code: String!) { prefillForm(procedureCode: $code) }"
OTHER_ID = "001090099999"


@pytest.fixture
async def papers(tiny_catalogue: None) -> None:
    await with_papers()


async def _accept(gql: GraphQLClient, code: str) -> None:
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []


async def _judicial_record(gql: GraphQLClient, valid_until: str | None = None) -> str:
    """A dossier of the applicant, accepted, with an electronic judicial record result."""
    code: str = (await submit_dossier(gql))["code"]
    await _accept(gql, code)
    payload = await attach_result(gql, code, ("lltp.xml", SIGNED_XML, "application/xml"),
                                  valid_until=valid_until)  # fmt: skip
    assert payload["errors"] == []
    return code


async def _repository(gql: GraphQLClient, id_number: str = APPLICANT_ID) -> list[dict[str, Any]]:
    data = await gql.as_role("applicant", id_number=id_number).data(MY_REPOSITORY)
    items: list[dict[str, Any]] = data["myRepository"]
    return items


def _papers(dossier: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["slot"]: p for p in dossier["requiredPapers"]}


async def test_my_repository_is_only_for_applicants(gql: GraphQLClient) -> None:
    body = await gql.execute(MY_REPOSITORY)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_accepting_a_dossier_files_its_papers_in_the_repository(
    gql: GraphQLClient, papers: None
) -> None:
    code = (await submit_dossier(gql))["code"]
    await upload_paper(gql, code, "identity", ("cccd.pdf", PDF, "application/pdf"))
    assert await _repository(gql) == []

    await _accept(gql, code)

    [item] = await _repository(gql)
    assert item["kind"] == "PAPER"
    assert (item["slot"], item["name"]) == ("identity", "Căn cước")
    assert (item["dossierCode"], item["procedureCode"]) == (code, PROCEDURE)
    assert item["agencyCode"] == "000.22.99.H26"
    assert item["downloadUrl"].startswith(f"/dossiers/{code}/attachments/")
    assert await _repository(gql, OTHER_ID) == []


async def test_a_recent_result_fills_its_slot_at_submission(
    gql: GraphQLClient, papers: None
) -> None:
    await _judicial_record(gql)
    files_before = await file_counts()

    dossier = await submit_dossier(gql.as_role("applicant"))

    assert _papers(dossier)["judicialRecord"] == {
        "slot": "judicialRecord",
        "name": "Phiếu lý lịch tư pháp",
        "satisfied": True,
        "source": "REUSED",
    }
    assert dossier["reusedCount"] == 1
    [attachment] = dossier["attachments"]
    assert (attachment["slot"], attachment["reused"]) == ("judicialRecord", True)
    assert await file_counts() == files_before  # the same file, not a copy


async def test_an_expired_result_does_not_fill_its_slot(gql: GraphQLClient, papers: None) -> None:
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    await _judicial_record(gql, valid_until=yesterday)

    dossier = await submit_dossier(gql.as_role("applicant"))

    assert _papers(dossier)["judicialRecord"]["satisfied"] is False
    assert dossier["reusedCount"] == 0
    assert dossier["attachments"] == []


async def test_a_result_issued_too_long_ago_does_not_fill_its_slot(
    gql: GraphQLClient, papers: None
) -> None:
    with fixed_time(datetime.now(UTC) - timedelta(days=181)):
        await _judicial_record(gql)

    dossier = await submit_dossier(gql.as_role("applicant"))

    assert _papers(dossier)["judicialRecord"]["source"] is None
    assert dossier["reusedCount"] == 0


async def test_a_paper_is_reused_by_its_repository_item_id(
    gql: GraphQLClient, papers: None
) -> None:
    first = (await submit_dossier(gql))["code"]
    await upload_paper(gql, first, "identity", ("cccd.pdf", PDF, "application/pdf"))
    await _accept(gql, first)
    [item] = await _repository(gql)

    applicant = gql.as_role("applicant")
    dossier = await submit_dossier(
        applicant, reusedPapers=[{"slot": "identity", "repositoryItemId": item["id"]}]
    )

    assert _papers(dossier)["identity"]["source"] == "REUSED"
    assert dossier["reusedCount"] == 1
    assert dossier["attachments"][0]["sha256"] == item["sha256"]


async def test_someone_elses_repository_item_is_refused(gql: GraphQLClient, papers: None) -> None:
    first = (await submit_dossier(gql))["code"]
    await upload_paper(gql, first, "identity", ("cccd.pdf", PDF, "application/pdf"))
    await _accept(gql, first)
    [item] = await _repository(gql)
    someone_else = {**APPLICANT, "idNumber": OTHER_ID}

    data = await gql.as_role("applicant", id_number=OTHER_ID).data(
        SUBMIT,
        {
            "input": {
                "procedureCode": PROCEDURE,
                "receivingAgencyCode": "000.22.99.H26",
                "channel": "ONLINE",
                "applicant": someone_else,
                "data": {"fullName": "Lê Văn C", "birthDate": "1991-01-01"},
                "reusedPapers": [{"slot": "identity", "repositoryItemId": item["id"]}],
            }
        },
    )

    payload = data["submitDossier"]
    assert payload["dossier"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "reusedPapers.0")]


async def test_repository_items_are_named_by_random_tokens_not_object_ids(
    gql: GraphQLClient, papers: None
) -> None:
    await _judicial_record(gql)
    await _judicial_record(gql)
    items = await RepositoryItem.find_all().to_list()
    applicant = gql.as_role("applicant")

    listed = await _repository(gql)
    by_object_id = await applicant.data(
        SUBMIT,
        {
            "input": submission(
                reusedPapers=[{"slot": "judicialRecord", "repositoryItemId": str(items[0].id)}]
            )
        },
    )

    assert {i["token"] for i in listed} == {item.token for item in items}
    assert all(re.fullmatch(r"ri_[A-Za-z0-9_-]{22}", i["token"]) for i in listed)
    assert [e["code"] for e in by_object_id["submitDossier"]["errors"]] == ["NOT_FOUND"]


async def test_items_filed_before_tokens_get_one_at_start_up_or_when_listed(
    gql: GraphQLClient, papers: None
) -> None:
    await _judicial_record(gql)
    await _judicial_record(gql)
    collection = RepositoryItem.get_pymongo_collection()
    await collection.update_many({}, {"$unset": {"token": ""}})
    first = await collection.find_one({})
    assert first is not None
    await collection.update_one({"_id": first["_id"]}, {"$set": {"owner_id": OTHER_ID}})

    given = await give_tokens({"owner_id": OTHER_ID})
    listed = await _repository(gql)

    assert given == 1
    assert (await collection.find_one({"_id": first["_id"]}) or {})["token"].startswith("ri_")
    [mine] = listed
    assert mine["token"].startswith("ri_")
    assert await give_tokens() == 0


async def test_reuse_of_an_unknown_slot_is_refused(gql: GraphQLClient, papers: None) -> None:
    data = await gql.data(
        SUBMIT,
        {"input": submission(reusedPapers=[{"slot": "x", "repositoryItemId": "0"}])},
    )

    assert [e["code"] for e in data["submitDossier"]["errors"]] == ["UNKNOWN_SLOT"]


async def test_prefill_takes_earlier_answers_then_the_applicant_record(
    gql: GraphQLClient, tiny_catalogue: None
) -> None:
    hints = DisplayHints(
        fields=[
            FieldHint(pointer="/fullName", label_vi="Họ và tên", profile_attribute="fullName"),
            FieldHint(pointer="/birthDate", label_vi="Ngày sinh", profile_attribute="birthDate"),
            FieldHint(pointer="/email", label_vi="Thư điện tử", profile_attribute="email"),
            FieldHint(pointer="/plate", label_vi="Biển số"),
        ]
    )
    draft = await lifecycle.create_draft("permit", "Giấy phép thử", PERMIT_SCHEMA, hints)
    assert draft.id is not None
    await lifecycle.publish(draft.id)
    applicant = {**APPLICANT, "email": "an@example.vn"}
    accepted = await submit_dossier(
        gql, applicant=applicant, data={"fullName": "Nguyễn Văn An", "birthDate": "1990-05-17"}
    )
    await _accept(gql, accepted["code"])
    # Not accepted (yet): it does not count.
    await submit_dossier(gql, data={"fullName": "Someone Else", "birthDate": "2000-01-01"})

    data = await gql.as_role("applicant").data(PREFILL, {"code": PROCEDURE})

    assert data["prefillForm"] == {
        "fullName": "Nguyễn Văn An",
        "birthDate": "1990-05-17",
        "email": "an@example.vn",
    }


async def test_prefill_is_empty_without_history_and_only_for_applicants(
    gql: GraphQLClient, tiny_catalogue: None
) -> None:
    mine = await gql.as_role("applicant").data(PREFILL, {"code": PROCEDURE})
    unknown = await gql.as_role("applicant").data(PREFILL, {"code": "no-such-procedure"})
    officer = await gql.execute(PREFILL, {"code": PROCEDURE})

    assert mine["prefillForm"] == {}
    assert unknown["prefillForm"] is None
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
