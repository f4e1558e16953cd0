"""Privacy, the public look-up, idempotency keys and the audit log."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from documents.access.audit import AuditRecord
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from tests.catalogue import APPLICANT, APPLICANT_ID, WARD, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """
mutation($input: SubmitDossierInput!, $key: String) {
  submitDossier(input: $input, idempotencyKey: $key) {
    dossier { code applicant { idNumber phone address fullName } data }
    errors { code field }
  }
}
"""
READ = """
query($code: String!) { dossier(code: $code) {
  applicant { idNumber phone address fullName } data field(path: "/birthDate")
} }
"""
PUBLIC = """
query($code: String!, $last4: String!) { publicDossierStatus(code: $code, applicantIdLast4: $last4) {
  code procedureName status receivedAt appointmentAt timeliness handlingAgencyName
} }
"""


async def _submit(gql: GraphQLClient, key: str | None = None, **changes: Any) -> dict[str, Any]:
    body = await gql.as_role("applicant").data(SUBMIT, {"input": submission(**changes), "key": key})
    payload: dict[str, Any] = body["submitDossier"]
    return payload


async def test_personal_data_is_whole_for_applicant_and_handling_officer_masked_for_others(
    gql: GraphQLClient,
) -> None:
    code = (await _submit(gql))["dossier"]["code"]
    whole = {"idNumber": APPLICANT_ID, "phone": APPLICANT["phone"], "address": APPLICANT["address"]}
    for role in ("applicant", "officer:specialist"):
        seen = (await gql.as_role(role, agency=WARD).data(READ, {"code": code}))["dossier"]
        assert {k: seen["applicant"][k] for k in whole} == whole, role
        assert seen["field"] == "1990-05-17"
    for viewer in (gql.as_role("system_admin"), gql.as_role("agency_admin")):
        seen = (await viewer.data(READ, {"code": code}))["dossier"]
        assert seen["applicant"]["idNumber"] == "0010******45"
        assert seen["applicant"]["phone"] == "0912****78"
        assert APPLICANT["address"] not in seen["applicant"]["address"]
        assert seen["applicant"]["fullName"] == APPLICANT["fullName"]  # a name is not masked
        # `birthDate` is marked sensitive in the form's hints; `fullName` is not.
        assert seen["data"]["birthDate"] != "1990-05-17"
        assert seen["field"] == seen["data"]["birthDate"]
        assert seen["data"]["fullName"] == "Nguyễn Văn An"


async def test_logs_never_contain_personal_data(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = (await _submit(gql))["dossier"]["code"]
    await gql.as_role("system_admin").execute(READ, {"code": code})
    await gql.as_role("applicant").execute('{ dossier(code: "x") { field(path: "bad") } }')
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (APPLICANT_ID, APPLICANT["phone"], APPLICANT["address"], "1990-05-17"):
        assert secret not in logged


async def test_public_lookup_needs_the_right_pair_and_says_the_same_otherwise(
    gql: GraphQLClient,
) -> None:
    code = (await _submit(gql))["dossier"]["code"]
    public = gql.anonymous()
    found = await public.data(PUBLIC, {"code": code, "last4": APPLICANT_ID[-4:]})
    status = found["publicDossierStatus"]
    assert status["code"] == code
    assert status["procedureName"] == "Cấp giấy phép thử"
    assert status["handlingAgencyName"] == "UBND Phường Thử"
    assert set(status) == {
        "code", "procedureName", "status", "receivedAt", "appointmentAt", "timeliness",
        "handlingAgencyName",
    }  # fmt: skip
    wrong = await public.execute(PUBLIC, {"code": code, "last4": "0000"})
    unknown = await public.execute(PUBLIC, {"code": "000.00.00.H26-260101-9999", "last4": "2345"})
    assert wrong == unknown
    assert wrong["data"] == {"publicDossierStatus": None}


async def test_public_lookup_is_rate_limited_per_address(gql: GraphQLClient) -> None:
    public = gql.anonymous()
    answers = [await public.execute(PUBLIC, {"code": "nope", "last4": "0000"}) for _ in range(30)]
    limited = [a for a in answers if a.get("errors")]
    assert limited, "thirty look-ups a minute from one address must hit the limit"
    assert limited[0]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_twenty_identical_retries_submit_once(gql: GraphQLClient) -> None:
    results = await asyncio.gather(*(_submit(gql, key="retry-1") for _ in range(20)))
    codes = {r["dossier"]["code"] for r in results}
    assert len(codes) == 1
    assert all(r["errors"] == [] for r in results)
    assert await Dossier.count() == 1
    assert await DossierEvent.count() == 1


async def test_same_key_with_another_payload_is_an_idempotency_conflict(
    gql: GraphQLClient,
) -> None:
    await _submit(gql, key="k-2")
    other = await _submit(gql, key="k-2", channel="COUNTER")
    assert [(e["code"], e["field"]) for e in other["errors"]] == [
        ("IDEMPOTENCY_CONFLICT", "idempotencyKey")
    ]
    assert await Dossier.count() == 1


async def test_transition_retries_with_a_key_act_once(gql: GraphQLClient) -> None:
    code = (await _submit(gql))["dossier"]["code"]
    accept = 'mutation($c: String!) { acceptDossier(code: $c, idempotencyKey: "a-1") { dossier { status } errors { code } } }'
    reception = gql.as_role("officer:reception")
    answers = await asyncio.gather(*(reception.data(accept, {"c": code}) for _ in range(5)))
    assert all(
        a["acceptDossier"] == {"dossier": {"status": "IN_PROGRESS"}, "errors": []} for a in answers
    )
    assert await DossierEvent.find(DossierEvent.type == "ACCEPTED").count() == 1


async def test_every_mutation_is_audited_with_admin_changes_before_and_after(
    gql: GraphQLClient,
) -> None:
    admin = gql.as_role("system_admin")
    await _submit(gql)
    update = 'mutation { updateProcedure(code: "9.000001", input: {name: "Tên mới"}) { errors { code } } }'
    await admin.data(update)
    denied = await gql.as_role("officer:leader").execute(update)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    log = await admin.data(
        "{ auditLog(first: 10) { edges { node { actorKind operations succeeded changes requestId } } } }"
    )
    records = [e["node"] for e in log["auditLog"]["edges"]]
    assert [r["operations"] for r in records] == [
        ["updateProcedure"],
        ["updateProcedure"],
        ["submitDossier"],
    ]
    refused, changed, submitted = records
    assert (refused["actorKind"], refused["succeeded"]) == ("OFFICER", False)
    assert (changed["actorKind"], changed["succeeded"]) == ("SYSTEM_ADMIN", True)
    [change] = changed["changes"]
    assert (change["before"]["name"], change["after"]["name"]) == ("Cấp giấy phép thử", "Tên mới")
    assert submitted["actorKind"] == "APPLICANT"
    stored = await AuditRecord.find_all().to_list()
    assert all(APPLICANT_ID not in r.model_dump_json() for r in stored)  # no personal data
