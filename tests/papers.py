"""Shared helpers for the attachment, repository and download tests."""

from __future__ import annotations

import json
from typing import Any

from documents.catalogue.procedures import Procedure, RequiredPaper, ResultReuse
from documents.papers.attachments import Attachment
from tests.catalogue import PROCEDURE, submission
from tests.conftest import GraphQLClient
from tests.signing import AGENCY, signed_pdf, signed_xml

# Small files whose first bytes say what they are.
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 500
TEXT = b"just some words, nothing more\n" * 10
# Results signed by the agency's certificate of the CA the test settings trust.
SIGNED_XML = signed_xml(AGENCY)
SIGNED_PDF = signed_pdf(AGENCY)
UNSIGNED_XML = b'<?xml version="1.0"?>\n<result><number>123/2026</number></result>'

PAPERS = [
    RequiredPaper(slot="application", name="Tờ khai"),
    RequiredPaper(slot="identity", name="Căn cước", originals=0, copies=1, optional=True),
    RequiredPaper(
        slot="judicialRecord",
        name="Phiếu lý lịch tư pháp",
        optional=True,
        satisfied_by_result=ResultReuse(result_type="JUDICIAL_RECORD", max_age_days=180),
    ),
]

ATTACHMENT_FIELDS = "id attachmentId slot kind filename mediaType size sha256 electronic uploadedAt reused downloadUrl resultType resultCode validUntil"
UPLOAD = f"""
mutation($code: String!, $slot: String!, $file: Upload!, $key: String) {{
  uploadAttachment(code: $code, slot: $slot, file: $file, idempotencyKey: $key) {{
    attachment {{ {ATTACHMENT_FIELDS} }}
    dossier {{ code reusedCount requiredPapers {{ slot satisfied source }} }}
    errors {{ field message code }}
  }}
}}
"""
ATTACH_RESULT = f"""
mutation($code: String!, $file: Upload!, $type: String!, $electronic: Boolean!, $until: Date) {{
  attachResult(code: $code, file: $file, resultType: $type, electronic: $electronic, validUntil: $until) {{
    attachment {{ {ATTACHMENT_FIELDS} }}
    errors {{ field message code }}
  }}
}}
"""
SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) {
    dossier {
      code reusedCount
      requiredPapers { slot name satisfied source }
      attachments { id slot reused sha256 size }
    }
    errors { field message code }
  }
}
"""


async def with_papers(papers: list[RequiredPaper] | None = None) -> None:
    """Give the tiny catalogue's procedure paper slots (it has none)."""
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.required_papers = PAPERS if papers is None else papers
    await procedure.save()


async def submit_dossier(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    """Submit as reception (or whoever `gql` is) and return the dossier."""
    data = await gql.data(SUBMIT, {"input": submission(**overrides)})
    payload: dict[str, Any] = data["submitDossier"]
    assert payload["errors"] == [], payload["errors"]
    dossier: dict[str, Any] = payload["dossier"]
    return dossier


async def upload(
    gql: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    file: tuple[str, bytes, str],
    *,
    csrf: bool = True,
) -> tuple[int, dict[str, Any]]:
    """A GraphQL multipart request (the `file` variable is the upload), as browsers send it."""
    operations = {"query": query, "variables": {**variables, "file": None}}
    headers = {"authorization": f"Bearer {gql.token}"} if gql.token else {}
    if csrf:
        headers["x-motcua-csrf"] = "1"
    response = await gql.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": file},
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def upload_paper(
    gql: GraphQLClient, code: str, slot: str, file: tuple[str, bytes, str]
) -> dict[str, Any]:
    """`uploadAttachment`'s payload; the request itself must succeed."""
    status, body = await upload(gql, UPLOAD, {"code": code, "slot": slot}, file)
    assert status == 200, body
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["uploadAttachment"]
    return payload


async def attach_result(
    gql: GraphQLClient,
    code: str,
    file: tuple[str, bytes, str],
    result_type: str = "JUDICIAL_RECORD",
    *,
    electronic: bool = True,
    valid_until: str | None = None,
) -> dict[str, Any]:
    variables = {"code": code, "type": result_type, "electronic": electronic, "until": valid_until}
    status, body = await upload(gql, ATTACH_RESULT, variables, file)
    assert status == 200, body
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["attachResult"]
    return payload


async def file_counts() -> tuple[int, int]:
    """How many GridFS files and chunks the database holds."""
    database = Attachment.get_pymongo_collection().database
    files = await database["fs.files"].count_documents({})
    chunks = await database["fs.chunks"].count_documents({})
    return files, chunks
