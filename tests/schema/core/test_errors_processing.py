"""`Schema.process_errors`: client errors are not logged; a bug is logged once, with the
request id and the code, and without the query, the variables or the exception's message."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.catalogue import APPLICANT, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code } errors { code } } }"""
SECRET = "0987654321"


async def test_client_errors_are_not_logged(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad_variable = submission(applicant={**APPLICANT, "phone": int(SECRET)})
    await gql.execute(SUBMIT, {"input": bad_variable})  # a variable that does not coerce
    await gql.execute(f"{{ dossier(code: {SECRET}) {{ code }} }}")  # a literal that does not
    await gql.execute(f'{{ dossier(code: "{SECRET}" }}')  # a syntax error
    await gql.execute(f'{{ dossier(code: "{SECRET}") {{ field(path: "no") }} }}')
    await gql.anonymous().execute(SUBMIT, {"input": submission()})  # forbidden
    await gql.execute(SUBMIT, {"input": submission(data={"fullName": SECRET})})  # payload
    errors = [r for r in caplog.records if r.name.startswith(("motcua", "strawberry"))]
    assert errors == [], [r.getMessage() for r in errors]


async def test_a_bug_is_logged_once_with_request_id_and_code_only(
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class BrokenError(ValueError):  # a subclass: from our code, not the client's input
        pass

    def broken_again(*_: object, **__: object) -> None:
        raise BrokenError(SECRET)

    monkeypatch.setattr("schema.dossiers.mutations.submit", broken_again)
    caplog.set_level(logging.DEBUG)
    response = await http.post(
        "/graphql",
        json={"query": SUBMIT, "variables": {"input": submission()}},
        headers={"authorization": f"Bearer {gql.token}", "x-request-id": "req-7"},
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    records = [r for r in caplog.records if r.name.startswith(("motcua", "strawberry"))]
    [record] = records
    logged = record.getMessage()
    assert record.name == "motcua.errors"
    assert logged.startswith("Unexpected error [request req-7] INTERNAL_ERROR at submitDossier")
    assert "BrokenError" in logged
    assert record.exc_info is None
    for unwanted in (SECRET, APPLICANT["idNumber"], "submitDossier(input"):
        assert unwanted not in logged
