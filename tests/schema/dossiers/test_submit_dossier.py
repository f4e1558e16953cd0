from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from tests.catalogue import WARD, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """
mutation Submit($input: SubmitDossierInput!) {
  submitDossier(input: $input) {
    dossier {
      code status formKey formVersion channel receivedAt
      receivingAgency { code } handlingAgency { code }
      events(last: 5) { type toStatus }
    }
    errors { field message code path reason }
  }
}
"""


async def submit(gql: GraphQLClient, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql.data(SUBMIT, {"input": variables}))["submitDossier"]
    return payload


async def test_submit_dossier_records_it_with_a_code_and_a_received_event(
    gql: GraphQLClient,
) -> None:
    payload = await submit(gql, submission())
    assert payload["errors"] == []
    dossier = payload["dossier"]
    assert re.fullmatch(rf"{re.escape(WARD)}-\d{{6}}-0001", dossier["code"])
    assert dossier["status"] == "RECEIVED"
    assert (dossier["formKey"], dossier["formVersion"]) == ("permit", 1)
    assert dossier["receivingAgency"] == dossier["handlingAgency"] == {"code": WARD}
    assert dossier["events"] == [{"type": "RECEIVED", "toStatus": "RECEIVED"}]


async def test_submit_dossier_with_unknown_procedure_returns_not_found(gql: GraphQLClient) -> None:
    payload = await submit(gql, submission(procedureCode="0.000000"))
    assert payload["dossier"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "procedureCode")]


async def test_submit_dossier_with_unknown_agency_returns_not_found(gql: GraphQLClient) -> None:
    # Applicants may hand in at any desk (reception officers only at their own).
    payload = await submit(
        gql.as_role("applicant"), submission(receivingAgencyCode="999.99.99.H26")
    )
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NOT_FOUND", "receivingAgencyCode")
    ]


async def test_submit_dossier_reports_every_failing_field(gql: GraphQLClient) -> None:
    data = {
        "birthDate": "17/05/1990",
        "email": "not-an-email",
        "hasVehicle": True,
        "taxCode": "0101234567",
        "floors": 9,
        "colour": "red",
    }
    payload = await submit(gql, submission(data))
    assert payload["dossier"] is None
    found = {(e["path"], e["reason"]) for e in payload["errors"]}
    assert found == {
        ("/fullName", "REQUIRED"),
        ("/birthDate", "BAD_FORMAT"),
        ("/email", "BAD_FORMAT"),
        ("/plate", "REQUIRED"),  # if hasVehicle then plate
        ("/taxOffice", "REQUIRED"),  # dependentRequired on taxCode
        ("/floors", "TOO_LARGE"),
        ("/*", "UNKNOWN_FIELD"),  # a key the form does not declare is not quoted
    }
    assert {e["code"] for e in payload["errors"]} == {"VALIDATION_FAILED"}
    assert all(e["message"] for e in payload["errors"])


async def test_submit_dossier_with_bad_identification_number_names_the_field(
    gql: GraphQLClient,
) -> None:
    applicant = {**submission()["applicant"], "idNumber": "12345"}
    payload = await submit(gql, submission(applicant=applicant))
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("VALIDATION_FAILED", "applicant.idNumber")
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"fullName": "x" * (1024 * 1024 + 1), "birthDate": "1990-01-01"}, "DATA_TOO_LARGE"),
        ({"fullName": "A", "birthDate": "1990-01-01", "$where": "1"}, "FORBIDDEN_KEY"),
        ({"fullName": "A", "birthDate": "1990-01-01", "a.b": 1}, "FORBIDDEN_KEY"),
        ({"fullName": "A", "nested": {"$gt": ""}}, "FORBIDDEN_KEY"),
        ({"deep": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": {
            "a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": 1}}}}}}}}}}}}}}}}}}}}}, "DATA_TOO_DEEP"),
        (["not", "an", "object"], "VALIDATION_FAILED"),
    ],
)  # fmt: skip
async def test_submit_dossier_rejects_hostile_data_and_leaves_nothing_behind(
    gql: GraphQLClient, data: Any, code: str
) -> None:
    payload = await submit(gql, submission(data))
    assert payload["dossier"] is None
    assert payload["errors"][0]["code"] == code
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0
    assert await Counter.find({"_id": {"$regex": "^dossier:"}}).count() == 0  # no code consumed
    accepted = await submit(gql, submission())
    assert accepted["dossier"]["code"].endswith("-0001")


async def test_fifty_concurrent_submissions_get_distinct_gap_free_codes(
    gql: GraphQLClient,
) -> None:
    payloads = await asyncio.gather(*(submit(gql, submission()) for _ in range(50)))
    codes = sorted(p["dossier"]["code"] for p in payloads)
    assert [int(code.rsplit("-", 1)[1]) for code in codes] == list(range(1, 51))
    assert await Dossier.count() == 50
    assert await DossierEvent.count() == 50


async def test_dossier_codes_are_never_reused_after_a_delete(gql: GraphQLClient) -> None:
    first = (await submit(gql, submission()))["dossier"]["code"]
    await Dossier.find(Dossier.code == first).delete()
    second = (await submit(gql, submission()))["dossier"]["code"]
    assert second.endswith("-0002")


async def test_malformed_http_requests_get_typed_errors_not_server_errors(
    http: httpx.AsyncClient,
) -> None:
    bodies: list[Any] = [
        b"{not json",
        {"query": "{ dossier(code: ) { code } }"},
        {"query": SUBMIT, "variables": {"input": {"procedureCode": 7}}},
        {"query": "{ nope }"},
        {"variables": {}},
    ]
    for body in bodies:
        if isinstance(body, bytes):
            response = await http.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
        else:
            response = await http.post("/graphql", json=body)
        assert response.status_code in (200, 400), (body, response.text)
        assert "Traceback" not in response.text
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["errors"], body
