"""Online submissions from the national portal: signed, received as `submitDossier`
receives, idempotent by the portal's reference (docs/integrations.md)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest

from api.settings import Settings
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from simulators.portal_outbound import send_submission, sign, signed_request, submission
from tests.catalogue import APPLICANT, APPLICANT_ID, PROCEDURE, VALID_DATA, WARD
from tests.conftest import GraphQLClient, running_app

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SECRET = "portal-test-secret-0123456789abcdef"
PATH = "/integrations/portal/dossiers"


@pytest.fixture(scope="module")
def module_settings(module_settings: Settings) -> Settings:
    return module_settings.model_copy(update={"portal_secret": SECRET})


def _body(reference: str = "G22.99-260105-0001", **changes: Any) -> dict[str, Any]:
    body = submission(reference, PROCEDURE, WARD, dict(APPLICANT), dict(VALID_DATA))
    return {**body, **changes}


async def _nothing_recorded() -> None:
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0


async def test_a_signed_submission_is_received_online_keeping_the_portal_reference(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    answer = await send_submission(http, SECRET, _body())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"dossierCode", "receivedAt", "dueAt", "trackingUrl"}
    code = body["dossierCode"]
    assert code.startswith(WARD)
    assert body["trackingUrl"].endswith(f"/tra-cuu?ma={code}")
    shown = await gql.data(
        "query($c: String!) { dossier(code: $c) { channel portalReference applicant { idNumber } } }",
        {"c": code},
    )
    assert shown["dossier"] == {
        "channel": "ONLINE",
        "portalReference": "G22.99-260105-0001",
        "applicant": {"idNumber": APPLICANT_ID},
    }
    [received] = await DossierEvent.find(DossierEvent.dossier_code == code).to_list()
    assert (received.type, received.actor) == (EventType.RECEIVED, "portal")


async def test_the_same_reference_three_times_makes_one_dossier_and_one_receipt(
    http: httpx.AsyncClient,
) -> None:
    answers = [await send_submission(http, SECRET, _body()) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["dossierCode"] for a in answers}) == 1
    assert answers[0].json() == answers[2].json()
    assert await Dossier.count() == 1
    assert await DossierEvent.find(DossierEvent.type == EventType.RECEIVED).count() == 1


async def test_two_copies_at_once_make_one_dossier(http: httpx.AsyncClient) -> None:
    first, second = await asyncio.gather(
        send_submission(http, SECRET, _body("G22.99-PAIR")),
        send_submission(http, SECRET, _body("G22.99-PAIR")),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["dossierCode"] == second.json()["dossierCode"]
    assert await Dossier.count() == 1
    assert await DossierEvent.find(DossierEvent.type == EventType.RECEIVED).count() == 1


async def test_a_reference_reused_for_another_applicant_is_a_conflict(
    http: httpx.AsyncClient,
) -> None:
    assert (await send_submission(http, SECRET, _body())).status_code == 201
    other = {**APPLICANT, "idNumber": "001099999999"}
    refused = await send_submission(http, SECRET, _body(applicant=other))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "IDEMPOTENCY_CONFLICT"
    assert await Dossier.count() == 1


async def test_a_bad_signature_records_nothing_and_logs_no_personal_data(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    body, headers = signed_request("not-the-portal-secret", _body())
    with caplog.at_level(logging.DEBUG):
        refused = await http.post(PATH, content=body, headers=headers)
        tampered, good = signed_request(SECRET, _body())
        changed = await http.post(PATH, content=tampered.replace(b"0001", b"0002"), headers=good)
    assert refused.status_code == changed.status_code == 401
    assert refused.json()["error"]["code"] == changed.json()["error"]["code"] == "BAD_SIGNATURE"
    await _nothing_recorded()
    assert "BAD_SIGNATURE" in caplog.text
    for personal in (APPLICANT_ID, APPLICANT["fullName"], APPLICANT["phone"]):
        assert personal not in caplog.text


async def test_an_unknown_procedure_is_a_typed_error_and_records_nothing(
    http: httpx.AsyncClient,
) -> None:
    refused = await send_submission(http, SECRET, _body(procedureCode="9.999999"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "NOT_FOUND"
    await _nothing_recorded()


async def test_an_invalid_body_names_the_fields_but_not_their_values(
    http: httpx.AsyncClient,
) -> None:
    bad_applicant = {**APPLICANT, "idNumber": "12345"}
    refused = await send_submission(http, SECRET, _body(applicant=bad_applicant))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert "idNumber" in error["message"] or "id_number" in error["message"]
    assert "12345" not in error["message"]
    missing = await send_submission(http, SECRET, {"reference": "R-1"})
    assert missing.status_code == 422
    await _nothing_recorded()


async def test_a_body_that_is_not_json_is_refused(http: httpx.AsyncClient) -> None:
    stamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "x-motcua-timestamp": str(stamp),
        "x-motcua-signature": sign(SECRET, stamp, b"{not json"),
    }
    refused = await http.post(PATH, content=b"{not json", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "VALIDATION_FAILED"
    await _nothing_recorded()


async def test_the_identity_level_the_portal_vouches_for_must_meet_the_procedure(
    http: httpx.AsyncClient,
) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    await procedure.set({Procedure.requires_identity_level: 2})
    for level in (1, None):
        low = await send_submission(http, SECRET, _body(f"LOW-{level}", identityLevel=level))
        assert low.status_code == 422
        assert low.json()["error"]["code"] == "IDENTITY_LEVEL_TOO_LOW"
    await _nothing_recorded()
    enough = await send_submission(http, SECRET, _body("ENOUGH", identityLevel=2))
    assert enough.status_code == 201


async def test_the_applicants_notification_choice_is_kept(http: httpx.AsyncClient) -> None:
    applicant = {**APPLICANT, "email": "an@example.vn", "notifyBy": ["EMAIL", "SMS"]}
    answer = await send_submission(http, SECRET, _body(applicant=applicant))
    assert answer.status_code == 201, answer.text
    stored = await Dossier.find_one(Dossier.code == answer.json()["dossierCode"])
    assert stored is not None
    assert [c.value for c in stored.applicant.notify_by] == ["EMAIL", "SMS"]


async def test_without_a_portal_secret_the_route_is_closed(settings: Settings) -> None:
    closed = settings.model_copy(update={"portal_secret": None})
    async for _, client in running_app(closed):
        refused = await send_submission(client, SECRET, _body())
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "INTEGRATION_NOT_CONFIGURED"
        await _nothing_recorded()
