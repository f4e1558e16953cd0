"""Downloading attachments: who may, and byte ranges, streamed from GridFS."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from api.http.downloads import ByteRange, UnsatisfiableRangeError, parse_range
from tests.catalogue import OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.papers import submit_dossier, upload_paper, with_papers

# Spans three GridFS chunks of 256 KiB, with bytes that tell their offsets apart.
CONTENT = b"%PDF-1.7\n" + bytes(i % 251 for i in range(600_000))
SIZE = len(CONTENT)


@pytest.fixture
async def url(gql: GraphQLClient, tiny_catalogue: None) -> str:
    """The download URL of a PDF attached to the test applicant's dossier at WARD."""
    await with_papers()
    code = (await submit_dossier(gql))["code"]
    payload = await upload_paper(gql, code, "application", ("đơn.pdf", CONTENT, "application/pdf"))
    assert payload["errors"] == []
    download_url: str = payload["attachment"]["downloadUrl"]
    return download_url


async def _get(gql: GraphQLClient, url: str, **headers: str) -> httpx.Response:
    if gql.token:
        headers["authorization"] = f"Bearer {gql.token}"
    return await gql.http.get(url, headers=headers)


async def test_download_streams_the_whole_file_with_its_headers(
    gql: GraphQLClient, url: str
) -> None:
    response = await _get(gql.as_role("applicant"), url)

    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["etag"] == f'"{hashlib.sha256(CONTENT).hexdigest()}"'
    assert response.headers["accept-ranges"] == "bytes"
    assert "filename*=UTF-8''%C4%91%C6%A1n.pdf" in response.headers["content-disposition"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        # Across the boundary between the first and second GridFS chunks.
        ("bytes=262000-262299", 262000, 262299),
        # Open-ended: from byte 500,000 to the end.
        ("bytes=500000-", 500000, SIZE - 1),
        # A suffix: the last 1,000 bytes.
        ("bytes=-1000", SIZE - 1000, SIZE - 1),
        # An end past the file is cut to the file.
        (f"bytes={SIZE - 10}-{SIZE + 50}", SIZE - 10, SIZE - 1),
    ],
)
async def test_download_of_a_range_answers_206(
    gql: GraphQLClient, url: str, header: str, start: int, end: int
) -> None:
    response = await _get(gql, url, range=header)

    assert response.status_code == 206
    assert response.content == CONTENT[start : end + 1]
    assert response.headers["content-range"] == f"bytes {start}-{end}/{SIZE}"
    assert response.headers["content-length"] == str(end - start + 1)


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 9}", "bytes=-0"])
async def test_download_of_a_range_past_the_end_answers_416(
    gql: GraphQLClient, url: str, header: str
) -> None:
    response = await _get(gql, url, range=header)

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{SIZE}"


async def test_download_ignores_several_ranges_and_stale_if_range(
    gql: GraphQLClient, url: str
) -> None:
    several = await _get(gql, url, range="bytes=0-1,5-6")
    stale = await _get(gql, url, range="bytes=0-1", **{"if-range": '"something-else"'})

    assert (several.status_code, stale.status_code) == (200, 200)
    assert stale.content == CONTENT


async def test_download_answers_304_when_the_client_has_it(gql: GraphQLClient, url: str) -> None:
    etag = (await _get(gql, url, range="bytes=0-0")).headers["etag"]

    response = await _get(gql, url, **{"if-none-match": etag})

    assert response.status_code == 304


@pytest.mark.parametrize(
    ("role", "agency", "id_number", "status"),
    [
        ("applicant", None, None, 200),
        ("officer:specialist", WARD, None, 200),
        ("applicant", None, "001090099999", 404),
        ("officer:reception", OTHER_WARD, None, 404),
    ],
)
async def test_download_follows_who_may_see_the_dossier(
    gql: GraphQLClient, url: str, role: str, agency: str | None, id_number: str | None, status: int
) -> None:
    response = await _get(gql.as_role(role, agency=agency, id_number=id_number), url)

    assert response.status_code == status
    if status == 404:
        assert b"%PDF" not in response.content


async def test_download_of_unknown_attachments_and_anonymous_callers_is_404(
    gql: GraphQLClient, url: str
) -> None:
    anonymous = await _get(gql.anonymous(), url)
    code = url.split("/")[2]
    unknown = await _get(gql, f"/dossiers/{code}/attachments/000000000000000000000000")
    malformed = await _get(gql, f"/dossiers/{code}/attachments/nonsense")

    assert [r.status_code for r in (anonymous, unknown, malformed)] == [404, 404, 404]


def test_parse_range_reads_single_byte_ranges() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=2-4", 10) == ByteRange(2, 4)
    assert parse_range("bytes=4-2", 10) is None  # not a valid range: ignored
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=-20", 10) == ByteRange(0, 9)
    with pytest.raises(UnsatisfiableRangeError):
        parse_range("bytes=0-", 0)
