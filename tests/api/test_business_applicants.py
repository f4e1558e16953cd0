"""The applicant's own number: a citizen submits only under their verified number, and
an organisation signs in with its tax code and acts for the business alone
(docs/integrations.md, "Identity")."""

from __future__ import annotations

from typing import Any

import pytest

from api.authentication import AuthenticationError, issue_token, principal_from_claims
from documents.dossiers.dossier import ApplicantKind, Dossier
from documents.dossiers.events import DossierEvent
from tests.catalogue import APPLICANT, APPLICANT_ID, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code applicant { kind idNumber } } errors { code field } }
}
"""
MINE = "{ dossiers(first: 10) { edges { node { code applicant { idNumber } } } } }"
ONE = "query($c: String!) { dossier(code: $c) { code } }"
TAX_A, TAX_B = "0101234567", "0109876543-001"


def _business(tax_code: str, name: str) -> dict[str, Any]:
    return {"kind": "BUSINESS", "idNumber": tax_code, "fullName": name}


def _citizen(number: str = APPLICANT_ID) -> dict[str, Any]:
    return {**APPLICANT, "idNumber": number}


def _signed_in(gql: GraphQLClient, number: str, kind: ApplicantKind) -> GraphQLClient:
    assert gql.settings is not None
    token = issue_token(
        gql.settings,
        "applicant",
        sub=f"{kind.value.lower()}-{number}",
        id_number=number,
        applicant_kind=kind,
        identity_level=2,
    )
    return GraphQLClient(gql.http, gql.settings, token)


async def _submit(client: GraphQLClient, applicant: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await client.data(SUBMIT, {"input": submission(applicant=applicant)})
    )["submitDossier"]
    return payload


async def _seen(client: GraphQLClient) -> set[str]:
    edges = (await client.data(MINE))["dossiers"]["edges"]
    return {e["node"]["code"] for e in edges}


async def test_a_citizen_cannot_submit_under_another_persons_number(gql: GraphQLClient) -> None:
    citizen = _signed_in(gql, APPLICANT_ID, ApplicantKind.CITIZEN)
    refused = await _submit(citizen, _citizen("001099999999"))
    assert refused["dossier"] is None
    assert refused["errors"] == [{"code": "NOT_THE_APPLICANT", "field": "applicant"}]
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0
    own = await _submit(citizen, _citizen())
    assert own["errors"] == []


async def test_a_business_submits_for_itself_sees_its_dossiers_and_no_one_elses(
    gql: GraphQLClient,
) -> None:
    business_a = _signed_in(gql, TAX_A, ApplicantKind.BUSINESS)
    business_b = _signed_in(gql, TAX_B, ApplicantKind.BUSINESS)
    citizen = _signed_in(gql, APPLICANT_ID, ApplicantKind.CITIZEN)

    filed_a = await _submit(business_a, _business(TAX_A, "Công ty TNHH A"))
    assert filed_a["errors"] == []
    assert filed_a["dossier"]["applicant"] == {"kind": "BUSINESS", "idNumber": TAX_A}
    filed_b = await _submit(business_b, _business(TAX_B, "Công ty B, chi nhánh 001"))
    assert filed_b["errors"] == []
    filed_c = await _submit(citizen, _citizen())
    assert filed_c["errors"] == []
    code_a, code_b = filed_a["dossier"]["code"], filed_b["dossier"]["code"]

    assert await _seen(business_a) == {code_a}
    assert await _seen(business_b) == {code_b}
    assert await _seen(citizen) == {filed_c["dossier"]["code"]}
    assert (await business_a.data(ONE, {"c": code_a}))["dossier"] == {"code": code_a}
    assert (await business_b.data(ONE, {"c": code_a}))["dossier"] is None
    assert (await citizen.data(ONE, {"c": code_a}))["dossier"] is None


async def test_a_business_cannot_submit_as_a_citizen_or_another_business(
    gql: GraphQLClient,
) -> None:
    business_a = _signed_in(gql, TAX_A, ApplicantKind.BUSINESS)
    citizen = _signed_in(gql, APPLICANT_ID, ApplicantKind.CITIZEN)
    for who, applicant in (
        (business_a, _business(TAX_B, "Công ty B")),
        (business_a, _citizen()),
        (citizen, _business(TAX_A, "Công ty TNHH A")),
    ):
        refused = await _submit(who, applicant)
        assert [e["code"] for e in refused["errors"]] == ["NOT_THE_APPLICANT"]
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0


@pytest.mark.parametrize(
    ("kind", "number"),
    [("BUSINESS", APPLICANT_ID), ("CITIZEN", TAX_A), ("BUSINESS", "01012345"), (None, TAX_A)],
)
def test_a_token_whose_number_does_not_fit_its_kind_is_refused(
    kind: str | None, number: str
) -> None:
    claims = {"sub": "x", "role": "applicant", "id_number": number, "applicant_kind": kind}
    with pytest.raises(AuthenticationError, match="id_number") as refused:
        principal_from_claims({k: v for k, v in claims.items() if v is not None})
    assert number not in str(refused.value)  # personal data is not repeated back
