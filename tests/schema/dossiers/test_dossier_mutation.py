"""The mutation extension every dossier mutation shares (schema/core/mutations.py and
schema/dossiers/mutating.py): idempotency over every argument, audit target, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from documents.common.clock import fixed_time
from documents.dossiers.events import DossierEvent, EventType
from tests.catalogue import APPLICANT, submission
from tests.conftest import GraphQLClient
from tests.papers import PDF, PNG, SIGNED_XML, upload, with_papers
from tests.schema.workflow.workflow_helpers import local

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

PAYLOAD = "dossier { code status assignee currentStep reason } errors { code field }"
UPLOADED = "attachment { id slot filename validUntil } dossier { code } errors { code field }"


def _keyed(name: str, declarations: str, fields: str = PAYLOAD) -> str:
    """A mutation document whose variables are named after its arguments, plus the key."""
    names = [d.split(":")[0].strip().removeprefix("$") for d in declarations.split(",")]
    arguments = ", ".join(f"{n}: ${n}" for n in [*names, "idempotencyKey"])
    return f"mutation({declarations}, $idempotencyKey: String) {{ {name}({arguments}) {{ {fields} }} }}"


SUBMIT = _keyed("submitDossier", "$input: SubmitDossierInput!")
ACCEPT = _keyed("acceptDossier", "$code: String!")
REFUSE = _keyed("refuseDossier", "$code: String!, $reason: String!")
ASSIGN = _keyed("assignDossier", "$code: String!, $user: String!")
HAND_OVER = _keyed(
    "handOver", "$code: String!, $toStep: String!, $toAgency: String, $toUser: String"
)
REQUEST_SUPPLEMENT = _keyed("requestSupplement", "$code: String!, $items: [SupplementItemInput!]!")
RECORD_RESULT = _keyed("recordResult", "$code: String!, $decision: Decision!, $note: String")
WITHDRAW = _keyed("withdrawDossier", "$code: String!, $reason: String!")
APOLOGY = _keyed("issueApology", "$code: String!, $reason: String!, $newAppointment: Date!")
UPLOAD = _keyed("uploadAttachment", "$code: String!, $slot: String!, $file: Upload!", UPLOADED)
ATTACH_RESULT = _keyed(
    "attachResult",
    "$code: String!, $file: Upload!, $resultType: String!, $electronic: Boolean!, $validUntil: Date",
    UPLOADED,
)
AUDIT = "{ auditLog(first: 10) { edges { node { operations targets succeeded } } } }"

ITEMS = [{"item": "Ảnh 4x6", "reason": "Thiếu"}]
SUBMITTED_AT = "2026-03-03 09:00"
ACTED_AT = "2026-03-05 09:00"  # two working days in: before the deadline (6 March)


@dataclass(frozen=True)
class Case:
    """One mutation run twice with one idempotency key, the second time with `changed`
    (one argument, possibly an optional one or one inside an input)."""

    name: str
    document: str
    role: str
    state: str  # what the dossier must be: NONE (submitting), RECEIVED or IN_PROGRESS
    variables: dict[str, Any]
    changed: dict[str, Any]
    event: EventType
    file: tuple[str, bytes, str] | None = None


CASES = [
    Case(
        "submit: a nested input field",
        SUBMIT,
        "officer:reception",
        "NONE",
        {"input": submission()},
        {"input": submission(applicant={**APPLICANT, "phone": "0912000999"})},
        EventType.RECEIVED,
    ),
    Case(
        "refuse: reason",
        REFUSE,
        "officer:reception",
        "RECEIVED",
        {"reason": "Thiếu giấy tờ"},
        {"reason": "Sai thẩm quyền"},
        EventType.REFUSED,
    ),
    Case(
        "assign: user",
        ASSIGN,
        "officer:specialist",
        "IN_PROGRESS",
        {"user": "cv.1"},
        {"user": "cv.2"},
        EventType.ASSIGNED,
    ),
    Case(
        "handOver: an optional argument left out, then given",
        HAND_OVER,
        "officer:specialist",
        "IN_PROGRESS",
        {"toStep": "approve"},
        {"toUser": "ld.1"},
        EventType.HANDED_OVER,
    ),
    Case(
        "requestSupplement: a list of inputs",
        REQUEST_SUPPLEMENT,
        "officer:specialist",
        "IN_PROGRESS",
        {"items": ITEMS},
        {"items": [{**ITEMS[0], "reason": "Mờ"}]},
        EventType.SUPPLEMENT_REQUESTED,
    ),
    Case(
        "recordResult: an optional note",
        RECORD_RESULT,
        "officer:leader",
        "IN_PROGRESS",
        {"decision": "APPROVE", "note": None},
        {"note": "Đủ điều kiện"},
        EventType.APPROVED,
    ),
    Case(
        "withdraw: reason",
        WITHDRAW,
        "applicant",
        "RECEIVED",
        {"reason": "Không còn nhu cầu"},
        {"reason": "Nộp nhầm"},
        EventType.WITHDRAWN,
    ),
    Case(
        "issueApology: a date",
        APOLOGY,
        "officer:specialist",
        "IN_PROGRESS",
        {"reason": "Chờ xác minh", "newAppointment": "2026-03-10"},
        {"newAppointment": "2026-03-11"},
        EventType.APOLOGY_ISSUED,
    ),
    Case(
        "uploadAttachment: slot",
        UPLOAD,
        "officer:reception",
        "RECEIVED",
        {"slot": "application"},
        {"slot": "identity"},
        EventType.ATTACHMENT_ADDED,
        ("a.pdf", PDF, "application/pdf"),
    ),
    Case(
        "uploadAttachment: the file",
        UPLOAD,
        "officer:reception",
        "RECEIVED",
        {"slot": "application"},
        {"file": ("a.png", PNG, "image/png")},
        EventType.ATTACHMENT_ADDED,
        ("a.pdf", PDF, "application/pdf"),
    ),
    Case(
        "attachResult: an optional date",
        ATTACH_RESULT,
        "officer:reception",
        "IN_PROGRESS",
        {"resultType": "JUDICIAL_RECORD", "electronic": True, "validUntil": None},
        {"validUntil": "2027-01-01"},
        EventType.RESULT_ATTACHED,
        ("lltp.xml", SIGNED_XML, "application/xml"),
    ),
]


async def _dossier(gql: GraphQLClient, state: str) -> str | None:
    """A dossier of the test applicant in `state`, on a procedure with paper slots."""
    if state == "NONE":
        return None
    await with_papers()
    with fixed_time(local(SUBMITTED_AT)):
        submitted = await gql.data(SUBMIT, {"input": submission()})
        code: str = submitted["submitDossier"]["dossier"]["code"]
        if state == "IN_PROGRESS":
            await gql.data(ACCEPT, {"code": code})
            specialist = gql.as_role("officer:specialist")
            await specialist.data(HAND_OVER, {"code": code, "toStep": "review"})
    return code


async def _run(
    gql: GraphQLClient, case: Case, code: str | None, changes: dict[str, Any], key: str = "k-1"
) -> dict[str, Any]:
    """The payload of `case`'s mutation with `changes` applied, as `case.role`."""
    client = gql.as_role(case.role)
    variables = {**case.variables, **changes, "idempotencyKey": key}
    if code is not None:
        variables["code"] = code
    with fixed_time(local(ACTED_AT)):
        if case.file is None:
            data = await client.data(case.document, variables)
        else:
            file = variables.pop("file", case.file)
            status, body = await upload(client, case.document, variables, file)
            assert status == 200, body
            assert "errors" not in body, body
            data = body["data"]
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


