"""The receipt and the downloads follow the rule of `dossier(code)`.

Codes are guessable (`<agency>-<yymmdd>-<nnnn>`), so an unknown dossier and one the
caller may not see must give the same answer, byte for byte, and every such miss spends
the public look-up budget that `publicDossierStatus` spends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from api.authentication import issue_token
from api.settings import Settings
from tests.catalogue import APPLICANT, APPLICANT_ID, CITY, OTHER_WARD, WARD, load_tiny_catalogue
from tests.conftest import GraphQLClient, running_app
from tests.papers import PDF, submit_dossier, upload_paper, with_papers

PUBLIC_STATUS = """
query($code: String!, $last4: String!) {
  publicDossierStatus(code: $code, applicantIdLast4: $last4) { code }
}
"""
# The same request id each time, so that two answers may be compared whole.
PROBE = {"x-request-id": "probe"}


@dataclass(frozen=True)
class Filed:
    """A dossier at WARD with one attachment, and the addresses of its pages."""

    code: str
    receipt: str
    download: str


async def _file(gql: GraphQLClient) -> Filed:
    await load_tiny_catalogue()
    await with_papers()
    code = (await submit_dossier(gql))["code"]
    payload = await upload_paper(gql, code, "application", ("don.pdf", PDF, "application/pdf"))
    assert payload["errors"] == []
    return Filed(code, f"/dossiers/{code}/receipt", payload["attachment"]["downloadUrl"])


def _headers(
    settings: Settings, role: str, agency: str | None = None, id_number: str | None = None
) -> dict[str, str]:
    token = issue_token(settings, role, sub=f"probe-{role}", agency=agency, id_number=id_number)
    return {"authorization": f"Bearer {token}", **PROBE}


def _callers(settings: Settings) -> dict[str, dict[str, str]]:
    """Who must not learn whether a dossier exists."""
    return {
        "anonymous": dict(PROBE),
        "another ward's officer": _headers(settings, "officer:reception", OTHER_WARD),
        "another applicant": _headers(settings, "applicant", id_number="001099999999"),
    }


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, response.headers.multi_items(), response.content


@pytest.fixture
async def roomy(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    """An app whose look-up limit leaves room for the enumeration."""
    roomy = settings.model_copy(update={"public_lookups_per_minute": 1000})
    async for _, http in running_app(roomy):
        yield http, roomy


async def test_enumerating_codes_shows_nothing_to_anyone_who_may_not_see_the_dossier(
    roomy: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = roomy
    filed = await _file(GraphQLClient(http, settings).as_role("officer:reception"))
    attachment = filed.download.rsplit("/", 1)[1]
    day = filed.code.rsplit("-", 2)[1]
    codes = [
        filed.code,
        *(f"{WARD}-{day}-{n:04d}" for n in range(2, 6)),
        f"{OTHER_WARD}-{day}-0001",
        "X" * 200,
    ]

    for caller, headers in _callers(settings).items():
        for path in ("/dossiers/{}/receipt", "/dossiers/{}/attachments/" + attachment):
            answers = [
                _answer(await http.get(path.format(code), headers=headers)) for code in codes
            ]
            status, _, body = answers[0]
            assert status == 404, (caller, path, body[:200])
            assert all(answer == answers[0] for answer in answers), (caller, path)
            assert APPLICANT_ID.encode() not in body


async def test_the_officers_who_may_see_it_and_the_applicant_get_the_receipt_and_the_file(
    settings: Settings, gql: GraphQLClient
) -> None:
    filed = await _file(gql)
    allowed = {
        "the ward's reception": _headers(settings, "officer:reception", WARD),
        "the ward's specialist": _headers(settings, "officer:specialist", WARD),
        "the applicant": _headers(settings, "applicant", id_number=APPLICANT_ID),
    }

    for caller, headers in allowed.items():
        receipt = await gql.http.get(filed.receipt, headers=headers)
        download = await gql.http.get(filed.download, headers=headers)

        assert receipt.status_code == 200, caller
        assert APPLICANT_ID in receipt.text
        assert APPLICANT["fullName"] in receipt.text
        assert (download.status_code, download.content) == (200, PDF), caller


async def test_the_receipt_masks_personal_data_as_graphql_does_for_viewers_who_do_not_handle_it(
    settings: Settings, gql: GraphQLClient
) -> None:
    filed = await _file(gql)
    # An agency admin of the city sees the ward's dossiers, but not their personal data.
    headers = _headers(settings, "agency_admin", CITY)

    receipt = await gql.http.get(filed.receipt, headers=headers)

    assert receipt.status_code == 200
    assert APPLICANT_ID not in receipt.text
    assert APPLICANT["phone"] not in receipt.text
    assert APPLICANT["address"] not in receipt.text
    assert f"{APPLICANT_ID[:4]}******{APPLICANT_ID[-2:]}" in receipt.text


async def test_misses_spend_the_public_lookup_budget_then_are_refused(
    settings: Settings, gql: GraphQLClient
) -> None:
    filed = await _file(gql)
    budget = settings.public_lookups_per_minute
    outsider = _headers(settings, "officer:reception", OTHER_WARD)

    misses = [await gql.http.get(filed.receipt) for _ in range(budget)]
    refused_receipt = await gql.http.get(filed.receipt)
    refused_download = await gql.http.get(filed.download)
    public = await gql.anonymous().execute(
        PUBLIC_STATUS, {"code": filed.code, "last4": APPLICANT_ID[-4:]}
    )
    outsider_misses = [await gql.http.get(filed.receipt, headers=outsider) for _ in range(budget)]
    outsider_refused = await gql.http.get(filed.download, headers=outsider)
    owner = await gql.http.get(
        filed.receipt, headers=_headers(settings, "applicant", id_number=APPLICANT_ID)
    )

    assert {r.status_code for r in misses} == {404}
    assert (refused_receipt.status_code, refused_download.status_code) == (429, 429)
    assert refused_download.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # The public look-up shares the budget: the anonymous address has spent it.
    assert public["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Signed-in callers are counted one by one, and seeing what is theirs costs nothing.
    assert {r.status_code for r in outsider_misses} == {404}
    assert outsider_refused.status_code == 429
    assert owner.status_code == 200


async def test_the_public_lookup_spends_the_same_budget_as_the_pages(
    settings: Settings, gql: GraphQLClient
) -> None:
    filed = await _file(gql)
    anonymous = gql.anonymous()

    for _ in range(settings.public_lookups_per_minute):
        body = await anonymous.execute(PUBLIC_STATUS, {"code": filed.code, "last4": "0000"})
        assert "errors" not in body, body
    refused = await gql.http.get(filed.receipt)

    assert refused.status_code == 429
