"""Reuse only what the submitter may see (issue 12, finding 2): the applicant's results
and papers fill a dossier filed by someone else only with the applicant's consent, and
those who receive it see that something was reused, not what, until the agency handling
it has the dossier accepted."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from api.authentication import development_secret, issue_token
from documents.common.clock import utcnow
from documents.papers.consents import ReuseConsent
from tests.catalogue import APPLICANT, APPLICANT_ID, OTHER_WARD, PROCEDURE, WARD, submission
from tests.conftest import GraphQLClient
from tests.papers import SIGNED_XML, attach_result, submit_dossier, with_papers
from tests.schema.workflow.workflow_helpers import ACCEPT, HAND_OVER

OTHER_ID = "001090099999"
DOSSIER = """
query($code: String!) { dossier(code: $code) {
  reusedCount attachments { id attachmentId reused downloadUrl }
  reusedPapers { attachmentId slot kind resultType procedureCode issuedAt opened }
} }
"""
SUBMIT = """
mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code reusedCount } errors { field code } } }
"""
GRANT = """
mutation($input: GrantReuseInput!) { grantReuse(input: $input) {
  grant { id procedureCode receivingAgencyCode expiresAt usable usedFor }
  errors { field code } } }
"""
REVOKE = """
mutation($id: ID!) { revokeReuseGrant(id: $id) { grant { id revokedAt usable } errors { code } } }
"""
MY_REPOSITORY = "{ myRepository { id kind } }"
REMOVE = """
mutation($code: String!, $id: ID!) { removeAttachment(code: $code, attachmentId: $id) {
  errors { field code } } }
"""


@pytest.fixture
async def record(gql: GraphQLClient, tiny_catalogue: None) -> str:
    """The applicant's judicial record, issued at the ward: its repository item id."""
    await with_papers()
    code = (await submit_dossier(gql))["code"]
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    issued = await attach_result(gql, code, ("lltp.xml", SIGNED_XML, "application/xml"))
    assert issued["errors"] == []
    [item] = (await gql.as_role("applicant").data(MY_REPOSITORY))["myRepository"]
    ident: str = item["id"]
    return ident


def _desk(gql: GraphQLClient, agency: str = OTHER_WARD) -> GraphQLClient:
    return gql.as_role("officer:reception", agency=agency)


async def _file(client: GraphQLClient, desk: str = OTHER_WARD, **overrides: Any) -> dict[str, Any]:
    data = await client.data(SUBMIT, {"input": submission(receivingAgencyCode=desk, **overrides)})
    payload: dict[str, Any] = data["submitDossier"]
    return payload


async def _grant(gql: GraphQLClient, desk: str = OTHER_WARD, **overrides: Any) -> dict[str, Any]:
    wanted = {"procedureCode": PROCEDURE, "receivingAgencyCode": desk, **overrides}
    data = await gql.as_role("applicant").data(GRANT, {"input": wanted})
    payload: dict[str, Any] = data["grantReuse"]
    return payload


async def _seen(client: GraphQLClient, code: str) -> dict[str, Any]:
    dossier: dict[str, Any] = (await client.data(DOSSIER, {"code": code}))["dossier"]
    return dossier


async def _get(client: GraphQLClient, url: str) -> httpx.Response:
    return await client.http.get(url, headers={"authorization": f"Bearer {client.token}"})


async def test_a_desk_elsewhere_does_not_reuse_a_citizens_result_without_consent(
    gql: GraphQLClient, record: str
) -> None:
    """The attack: a reception officer at another ward files for the citizen."""
    desk = _desk(gql)
    filed = await _file(desk)
    named = await _file(desk, reusedPapers=[{"slot": "judicialRecord", "repositoryItemId": record}])

    assert filed["errors"] == []
    assert filed["dossier"]["reusedCount"] == 0
    seen = await _seen(desk, filed["dossier"]["code"])
    assert (seen["attachments"], seen["reusedPapers"]) == ([], [])
    assert [(e["code"], e["field"]) for e in named["errors"]] == [("NOT_FOUND", "reusedPapers.0")]


