"""submitDossierGroup: one submission, linked dossiers at their competent agencies, all or
nothing; waiting members released by the result they need (docs/groups.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from documents.catalogue.procedures import Procedure
from documents.common.clock import fixed_time, local_date
from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.groups.records import DossierGroup
from documents.papers.attachments import Attachment, AttachmentKind
from tests.catalogue import OTHER_WARD, WARD, submission
from tests.conftest import GraphQLClient
from tests.groups_catalogue import (
    BIRTH,
    INSURANCE,
    RESIDENCE,
    RESULT_TYPE,
    group_submission,
    load_group_catalogue,
)
from tests.papers import PDF, SIGNED_PDF, attach_result, upload_paper
from tests.schema.workflow.workflow_helpers import ACCEPT, REFUSE, local

SUBMIT = """
mutation($input: SubmitDossierGroupInput!, $key: String) {
  submitDossierGroup(input: $input, idempotencyKey: $key) {
    group { code groupCode dueAt members { procedureCode dossierCode agencyCode status waitsFor } }
    errors { field message code path reason }
  }
}
"""
RECORD_RESULT = """
mutation($code: String!, $decision: Decision!, $note: String, $resultData: JSON) {
  recordResult(code: $code, decision: $decision, note: $note, resultData: $resultData) {
    dossier { code status }
    errors { field code }
  }
}
"""
CODE = re.compile(rf"{re.escape(WARD)}-\d{{6}}-(\d{{4}})")


@pytest.fixture
async def catalogue(http: Any) -> None:
    await load_group_catalogue()


pytestmark = pytest.mark.usefixtures("catalogue")


async def submit(gql: GraphQLClient, variables: dict[str, Any], key: str | None = None) -> Any:
    body = await gql.data(SUBMIT, {"input": variables, "key": key})
    return body["submitDossierGroup"]


async def dossier(code: str) -> Dossier:
    found = await Dossier.find_one(Dossier.code == code)
    assert found is not None
    return found


async def event_types(code: str) -> list[str]:
    events = await DossierEvent.find(DossierEvent.dossier_code == code).sort("+position").to_list()
    return [e.type.value for e in events]


def members(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["procedureCode"]: m for m in payload["group"]["members"]}


async def nothing_stored() -> bool:
    return (
        await Dossier.count() == 0
        and await DossierGroup.count() == 0
        and await DossierEvent.count() == 0
    )


async def test_a_group_submission_creates_its_record_and_one_dossier_per_member(
    gql: GraphQLClient,
) -> None:
    payload = await submit(gql, group_submission())
    assert payload["errors"] == []
    group = payload["group"]
    found = members(payload)
    codes = [group["code"]] + [found[c]["dossierCode"] for c in (BIRTH, RESIDENCE, INSURANCE)]
    # One counter: the group takes the first code of the day, its members the next ones.
    assert [int(CODE.fullmatch(code).group(1)) for code in codes] == [1, 2, 3, 4]  # type: ignore[union-attr]
    assert (found[BIRTH]["agencyCode"], found[RESIDENCE]["agencyCode"]) == (WARD, OTHER_WARD)
    assert found[RESIDENCE]["waitsFor"] == [BIRTH]
    assert [found[c]["status"] for c in (BIRTH, RESIDENCE, INSURANCE)] == [
        "RECEIVED",
        "WAITING_FOR_INPUT",
        "RECEIVED",
    ]
    waiting = await dossier(found[RESIDENCE]["dossierCode"])
    assert (waiting.group_code, waiting.clock_start, waiting.steps) == (group["code"], None, [])
    assert waiting.data == {"person": {"name": "Nguyễn Bé An"}}
    assert await event_types(waiting.code) == ["WAITING_FOR_INPUT"]
    assert await event_types(found[BIRTH]["dossierCode"]) == ["RECEIVED"]
    # Its clock has not started: long after every deadline it alone is not overdue.
    with fixed_time(local("2027-01-04 09:00")):
        overdue = await gql.data(OVERDUE)
    assert sorted(edge["node"]["code"] for edge in overdue["dossiers"]["edges"]) == [
        found[BIRTH]["dossierCode"],
        found[INSURANCE]["dossierCode"],
    ]


OVERDUE = "{ dossiers(filter: {overdue: true}) { edges { node { code } } } }"


async def test_a_member_failing_its_form_creates_nothing_and_names_its_fields(
    gql: GraphQLClient,
) -> None:
    data = {"child": {"fullName": ""}, "mother": {"idNumber": "12"}}
    payload = await submit(gql, group_submission(data=data))
    assert payload["group"] is None
    assert {(e["field"], e["path"], e["reason"]) for e in payload["errors"]} == {
        (f"members.{BIRTH}.data", "/child/name", "TOO_SHORT"),
        (f"members.{BIRTH}.data", "/motherId", "BAD_PATTERN"),
    }
    assert await nothing_stored()
    # No code was used up: the next group is the day's first.
    payload = await submit(gql, group_submission())
    assert CODE.fullmatch(payload["group"]["code"]).group(1) == "0001"  # type: ignore[union-attr]


async def test_a_member_failing_inside_the_transaction_leaves_none_of_the_others(
    gql: GraphQLClient,
) -> None:
    # A restored database: the day's counter is behind three stored codes, and only the
    # third is still there, so the second member's code is taken after the first's insert.
    for _ in range(3):
        assert (await gql.data(SUBMIT_ONE, {"input": submission()}))["submitDossier"][
            "errors"
        ] == []
    stored = sorted(d.code for d in await Dossier.find_all().to_list())
    await Dossier.find({"code": {"$in": stored[:2]}}).delete()
    await Counter.get_pymongo_collection().update_many(
        {"_id": {"$regex": "^dossier:"}}, {"$set": {"seq": 0}}
    )

    payload = await submit(gql, group_submission([BIRTH, RESIDENCE]))

    assert payload["errors"] == []
    # The first attempt (group 0001, members 0002, 0003) was undone whole; the retry
    # moved past the stored codes.
    assert payload["group"]["code"].endswith("-0004")
    assert sorted(d.code[-4:] for d in await Dossier.find_all().to_list()) == [
        "0003",
        "0005",
        "0006",
    ]
    assert await DossierGroup.count() == 1


SUBMIT_ONE = """
mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { errors { code } } }
"""


async def test_a_member_procedure_without_a_published_form_is_refused(
    gql: GraphQLClient,
) -> None:
    procedure = await Procedure.find_one(Procedure.code == INSURANCE)
    assert procedure is not None
    procedure.form_key = "never-published"
    await procedure.save()
    payload = await submit(gql, group_submission())
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("FORM_NOT_PUBLISHED", f"members.{INSURANCE}.procedureCode")
    ]
    assert await nothing_stored()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"procedureCodes": [BIRTH, INSURANCE]}, ("VALIDATION_FAILED", "procedureCodes")),
        ({"procedureCodes": [BIRTH, BIRTH]}, ("VALIDATION_FAILED", "procedureCodes")),
        ({"groupCode": "G-NONE"}, ("NOT_FOUND", "groupCode")),
        ({"data": {"child": 5}}, ("VALIDATION_FAILED", "data")),
    ],
)
async def test_bad_group_input_is_a_typed_error_and_creates_nothing(
    gql: GraphQLClient, overrides: dict[str, Any], error: tuple[str, str]
) -> None:
    payload = await submit(gql, group_submission(**overrides))
    assert payload["group"] is None
    assert {(e["code"], e["field"]) for e in payload["errors"]} == {error}
    assert await nothing_stored()


async def test_a_retry_with_the_same_key_returns_the_first_group(gql: GraphQLClient) -> None:
    first = await submit(gql, group_submission(), key="group-once")
    again = await submit(gql, group_submission(), key="group-once")
    assert again["errors"] == []
    assert again["group"]["code"] == first["group"]["code"]
    assert members(again) == members(first)
    assert (await DossierGroup.count(), await Dossier.count()) == (1, 3)


async def _result(gql: GraphQLClient, code: str, result_data: dict[str, Any] | None) -> None:
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    specialist = gql.as_role("officer:specialist", agency=WARD)
    attached = await attach_result(
        specialist, code, ("khai-sinh.pdf", SIGNED_PDF, "application/pdf"), RESULT_TYPE
    )
    assert attached["errors"] == []
    leader = gql.as_role("officer:leader", agency=WARD)
    variables = {"code": code, "decision": "APPROVE", "resultData": result_data}
    recorded = (await leader.data(RECORD_RESULT, variables))["recordResult"]
    assert recorded["errors"] == []
    assert recorded["dossier"]["status"] == "RESULT_READY"


async def test_the_result_fills_and_receives_the_waiting_member_with_its_clock_from_then(
    gql: GraphQLClient,
) -> None:
    with fixed_time(local("2026-03-02 09:00")):
        payload = await submit(gql, group_submission([BIRTH, RESIDENCE]))
    found = members(payload)
    birth, residence = found[BIRTH]["dossierCode"], found[RESIDENCE]["dossierCode"]
    with fixed_time(local("2026-03-04 10:00")):
        await _result(gql, birth, {"number": "123/2026"})

    received = await dossier(residence)
    assert received.status.value == "RECEIVED"
    assert received.data == {"person": {"name": "Nguyễn Bé An"}, "birthNo": "123/2026"}
    assert received.clock_start == date(2026, 3, 4)  # counted from the release
    assert local_date(received.due_at) == date(2026, 3, 6)  # two working days later
    assert [s.step_key for s in received.steps] == ["reception"]
    assert await event_types(residence) == ["WAITING_FOR_INPUT", "INPUT_RECEIVED", "TRANSFERRED"]
    papers = await Attachment.find(Attachment.dossier_code == residence).to_list()
    result = await Attachment.find_one(
        Attachment.dossier_code == birth, Attachment.kind == AttachmentKind.RESULT
    )
    assert result is not None
    # The same stored file, reused as the paper its slot asks for.
    assert [(p.slot, p.kind, p.file_id, p.reused_from) for p in papers] == [
        ("birthCertificate", AttachmentKind.APPLICATION, result.file_id, result.id)
    ]


async def test_a_result_lacking_a_field_asks_the_waiting_member_for_it_at_reception(
    gql: GraphQLClient,
) -> None:
    payload = await submit(gql, group_submission([BIRTH, RESIDENCE]))
    found = members(payload)
    await _result(gql, found[BIRTH]["dossierCode"], None)
    residence = await dossier(found[RESIDENCE]["dossierCode"])
    assert residence.status.value == "SUPPLEMENT_REQUESTED"
    assert [(i.item, r.at_reception) for r in residence.supplements for i in r.items] == [
        ("/birthNo", True)
    ]
    assert (await event_types(residence.code))[-1] == "SUPPLEMENT_REQUESTED"


async def test_a_refused_first_member_withdraws_its_dependents_not_the_others(
    gql: GraphQLClient,
) -> None:
    payload = await submit(gql, group_submission())
    found = members(payload)
    refused = await gql.data(REFUSE, {"code": found[BIRTH]["dossierCode"], "reason": "Sai"})
    assert refused["refuseDossier"]["errors"] == []
    residence = await dossier(found[RESIDENCE]["dossierCode"])
    assert residence.status.value == "WITHDRAWN"
    assert residence.finished_at is not None
    assert found[BIRTH]["dossierCode"] in (residence.reason or "")
    assert await event_types(residence.code) == ["WAITING_FOR_INPUT", "WITHDRAWN"]
    assert (await dossier(found[INSURANCE]["dossierCode"])).status.value == "RECEIVED"


async def test_only_an_approval_carries_result_data(gql: GraphQLClient) -> None:
    payload = await submit(gql, group_submission([BIRTH, RESIDENCE]))
    code = members(payload)[BIRTH]["dossierCode"]
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    leader = gql.as_role("officer:leader", agency=WARD)
    for decision, data in (("REJECT", {"number": "1"}), ("APPROVE", [1, 2])):
        variables = {"code": code, "decision": decision, "note": "Sai", "resultData": data}
        answer = (await leader.data(RECORD_RESULT, variables))["recordResult"]
        assert [(e["code"], e["field"]) for e in answer["errors"]] == [
            ("VALIDATION_FAILED", "resultData")
        ]
    assert (await dossier(code)).status.value == "IN_PROGRESS"


SHARE = """
mutation($code: String!, $attachmentId: ID!) {
  shareWithGroup(code: $code, attachmentId: $attachmentId) {
    dossier { code } errors { field code }
  }
}
"""


async def test_a_paper_uploaded_once_is_shared_with_the_members_asking_for_its_slot(
    gql: GraphQLClient,
) -> None:
    payload = await submit(gql, group_submission())
    found = members(payload)
    birth, insurance = found[BIRTH]["dossierCode"], found[INSURANCE]["dossierCode"]
    uploaded = await upload_paper(gql, birth, "motherIdCard", ("cccd.pdf", PDF, "application/pdf"))
    assert uploaded["errors"] == []
    variables = {"code": birth, "attachmentId": uploaded["attachment"]["id"]}
    for _ in range(2):  # sharing again changes nothing
        shared = (await gql.data(SHARE, variables))["shareWithGroup"]
        assert shared["errors"] == []
    original = await Attachment.find_one(Attachment.dossier_code == birth)
    assert original is not None
    papers = await Attachment.find(Attachment.dossier_code != birth).to_list()
    # The residence member does not ask for the slot; the insurance one shares the file.
    assert [(p.dossier_code, p.slot, p.file_id, p.reused_from) for p in papers] == [
        (insurance, "motherIdCard", original.file_id, original.id)
    ]
    assert (await event_types(insurance))[-1] == "ATTACHMENT_ADDED"
