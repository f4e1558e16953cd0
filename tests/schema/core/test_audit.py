"""The audit log keeps codes and paths, never the values sent; anonymous requests that did
nothing leave no record."""

from __future__ import annotations

import pytest

from documents.access.audit import AuditRecord
from tests.catalogue import APPLICANT, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code } errors { code field path } } }"""
SUBMIT_WITHOUT_CODES = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code } errors { message } } }"""
WITHDRAW = """mutation($code: String!, $reason: String!) { withdrawDossier(code: $code,
  reason: $reason) { errors { code } } }"""
PHONE = "0987654321"


async def records() -> list[AuditRecord]:
    return await AuditRecord.find_all().sort("at").to_list()


async def test_failed_mutations_are_recorded_as_codes_and_paths(gql: GraphQLClient) -> None:
    bad_data = submission(data={"fullName": PHONE, "birthDate": "1990-05-17", "floors": 99})
    await gql.execute(SUBMIT, {"input": bad_data})
    await gql.execute(SUBMIT_WITHOUT_CODES, {"input": bad_data})
    wrong_type = submission(applicant={**APPLICANT, "kind": PHONE})
    await gql.execute(SUBMIT, {"input": wrong_type})
    await gql.as_role("applicant").execute(WITHDRAW, {"code": PHONE, "reason": PHONE})
    payload, unselected, variable, unknown = await records()
    assert payload.errors == ["VALIDATION_FAILED at data/floors"]
    assert unselected.errors == ["PAYLOAD_ERROR"]
    assert variable.errors == ["GRAPHQL_VALIDATION_FAILED at $input.applicant.kind"]
    assert (unknown.errors, unknown.targets) == (["NOT_FOUND"], ["dossier:?"])
    assert not any(r.succeeded for r in await records())
    assert all(PHONE not in r.model_dump_json() for r in await records())


async def test_a_well_formed_dossier_code_stays_a_target(gql: GraphQLClient) -> None:
    code = "000.00.00.H26-260101-9999"
    await gql.as_role("applicant").execute(WITHDRAW, {"code": code, "reason": "x"})
    [record] = await records()
    assert record.targets == [f"dossier:{code}"]


async def test_anonymous_requests_that_did_nothing_are_not_recorded(gql: GraphQLClient) -> None:
    anonymous = gql.anonymous()
    await anonymous.execute(SUBMIT, {"input": submission(applicant={**APPLICANT, "kind": 1})})
    await anonymous.execute("mutation { submitDossier(input: {}) { errors { code } } }")
    await anonymous.execute(SUBMIT, {"input": submission()})  # FORBIDDEN at the root field
    await anonymous.execute(WITHDRAW, {"code": PHONE, "reason": "x" * 3000})
    assert await records() == []
    # The same refusals for a signed-in client are recorded.
    await gql.execute(SUBMIT, {"input": submission(applicant={**APPLICANT, "kind": 1})})
    [record] = await records()
    assert record.actor_kind == "OFFICER"
