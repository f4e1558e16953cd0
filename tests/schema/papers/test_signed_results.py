"""Electronic results over the real upload route: their XML-DSig or PAdES signature is
verified against the trust roots, the signer is recorded, and results are numbered
`<dossier code>-KQ(n)`; a refused result leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest

from documents.common.counters import Counter
from documents.dossiers.events import DossierEvent, EventType
from documents.papers.attachments import Attachment
from documents.papers.repository import RepositoryItem
from tests.catalogue import WARD
from tests.conftest import GraphQLClient
from tests.papers import PNG, attach_result, file_counts, submit_dossier, upload, with_papers
from tests.schema.workflow.workflow_helpers import ACCEPT
from tests.signing import (
    AGENCY,
    EXPIRED,
    SIGNER_NAME,
    SIGNER_ORGANISATION,
    STRANGER,
    signed_pdf,
    signed_xml,
    tampered,
)

SIGNATURE = "signature { format signer organisation serial subject signedAt validAtSigning }"
ATTACH = f"""
mutation($code: String!, $file: Upload!, $electronic: Boolean!) {{
  attachResult(code: $code, file: $file, resultType: "JUDICIAL_RECORD", electronic: $electronic) {{
    attachment {{ id resultCode electronic {SIGNATURE} }}
    errors {{ field code message }}
  }}
}}
"""
MY_REPOSITORY = "{ myRepository { resultCode sha256 } }"
XML = "application/xml"
PDF = "application/pdf"


@pytest.fixture
async def dossier(gql: GraphQLClient, tiny_catalogue: None) -> str:
    """An accepted dossier of the test applicant: results may be attached."""
    await with_papers([])
    code: str = (await submit_dossier(gql))["code"]
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    return code


async def _attach(
    gql: GraphQLClient, code: str, file: tuple[str, bytes, str], *, electronic: bool = True
) -> dict[str, Any]:
    specialist = gql.as_role("officer:specialist", agency=WARD)
    variables = {"code": code, "electronic": electronic}
    status, body = await upload(specialist, ATTACH, variables, file)
    assert status == 200, body
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["attachResult"]
    return payload


async def _recorded() -> tuple[int, int, int, tuple[int, int]]:
    """Attachments, RESULT_ATTACHED events, repository items, GridFS files and chunks."""
    events = await DossierEvent.find(DossierEvent.type == EventType.RESULT_ATTACHED).count()
    return await Attachment.count(), events, await RepositoryItem.count(), await file_counts()


async def test_a_result_signed_by_the_test_ca_is_accepted_and_one_by_an_untrusted_key_refused(
    gql: GraphQLClient, dossier: str
) -> None:
    accepted = await _attach(gql, dossier, ("lltp.xml", signed_xml(AGENCY), XML))

    assert accepted["errors"] == []
    first = accepted["attachment"]
    assert first["resultCode"] == f"{dossier}-KQ(1)"
    assert first["signature"] == {
        "format": "XML_DSIG",
        "signer": SIGNER_NAME,
        "organisation": SIGNER_ORGANISATION,
        "serial": AGENCY.serial_hex,
        "subject": AGENCY.certificate.subject.rfc4514_string(),
        "signedAt": None,  # plain XML-DSig states no signing time
        "validAtSigning": True,
    }
    before = await _recorded()

    refused = await _attach(gql, dossier, ("lltp.xml", signed_xml(STRANGER), XML))

    assert refused["attachment"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("RESULT_SIGNATURE_UNTRUSTED", "file")
    ]
    assert await _recorded() == before  # no attachment, event, item or file

    # The refused one took no number: the next result is KQ(2).
    again = await _attach(gql, dossier, ("lltp-2.xml", signed_xml(AGENCY, "124/2026"), XML))
    assert again["errors"] == []
    assert again["attachment"]["resultCode"] == f"{dossier}-KQ(2)"


async def test_a_pades_result_records_its_signer_and_signing_time_and_results_count_up(
    gql: GraphQLClient, dossier: str
) -> None:
    pdf = signed_pdf(AGENCY)

    first = await _attach(gql, dossier, ("kq.pdf", pdf, PDF))
    second = await _attach(gql, dossier, ("kq.xml", signed_xml(AGENCY), XML))

    assert (first["errors"], second["errors"]) == ([], [])
    signature = first["attachment"]["signature"]
    assert (signature["format"], signature["signer"], signature["serial"]) == (
        "PADES",
        SIGNER_NAME,
        AGENCY.serial_hex,
    )
    assert signature["signedAt"] is not None
    assert signature["validAtSigning"] is True
    codes = [first["attachment"]["resultCode"], second["attachment"]["resultCode"]]
    assert codes == [f"{dossier}-KQ(1)", f"{dossier}-KQ(2)"]
    # The applicant's e-data repository keeps the same codes.
    repository = (await gql.as_role("applicant").data(MY_REPOSITORY))["myRepository"]
    assert sorted(item["resultCode"] for item in repository) == codes


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (("old.xml", signed_xml(EXPIRED), XML), "RESULT_SIGNATURE_EXPIRED"),
        (("old.pdf", signed_pdf(EXPIRED), PDF), "RESULT_SIGNATURE_EXPIRED"),
        (("x.pdf", signed_pdf(STRANGER), PDF), "RESULT_SIGNATURE_UNTRUSTED"),
        (("x.xml", tampered(signed_xml(AGENCY), b"123/2026"), XML), "RESULT_SIGNATURE_INVALID"),
        (("x.pdf", tampered(signed_pdf(AGENCY), b"KET QUA"), PDF), "RESULT_SIGNATURE_INVALID"),
        # An electronic PDF must be signed, and an image cannot be.
        (("x.pdf", b"%PDF-1.7\n" + b"0" * 200 + b"\n%%EOF\n", PDF), "RESULT_SIGNATURE_INVALID"),
        (("x.png", PNG, "image/png"), "RESULT_SIGNATURE_INVALID"),
    ],
    ids=[
        "xml-expired",
        "pdf-expired",
        "pdf-untrusted",
        "xml-tampered",
        "pdf-tampered",
        "pdf-unsigned",
        "png",
    ],
)
async def test_a_bad_signature_is_a_typed_error_and_records_nothing(
    gql: GraphQLClient, dossier: str, file: tuple[str, bytes, str], code: str
) -> None:
    payload = await _attach(gql, dossier, file)

    assert payload["attachment"] is None
    assert [e["code"] for e in payload["errors"]] == [code]
    assert await _recorded() == (0, 0, 0, (0, 0))
    assert await Counter.get(f"results:{dossier}") is None  # no KQ number consumed


async def test_an_xml_result_with_a_dtd_is_refused_before_signxml_parses_it(
    gql: GraphQLClient, dossier: str
) -> None:
    signed = signed_xml(AGENCY)
    head, body = signed.split(b"\n", 1)
    with_entity = head + b'\n<!DOCTYPE result [<!ENTITY e "x">]>\n' + body

    payload = await _attach(gql, dossier, ("dtd.xml", with_entity, XML))

    assert [e["code"] for e in payload["errors"]] == ["RESULT_SIGNATURE_INVALID"]
    assert await _recorded() == (0, 0, 0, (0, 0))


async def test_a_scanned_result_is_not_verified_but_is_numbered(
    gql: GraphQLClient, dossier: str
) -> None:
    payload = await attach_result(
        gql.as_role("officer:specialist", agency=WARD),
        dossier,
        ("scan.png", PNG, "image/png"),
        electronic=False,
    )

    assert payload["errors"] == []
    assert payload["attachment"]["electronic"] is False
    assert payload["attachment"]["resultCode"] == f"{dossier}-KQ(1)"
    stored = await Attachment.find_one(Attachment.dossier_code == dossier)
    assert stored is not None
    assert stored.signature is None


async def test_an_xml_result_is_verified_even_when_not_marked_electronic(
    gql: GraphQLClient, dossier: str
) -> None:
    payload = await _attach(gql, dossier, ("x.xml", signed_xml(STRANGER), XML), electronic=False)

    assert [e["code"] for e in payload["errors"]] == ["RESULT_SIGNATURE_UNTRUSTED"]
    assert await _recorded() == (0, 0, 0, (0, 0))
