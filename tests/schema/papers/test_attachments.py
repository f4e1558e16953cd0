"""Attaching papers and results through GraphQL multipart requests, as browsers do."""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import AsyncIterator

import pytest

from api.settings import Settings
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.papers.attaching import upload_attachment
from documents.papers.attachments import AttachmentLimits
from documents.papers.grid_files import CHUNK_BYTES
from tests.catalogue import WARD, load_tiny_catalogue
from tests.conftest import GraphQLClient, running_app
from tests.papers import (
    JPEG,
    PDF,
    PNG,
    SIGNED_XML,
    TEXT,
    UPLOAD,
    file_counts,
    submit_dossier,
    upload,
    upload_paper,
    with_papers,
)


@pytest.fixture
async def dossier(gql: GraphQLClient, tiny_catalogue: None) -> str:
    """A RECEIVED dossier of the test applicant, for a procedure with paper slots."""
    await with_papers()
    code: str = (await submit_dossier(gql))["code"]
    return code


@pytest.fixture
async def small_limits(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """An app that takes files of at most 4,096 bytes, and 6,000 per dossier."""
    limited = settings.model_copy(
        update={"max_attachment_bytes": 4096, "max_dossier_attachment_bytes": 6000}
    )
    async for _, http in running_app(limited):
        await load_tiny_catalogue()
        await with_papers()
        yield GraphQLClient(http, limited).as_role("officer:reception")


async def test_upload_attachment_records_the_file_and_fills_its_slot(
    gql: GraphQLClient, dossier: str
) -> None:
    payload = await upload_paper(
        gql.as_role("applicant"), dossier, "application", ("tờ khai.pdf", PDF, "application/pdf")
    )

    assert payload["errors"] == []
    attachment = payload["attachment"]
    assert attachment["slot"] == "application"
    assert attachment["kind"] == "APPLICATION"
    assert attachment["filename"] == "tờ khai.pdf"
    assert attachment["mediaType"] == "application/pdf"
    assert attachment["size"] == len(PDF)
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["reused"] is False
    assert (
        attachment["downloadUrl"] == f"/dossiers/{dossier}/attachments/{attachment['attachmentId']}"
    )
    papers = {p["slot"]: p for p in payload["dossier"]["requiredPapers"]}
    assert papers["application"] == {"slot": "application", "satisfied": True, "source": "UPLOADED"}
    assert papers["identity"]["satisfied"] is False
    assert papers["identity"]["source"] is None
    assert await file_counts() == (1, 1)


async def test_upload_without_the_csrf_header_is_refused(gql: GraphQLClient, dossier: str) -> None:
    file = ("a.pdf", PDF, "application/pdf")
    status, body = await upload(
        gql, UPLOAD, {"code": dossier, "slot": "application"}, file, csrf=False
    )

    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"
    assert await file_counts() == (0, 0)


@pytest.mark.parametrize(
    ("file", "code"),
    [
        # A PNG renamed to .pdf and declared as PDF.
        (("scan.pdf", PNG, "application/pdf"), "SPOOFED_TYPE"),
        # Text claiming to be a PNG.
        (("photo.png", TEXT, "image/png"), "SPOOFED_TYPE"),
        (("notes.txt", TEXT, "text/plain"), "UNSUPPORTED_MEDIA_TYPE"),
        (("notes.bin", TEXT, "application/octet-stream"), "UNSUPPORTED_MEDIA_TYPE"),
        # Signed XML is for results only.
        (("result.xml", SIGNED_XML, "application/xml"), "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
async def test_upload_judges_the_type_by_content(
    gql: GraphQLClient, dossier: str, file: tuple[str, bytes, str], code: str
) -> None:
    payload = await upload_paper(gql, dossier, "application", file)

    assert payload["attachment"] is None
    assert [e["code"] for e in payload["errors"]] == [code]
    assert await file_counts() == (0, 0)


async def test_upload_trusts_content_over_a_missing_or_generic_type(
    gql: GraphQLClient, dossier: str
) -> None:
    payload = await upload_paper(
        gql, dossier, "identity", ("cccd", JPEG, "application/octet-stream")
    )

    assert payload["errors"] == []
    assert payload["attachment"]["mediaType"] == "image/jpeg"


async def test_upload_to_an_unknown_slot_is_refused(gql: GraphQLClient, dossier: str) -> None:
    payload = await upload_paper(gql, dossier, "nonsense", ("a.pdf", PDF, "application/pdf"))

    assert [e["code"] for e in payload["errors"]] == ["UNKNOWN_SLOT"]
    assert await file_counts() == (0, 0)


async def test_upload_larger_than_the_file_limit_is_refused(small_limits: GraphQLClient) -> None:
    code = (await submit_dossier(small_limits))["code"]
    big = PDF + b"0" * 4096

    payload = await upload_paper(
        small_limits, code, "application", ("big.pdf", big, "application/pdf")
    )

    assert [e["code"] for e in payload["errors"]] == ["FILE_TOO_LARGE"]
    assert await file_counts() == (0, 0)


async def test_uploads_beyond_the_dossier_limit_are_refused(small_limits: GraphQLClient) -> None:
    code = (await submit_dossier(small_limits))["code"]
    file = ("a.pdf", PDF, "application/pdf")
    for _ in range(2):
        assert (await upload_paper(small_limits, code, "application", file))["errors"] == []

    payload = await upload_paper(small_limits, code, "identity", file)

    assert [e["code"] for e in payload["errors"]] == ["DOSSIER_FILES_TOO_LARGE"]
    assert await file_counts() == (2, 2)


async def _chunks_then_failure(failure: BaseException) -> AsyncIterator[bytes]:
    for _ in range(3):
        yield b"%PDF-" + b"x" * (CHUNK_BYTES - 5)
        await asyncio.sleep(0)
    raise failure


async def test_an_upload_that_breaks_off_leaves_no_chunks(gql: GraphQLClient, dossier: str) -> None:
    source = _chunks_then_failure(ConnectionResetError("client went away"))

    with pytest.raises(ConnectionResetError):
        await upload_attachment(
            dossier,
            "application",
            source,
            Actor(),
            filename="a.pdf",
            declared_type=None,
            limits=AttachmentLimits(),
        )

    assert await file_counts() == (0, 0)


async def test_a_cancelled_upload_leaves_no_chunks(gql: GraphQLClient, dossier: str) -> None:
    started = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"%PDF-" + b"x" * (CHUNK_BYTES - 5)
        started.set()
        await asyncio.Event().wait()  # the client stops sending
        yield b""

    task = asyncio.create_task(
        upload_attachment(
            dossier,
            "application",
            stalls(),
            Actor(),
            filename="a",
            declared_type=None,
            limits=AttachmentLimits(),
        )
    )
    await started.wait()
    assert (await file_counts())[1] > 0  # chunks were written
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await file_counts() == (0, 0)


async def test_an_upload_that_breaks_a_rule_midway_leaves_no_chunks(
    gql: GraphQLClient, dossier: str
) -> None:
    async def endless() -> AsyncIterator[bytes]:
        yield b"%PDF-"
        while True:
            yield b"x" * CHUNK_BYTES

    with pytest.raises(DomainError) as refused:
        await upload_attachment(
            dossier,
            "application",
            endless(),
            Actor(),
            filename="a",
            declared_type=None,
            limits=AttachmentLimits(),
        )

    assert refused.value.code is ErrorCode.FILE_TOO_LARGE
    assert await file_counts() == (0, 0)


async def test_uploading_twice_with_one_idempotency_key_stores_one_file(
    gql: GraphQLClient, dossier: str
) -> None:
    variables = {"code": dossier, "slot": "application", "key": "k-1"}
    file = ("a.pdf", PDF, "application/pdf")
    first = await upload(gql, UPLOAD, variables, file)
    again = await upload(gql, UPLOAD, variables, file)

    ids = [body["data"]["uploadAttachment"]["attachment"]["id"] for _, body in (first, again)]
    assert ids[0] == ids[1]
    assert await file_counts() == (1, 1)


async def test_others_may_not_attach(gql: GraphQLClient, dossier: str) -> None:
    file = ("a.pdf", PDF, "application/pdf")
    stranger = gql.as_role("applicant", id_number="001090099999")
    _, hidden = await upload(stranger, UPLOAD, {"code": dossier, "slot": "application"}, file)
    specialist = gql.as_role("officer:specialist", agency=WARD)
    _, forbidden = await upload(specialist, UPLOAD, {"code": dossier, "slot": "application"}, file)

    assert [e["code"] for e in hidden["data"]["uploadAttachment"]["errors"]] == ["NOT_FOUND"]
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await file_counts() == (0, 0)


async def test_an_upload_whose_operation_fails_before_its_resolver_closes_the_file(
    gql: GraphQLClient, dossier: str
) -> None:
    # Past 1 MiB Starlette spools the part to a temporary file on disk.
    large = ("a.pdf", PDF + b"0" * (3 * 1024 * 1024 // 2), "application/pdf")
    invalid = "mutation($file: Upload!) { noSuchMutation(file: $file) }"
    status, body = await upload(gql, invalid, {}, large)
    assert status == 200
    assert body["errors"][0]["message"].startswith("Cannot query field 'noSuchMutation'")
    # An unclosed file would warn here (ResourceWarning), which the suite turns into
    # a failure; closed, its descriptor is back already.
    gc.collect()