async def test_with_a_grant_the_desk_sees_that_a_result_was_reused_not_the_result(
    gql: GraphQLClient, record: str
) -> None:
    assert (await _grant(gql))["errors"] == []
    desk = _desk(gql)
    code = (await _file(desk))["dossier"]["code"]

    seen = await _seen(desk, code)
    mine = await _seen(gql.as_role("applicant"), code)

    assert seen["reusedCount"] == 1
    assert seen["attachments"] == []
    [paper] = seen["reusedPapers"]
    assert (paper["slot"], paper["kind"], paper["resultType"]) == (
        "judicialRecord",
        "RESULT",
        "JUDICIAL_RECORD",
    )
    assert (paper["procedureCode"], paper["opened"]) == (PROCEDURE, False)
    assert paper["issuedAt"] is not None
    [opened] = mine["attachments"]
    assert opened["attachmentId"] == paper["attachmentId"]
    assert (await _get(gql.as_role("applicant"), opened["downloadUrl"])).status_code == 200
    hidden = await _get(desk, opened["downloadUrl"])
    unknown = await _get(desk, f"/dossiers/{code}/attachments/{'f' * 24}")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]


async def test_once_accepted_the_handling_agency_opens_the_reused_result_and_the_desk_does_not(
    gql: GraphQLClient, record: str
) -> None:
    await _grant(gql)
    desk = _desk(gql)
    code = (await _file(desk))["dossier"]["code"]
    handler = gql.as_role("officer:specialist", agency=WARD)
    before = await _seen(handler, code)
    assert (await desk.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    handed = await desk.data(HAND_OVER, {"code": code, "toStep": "review"})
    assert handed["handOver"]["errors"] == []

    after = await _seen(handler, code)
    at_desk = await _seen(desk, code)

    assert before["attachments"] == []
    [opened] = after["attachments"]
    assert opened["reused"] is True
    assert (await _get(handler, opened["downloadUrl"])).status_code == 200
    assert at_desk["attachments"] == []
    assert (await _get(desk, opened["downloadUrl"])).status_code == 404


async def test_the_desk_cannot_remove_a_reused_paper_it_may_not_open(
    gql: GraphQLClient, record: str
) -> None:
    await _grant(gql)
    desk = _desk(gql)
    code = (await _file(desk))["dossier"]["code"]
    [paper] = (await _seen(desk, code))["reusedPapers"]
    variables = {"code": code, "id": paper["attachmentId"]}

    by_desk = await desk.data(REMOVE, variables)
    by_applicant = await gql.as_role("applicant").data(REMOVE, variables)

    assert [(e["code"], e["field"]) for e in by_desk["removeAttachment"]["errors"]] == [
        ("NOT_FOUND", "attachmentId")
    ]
    assert by_applicant["removeAttachment"]["errors"] == []
    assert (await _seen(desk, code))["reusedPapers"] == []


async def test_a_grant_serves_one_dossier_at_its_desk_until_revoked(
    gql: GraphQLClient, record: str
) -> None:
    grant = (await _grant(gql))["grant"]
    elsewhere = await _file(_desk(gql, WARD), desk=WARD)
    first = await _file(_desk(gql))
    second = await _file(_desk(gql))
    revoked = await _grant(gql)
    await gql.as_role("applicant").data(REVOKE, {"id": revoked["grant"]["id"]})
    after_revoking = await _file(_desk(gql))

    assert elsewhere["dossier"]["reusedCount"] == 0  # the grant names the other desk
    assert first["dossier"]["reusedCount"] == 1
    assert second["dossier"]["reusedCount"] == 0
    assert after_revoking["dossier"]["reusedCount"] == 0
    grants = await gql.as_role("applicant").data("{ myReuseGrants { id usable usedFor } }")
    by_id = {g["id"]: g for g in grants["myReuseGrants"]}
    assert by_id[grant["id"]] == {
        "id": grant["id"],
        "usable": False,
        "usedFor": first["dossier"]["code"],
    }
    assert by_id[revoked["grant"]["id"]]["usable"] is False


async def test_two_submissions_racing_for_one_grant_reuse_once(
    gql: GraphQLClient, record: str
) -> None:
    await _grant(gql)
    desk = _desk(gql)

    answers = await asyncio.gather(*(_file(desk) for _ in range(3)))

    reused = [a["dossier"]["reusedCount"] for a in answers if a["dossier"]]
    refused = [e["code"] for a in answers for e in a["errors"]]
    assert sum(reused) == 1
    assert set(refused) <= {"CONFLICT"}


async def test_an_expired_grant_gives_nothing(gql: GraphQLClient, record: str) -> None:
    await _grant(gql)
    past = utcnow() - timedelta(minutes=1)
    await ReuseConsent.get_pymongo_collection().update_many({}, {"$set": {"expires_at": past}})

    assert (await _file(_desk(gql)))["dossier"]["reusedCount"] == 0


async def test_a_grant_covers_only_the_applicants_own_items(
    gql: GraphQLClient, record: str
) -> None:
    theirs = await gql.as_role("applicant", id_number=OTHER_ID).data(
        GRANT,
        {
            "input": {
                "procedureCode": PROCEDURE,
                "receivingAgencyCode": OTHER_WARD,
                "repositoryItemIds": [record],
            }
        },
    )
    officer = await _desk(gql).execute(
        GRANT, {"input": {"procedureCode": PROCEDURE, "receivingAgencyCode": OTHER_WARD}}
    )
    too_long = await _grant(gql, validForHours=24 * 30)

    assert [(e["code"], e["field"]) for e in theirs["grantReuse"]["errors"]] == [
        ("NOT_FOUND", "repositoryItemIds.0")
    ]
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [e["code"] for e in too_long["errors"]] == ["VALIDATION_FAILED"]


def _consenting(gql: GraphQLClient, **claim: str) -> GraphQLClient:
    """Reception at the other ward, with a token carrying the applicant's consent."""
    assert gql.settings is not None
    wanted = {"id_number": APPLICANT_ID, "procedure": PROCEDURE, "jti": secrets.token_hex(16)}
    token = issue_token(
        gql.settings,
        "officer:reception",
        sub="desk",
        agency=OTHER_WARD,
        reuse_consent={**wanted, **claim},
    )
    return GraphQLClient(gql.http, gql.settings, token)


async def test_a_consent_claim_serves_one_dossier_of_its_citizen_and_procedure(
    gql: GraphQLClient, record: str
) -> None:
    consenting = _consenting(gql)
    first = await _file(consenting)
    replayed = await _file(consenting)
    for_another = await _file(
        _consenting(gql, id_number=OTHER_ID), applicant={**APPLICANT, "idNumber": OTHER_ID}
    )
    other_citizen = await _file(_consenting(gql, id_number=OTHER_ID))
    other_procedure = await _file(_consenting(gql, procedure="1.000000"))

    assert first["dossier"]["reusedCount"] == 1
    assert replayed["dossier"]["reusedCount"] == 0
    assert for_another["dossier"]["reusedCount"] == 0  # that citizen has nothing
    assert other_citizen["dossier"]["reusedCount"] == 0
    assert other_procedure["dossier"]["reusedCount"] == 0
    assert (await _seen(consenting, first["dossier"]["code"]))["attachments"] == []


@pytest.mark.parametrize(
    "claim",
    [
        {"id_number": "x"},
        {"procedure": ""},
        {"jti": "short"},
        "everything",
    ],
)
async def test_a_malformed_consent_claim_is_refused(
    gql: GraphQLClient, tiny_catalogue: None, claim: dict[str, str] | str
) -> None:
    assert gql.settings is not None
    now = datetime.now(UTC)
    wanted = {"id_number": APPLICANT_ID, "procedure": PROCEDURE, "jti": "j" * 16}
    claims = {
        "sub": "desk",
        "role": "officer:reception",
        "agency": OTHER_WARD,
        "exp": now + timedelta(hours=1),
        "reuse_consent": {**wanted, **claim} if isinstance(claim, dict) else claim,
    }
    token = jwt.encode(claims, development_secret(gql.settings.jwt_secret_file), "HS256")

    response = await gql.http.post(
        "/graphql",
        json={"query": "{ procedures { code } }"},
        headers={"authorization": f"Bearer {token}"},
    )

    assert response.status_code == 401
