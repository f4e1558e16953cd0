"""Removing papers, and attaching results, which go to the applicant's repository."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.catalogue import WARD
from tests.conftest import GraphQLClient
from tests.papers import (
    PDF,
    SIGNED_XML,
    UNSIGNED_XML,
    attach_result,
    file_counts,
    submit_dossier,
    upload,
    upload_paper,
    with_papers,
)
from tests.schema.workflow.workflow_helpers import ACCEPT

REMOVE = """
mutation($code: String!, $id: ID!) {
  removeAttachment(code: $code, attachmentId: $id) {
    dossier { attachments { id } requiredPapers { slot satisfied source } }
    errors { field message code }
  }
}
"""
MY_REPOSITORY = "{ myRepository { kind resultType electronic dossierCode sha256 validUntil } }"


@pytest.fixture
async def dossier(gql: GraphQLClient, tiny_catalogue: None) -> str:
    """A RECEIVED dossier of the test applicant, for a procedure with paper slots."""
    await with_papers()
    code: str = (await submit_dossier(gql))["code"]
    return code


async def test_remove_attachment_deletes_the_file_while_received(
    gql: GraphQLClient, dossier: str
) -> None:
    applicant = gql.as_role("applicant")
    added = await upload_paper(applicant, dossier, "application", ("a.pdf", PDF, "application/pdf"))

    data = await applicant.data(REMOVE, {"code": dossier, "id": added["attachment"]["id"]})

    payload = data["removeAttachment"]
    assert payload["errors"] == []
    assert payload["dossier"]["attachments"] == []
    assert payload["dossier"]["requiredPapers"][0] == {
        "slot": "application",
        "satisfied": False,
        "source": None,
    }
    assert await file_counts() == (0, 0)


async def test_remove_attachment_is_refused_once_accepted(gql: GraphQLClient, dossier: str) -> None:
    added = await upload_paper(gql, dossier, "application", ("a.pdf", PDF, "application/pdf"))
    assert (await gql.data(ACCEPT, {"code": dossier}))["acceptDossier"]["errors"] == []

    data = await gql.data(REMOVE, {"code": dossier, "id": added["attachment"]["id"]})

    assert [e["code"] for e in data["removeAttachment"]["errors"]] == ["ATTACHMENTS_LOCKED"]
    assert await file_counts() == (1, 1)


async def _accepted(gql: GraphQLClient, code: str) -> None:
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []


async def test_attach_result_marks_electronic_results_and_files_them_for_the_applicant(
    gql: GraphQLClient, dossier: str
) -> None:
    await _accepted(gql, dossier)
    specialist = gql.as_role("officer:specialist", agency=WARD)

    payload = await attach_result(
        specialist, dossier, ("phieu.xml", SIGNED_XML, "text/xml"), valid_until="2030-01-01"
    )

    assert payload["errors"] == []
    result = payload["attachment"]
    assert (result["kind"], result["slot"], result["electronic"]) == ("RESULT", None, True)
    assert (result["mediaType"], result["resultType"]) == ("application/xml", "JUDICIAL_RECORD")
    repository: list[dict[str, Any]] = (await gql.as_role("applicant").data(MY_REPOSITORY))[
        "myRepository"
    ]
    assert repository == [
        {
            "kind": "RESULT",
            "resultType": "JUDICIAL_RECORD",
            "electronic": True,
            "dossierCode": dossier,
            "sha256": hashlib.sha256(SIGNED_XML).hexdigest(),
            "validUntil": "2030-01-01",
        }
    ]


async def test_attach_result_refuses_unsigned_xml(gql: GraphQLClient, dossier: str) -> None:
    await _accepted(gql, dossier)

    payload = await attach_result(gql, dossier, ("phieu.xml", UNSIGNED_XML, "application/xml"))

    assert [e["code"] for e in payload["errors"]] == ["UNSUPPORTED_MEDIA_TYPE"]
    assert await file_counts() == (0, 0)


async def test_attach_result_waits_for_processing_and_for_handling_officers(
    gql: GraphQLClient, dossier: str
) -> None:
    file = ("kq.pdf", PDF, "application/pdf")
    too_early = await attach_result(gql, dossier, file)
    await _accepted(gql, dossier)
    status, body = await upload(
        gql.as_role("applicant"),
        'mutation($code: String!, $file: Upload!) { attachResult(code: $code, file: $file, resultType: "X", electronic: false) { errors { code } } }',
        {"code": dossier},
        file,
    )

    assert [e["code"] for e in too_early["errors"]] == ["ATTACHMENTS_LOCKED"]
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