async def _count(event: EventType) -> int:
    return await DossierEvent.find(DossierEvent.type == event).count()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_replay_with_any_argument_changed_is_an_idempotency_conflict(
    gql: GraphQLClient, case: Case
) -> None:
    code = await _dossier(gql, case.state)
    before = await _count(case.event)
    first = await _run(gql, case, code, {})
    again = await _run(gql, case, code, case.changed)

    assert first["errors"] == []
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("IDEMPOTENCY_CONFLICT", "idempotencyKey")
    ]
    assert await _count(case.event) == before + 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_replay_with_the_same_arguments_returns_the_first_result_and_acts_once(
    gql: GraphQLClient, case: Case
) -> None:
    code = await _dossier(gql, case.state)
    before = await _count(case.event)
    first = await _run(gql, case, code, {})
    again = await _run(gql, case, code, {})

    assert first["errors"] == []
    assert again == first
    assert await _count(case.event) == before + 1


async def test_another_key_with_the_same_arguments_acts_again(gql: GraphQLClient) -> None:
    code = await _dossier(gql, "IN_PROGRESS")
    [assign] = [c for c in CASES if c.document == ASSIGN]
    await _run(gql, assign, code, {}, key="k-1")
    await _run(gql, assign, code, {}, key="k-2")

    assert await _count(EventType.ASSIGNED) == 2


