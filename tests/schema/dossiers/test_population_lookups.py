"""Resolution 66.7/2025: a paper the population database holds is not asked for. The
applicant is looked up at submission in the shipped simulator, over HTTP; a failed
lookup opens a supplement round at reception, with its reason, in the same submission."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.settings import Settings
from documents.catalogue.procedures import (
    NationalDatabase,
    OfficerRole,
    Procedure,
    ProcedureStep,
    RequiredPaper,
)
from documents.national.population import LookupResult
from documents.workflow.looking_up import REASONS
from tests.catalogue import APPLICANT, WARD, submission
from tests.conftest import GraphQLClient, running_app

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

LOOKED_UP = "9.000066"
IDENTITY = "Căn cước hoặc giấy tờ tùy thân có ảnh của người nộp hồ sơ (xuất trình)"
SUBMIT = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code status lookups { database slot at by result }
    supplements { atReception requestedBy items { item reason } supplementedAt }
    requiredPapers { slot satisfied source }
    events { type actor fromStatus toStatus payload } }
  errors { code message } } }"""
PROCEDURE = """query($code: String!) { procedure(code: $code) {
  requiredPapers { slot satisfiedByDatabase } } }"""


@pytest.fixture
async def looked_up_procedure(tiny_catalogue: None) -> None:
    """The tiny catalogue's permit, with an identity paper the database stands in for."""
    await Procedure(
        code=LOOKED_UP,
        name="Cấp giấy phép thử, tra cứu dân cư",
        field="Thử nghiệm",
        processing_days=3,
        form_key="permit",
        agency_codes=[WARD],
        steps=[
            ProcedureStep(
                key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=0
            ),
            ProcedureStep(
                key="review", name="Thẩm định", role=OfficerRole.SPECIALIST, working_days=3
            ),
        ],
        required_papers=[
            RequiredPaper(slot="declaration", name="Tờ khai"),
            RequiredPaper(
                slot="identity",
                name=IDENTITY,
                originals=0,
                satisfied_by_database=NationalDatabase.POPULATION,
            ),
        ],
    ).insert()


async def submit_as(gql: GraphQLClient, applicant: dict[str, Any]) -> dict[str, Any]:
    variables = {"input": submission(procedureCode=LOOKED_UP, applicant=applicant)}
    payload = (await gql.data(SUBMIT, variables))["submitDossier"]
    assert payload["errors"] == [], payload
    dossier: dict[str, Any] = payload["dossier"]
    return dossier


def citizen(id_number: str, full_name: str) -> dict[str, Any]:
    return {**APPLICANT, "idNumber": id_number, "fullName": full_name}