async def test_a_key_of_the_wrong_length_is_refused_with_the_dossier_as_it_is(
    gql: GraphQLClient,
) -> None:
    code = await _dossier(gql, "RECEIVED")
    payload = (await gql.data(ACCEPT, {"code": code, "idempotencyKey": "k" * 201}))["acceptDossier"]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("VALIDATION_FAILED", "idempotencyKey")
    ]
    assert payload["dossier"]["status"] == "RECEIVED"
    assert await _count(EventType.ACCEPTED) == 0


async def test_a_replayed_domain_error_is_answered_again_with_the_dossier_as_it_is_now(
    gql: GraphQLClient,
) -> None:
    code = await _dossier(gql, "RECEIVED")
    refuse = next(c for c in CASES if c.document == REFUSE)
    first = await _run(gql, refuse, code, {"reason": "   "})
    with fixed_time(local(ACTED_AT)):
        await gql.data(ACCEPT, {"code": code})
    again = await _run(gql, refuse, code, {"reason": "   "})

    assert [e["code"] for e in first["errors"]] == ["VALIDATION_FAILED"]
    assert again["errors"] == first["errors"]
    assert (first["dossier"]["status"], again["dossier"]["status"]) == ("RECEIVED", "IN_PROGRESS")


async def test_the_dossier_is_the_audit_target_even_when_it_is_not_found(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    submitted = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
    code = submitted["dossier"]["code"]
    await gql.data(ACCEPT, {"code": code})
    missing = (await gql.data(ACCEPT, {"code": "000.00.00.H26-260101-9999"}))["acceptDossier"]

    log = await admin.data(AUDIT)
    records = [e["node"] for e in log["auditLog"]["edges"]]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    assert [(r["operations"], r["targets"]) for r in records] == [
        (["acceptDossier"], ["dossier:000.00.00.H26-260101-9999"]),
        (["acceptDossier"], [f"dossier:{code}"]),
        (["submitDossier"], [f"dossier:{code}"]),
    ]


async def test_an_invisible_dossier_is_not_found_and_a_visible_forbidden_one_is_forbidden(
    gql: GraphQLClient,
) -> None:
    code = await _dossier(gql, "RECEIVED")
    stranger = gql.as_role("applicant", id_number="001090099999")
    hidden = (await stranger.data(WITHDRAW, {"code": code, "reason": "x"}))["withdrawDossier"]
    owner = await gql.as_role("applicant").execute(ACCEPT, {"code": code})

    assert hidden == {"dossier": None, "errors": [{"code": "NOT_FOUND", "field": "code"}]}
    assert owner["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert owner["errors"][0]["message"] == "you may not accept it"
    assert await _count(EventType.WITHDRAWN) + await _count(EventType.ACCEPTED) == 0


async def test_an_invisible_dossier_is_refused_word_for_word_like_an_unknown_code(
    gql: GraphQLClient,
) -> None:
    """Codes are guessable: the refusal must not tell that one exists."""
    code = await _dossier(gql, "RECEIVED")
    stranger = gql.as_role("applicant", id_number="001090099999")
    query = WITHDRAW.replace("errors { code field }", "errors { code field message }")
    assert query != WITHDRAW, "the payload selection changed: update this test"
    hidden = await stranger.data(query, {"code": code, "reason": "x"})
    unknown = await stranger.data(query, {"code": "000.00.00.H26-260101-9999", "reason": "x"})

    assert hidden == unknown