@pytest.mark.usefixtures("looked_up_procedure")
async def test_a_citizen_found_is_asked_for_nothing_and_the_lookup_is_recorded(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    dossier = await submit_as(gql, APPLICANT)  # Nguyễn Văn An is in the simulator's table
    assert dossier["status"] == "RECEIVED"
    [lookup] = dossier["lookups"]
    assert lookup["database"] == "POPULATION"
    assert lookup["slot"] == "identity"
    assert lookup["by"] == "test-officer-reception"
    assert lookup["result"] == "FOUND"
    assert dossier["supplements"] == []
    assert [e["type"] for e in dossier["events"]] == ["RECEIVED"]
    papers = {p["slot"]: p for p in dossier["requiredPapers"]}
    assert papers["identity"] == {"slot": "identity", "satisfied": True, "source": "DATABASE"}
    assert papers["declaration"]["satisfied"] is False
    # The catalogue says it is looked up; the receipt (Mẫu 01) lists only what is handed in.
    shown = (await gql.data(PROCEDURE, {"code": LOOKED_UP}))["procedure"]["requiredPapers"]
    assert {p["slot"]: p["satisfiedByDatabase"] for p in shown} == {
        "declaration": None,
        "identity": "POPULATION",
    }
    headers = {"authorization": f"Bearer {gql.token}"}
    receipt = await http.get(f"/dossiers/{dossier['code']}/receipt", headers=headers)
    assert receipt.status_code == 200
    assert "Tờ khai" in receipt.text
    assert IDENTITY not in receipt.text


def assert_asked_again(dossier: dict[str, Any], result: LookupResult) -> None:
    """Created waiting for the applicant: one round at reception naming the paper."""
    assert dossier["status"] == "SUPPLEMENT_REQUESTED"
    assert [lookup["result"] for lookup in dossier["lookups"]] == [result.value]
    [asked] = dossier["supplements"]
    assert asked["items"] == [{"item": IDENTITY, "reason": REASONS[result]}]
    assert asked["requestedBy"] is None  # nobody asked: the failed lookup did
    assert asked["supplementedAt"] is None
    assert asked["atReception"] is True
    received, requested = dossier["events"]
    assert (received["type"], received["toStatus"]) == ("RECEIVED", "RECEIVED")
    assert (requested["type"], requested["actor"]) == ("SUPPLEMENT_REQUESTED", None)
    assert (requested["fromStatus"], requested["toStatus"]) == ("RECEIVED", "SUPPLEMENT_REQUESTED")
    assert requested["payload"]["atReception"] is True
    assert requested["payload"]["items"] == asked["items"]
    identity = next(p for p in dossier["requiredPapers"] if p["slot"] == "identity")
    assert identity["satisfied"] is False


@pytest.mark.usefixtures("looked_up_procedure")
async def test_a_number_not_found_or_another_name_asks_for_the_paper_with_the_reason(
    gql: GraphQLClient,
) -> None:
    unknown = await submit_as(gql, citizen("001099999999", "Nguyễn Văn An"))
    assert_asked_again(unknown, LookupResult.NOT_FOUND)
    renamed = await submit_as(gql, citizen(APPLICANT["idNumber"], "Nguyễn Văn Ân"))
    assert_asked_again(renamed, LookupResult.MISMATCH)


@pytest.mark.usefixtures("looked_up_procedure")
async def test_a_failing_database_asks_for_the_paper_and_logs_no_one(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failing = citizen("001090000503", "Ngô Văn Lỗi")  # the simulator answers 503
    assert_asked_again(await submit_as(gql, failing), LookupResult.UNAVAILABLE)
    assert "population lookup unavailable: HTTP 503" in caplog.text
    for secret in ("001090000503", "Ngô Văn Lỗi", APPLICANT["phone"], APPLICANT["address"]):
        assert secret not in caplog.text


@pytest.fixture
async def with_simulator_down(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """An app whose population database does not answer: nothing listens on its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = settings.model_copy(update={"population_url": f"http://127.0.0.1:{port}"})
    async for _, http in running_app(down):
        yield GraphQLClient(http, down).as_role("officer:reception")


@pytest.mark.usefixtures("looked_up_procedure")
async def test_with_the_simulator_down_the_dossier_is_received_and_the_paper_asked_for(
    with_simulator_down: GraphQLClient,
) -> None:
    dossier = await submit_as(with_simulator_down, APPLICANT)
    assert_asked_again(dossier, LookupResult.UNAVAILABLE)


@pytest.mark.usefixtures("looked_up_procedure")
async def test_a_business_is_not_looked_up(gql: GraphQLClient) -> None:
    business = {
        **APPLICANT,
        "kind": "BUSINESS",
        "idNumber": "0101234567",
        "fullName": "Công ty TNHH Thử",
    }
    dossier = await submit_as(gql, business)
    assert dossier["status"] == "RECEIVED"
    assert dossier["lookups"] == []
    assert dossier["supplements"] == []


async def test_a_procedure_without_such_papers_looks_nothing_up(gql: GraphQLClient) -> None:
    payload = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
    assert payload["dossier"]["status"] == "RECEIVED"
    assert payload["dossier"]["lookups"] == []


SUPPLEMENT = """mutation($code: String!) { supplementDossier(code: $code, data: {},
  note: "Đã xuất trình căn cước") { dossier { status supplements { supplementedAt } }
  errors { code message } } }"""


@pytest.mark.usefixtures("looked_up_procedure")
async def test_the_applicants_answer_returns_the_dossier_to_reception(gql: GraphQLClient) -> None:
    renamed = await submit_as(gql, citizen(APPLICANT["idNumber"], "Nguyễn Văn Ân"))
    owner = gql.as_role("applicant")  # the number is theirs; the name was mistyped
    answered = (await owner.data(SUPPLEMENT, {"code": renamed["code"]}))["supplementDossier"]
    assert answered["errors"] == []
    assert answered["dossier"]["status"] == "RECEIVED"
    assert answered["dossier"]["supplements"][0]["supplementedAt"] is not None
