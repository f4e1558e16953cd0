"""Every operation against every principal: the expected allow (A) or deny (-).

Queries are allowed when they return the dossier (or the admin data); mutations are
denied with a FORBIDDEN top-level error, or NOT_FOUND when the dossier is invisible to
the principal, and allowed otherwise (a domain error such as NOTHING_DUE still means
the principal was let through). Subscriptions arrive with the real-time issue.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from documents.common.clock import utcnow
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.workflow import acting
from documents.workflow.acting import Decision
from documents.workflow.submitting import Submission, submit
from tests.catalogue import (
    APPLICANT_ID,
    PROCEDURE,
    TOKEN_PRINCIPALS,
    VALID_DATA,
    WARD,
    submission,
)
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

PRINCIPALS = [
    "anonymous", "owner", "stranger", "reception", "specialist", "leader", "outsider",
    "agency_admin", "system_admin", "integrator", "integrator_none",
]  # fmt: skip

# operation              an ow st re sp le ou aa sa in i0
MATRIX = """
dossier                  -  A  -  A  A  A  -  A  A  A  -
dossiers                 -  A  -  A  A  A  -  A  A  A  -
node                     -  A  -  A  A  A  -  A  A  A  -
publicDossierStatus      A  A  A  A  A  A  A  A  A  A  A
procedures               A  A  A  A  A  A  A  A  A  A  A
auditLog                 -  -  -  -  -  -  -  A  A  -  -
apiKeys                  -  -  -  -  -  -  -  -  A  -  -
submitDossier            -  A  -  A  -  -  -  -  -  -  -
acceptDossier            -  -  -  A  -  -  -  -  -  -  -
refuseDossier            -  -  -  A  -  -  -  -  -  -  -
assignDossier            -  -  -  A  A  A  -  -  -  -  -
handOver                 -  -  -  A  A  A  -  -  -  -  -
requestSupplement        -  -  -  -  A  -  -  -  -  -  -
supplementDossier        -  A  -  -  -  -  -  -  -  -  -
recordResult             -  -  -  -  -  A  -  -  -  -  -
returnResult             -  -  -  A  -  -  -  -  -  -  -
withdrawDossier          -  A  -  -  -  -  -  -  -  -  -
issueApology             -  -  -  -  A  A  -  -  -  -  -
requestPayment           -  -  -  A  -  -  -  -  -  -  -
recordPayment            -  -  -  A  -  -  -  -  -  A  -
createFormDraft          -  -  -  -  -  -  -  -  A  -  -
createProcedure          -  -  -  -  -  -  -  A  A  -  -
setCalendarDay           -  -  -  -  -  -  -  -  A  -  -
createApiKey             -  -  -  -  -  -  -  A  A  -  -
mergeAgencies            -  -  -  -  -  -  -  -  A  -  -
myRepository             -  A  A  -  -  -  -  -  -  -  -
statistics               -  -  -  A  A  A  A  A  A  -  -
publicStatistics         A  A  A  A  A  A  A  A  A  A  A
rateDossier              -  A  -  -  -  -  -  -  -  -  -
registerWebhook          -  -  -  -  -  -  -  A  A  -  -
"""


@dataclass(frozen=True)
class Case:
    document: str
    state: str  # the status the dossier is brought to first
    variables: Callable[[str], dict[str, Any]]
    mutation: bool = True
    # For dossier reads, "allowed" means the dossier came back; for admin reads, that
    # no FORBIDDEN error did.
    reads_dossier: bool = True


def _code(code: str) -> dict[str, Any]:
    return {"code": code}


DOSSIER_FIELDS = "code"
PAYLOAD = "dossier { code } errors { code }"
CASES: dict[str, Case] = {
    "dossier": Case("query($code: String!) { dossier(code: $code) { code } }", "RECEIVED", _code, False),
    "dossiers": Case("{ dossiers(first: 5) { edges { node { code } } } }", "RECEIVED", lambda c: {}, False),
    "node": Case("query($id: ID!) { node(id: $id) { id } }", "RECEIVED", lambda c: {"id": _global_id(c)}, False),
    "publicDossierStatus": Case(
        "query($code: String!, $l: String!) { publicDossierStatus(code: $code, applicantIdLast4: $l) { status } }",
        "RECEIVED", lambda c: {"code": c, "l": APPLICANT_ID[-4:]}, False,
    ),
    "procedures": Case("{ procedures { code } }", "RECEIVED", lambda c: {}, False, False),
    "auditLog": Case("{ auditLog(first: 5) { edges { node { id } } } }", "RECEIVED", lambda c: {}, False, False),
    "apiKeys": Case("{ apiKeys { keyId } }", "RECEIVED", lambda c: {}, False, False),
    "submitDossier": Case(
        f"mutation($input: SubmitDossierInput!) {{ submitDossier(input: $input) {{ {PAYLOAD} }} }}",
        "RECEIVED", lambda c: {"input": submission()},
    ),
    "acceptDossier": Case(f"mutation($code: String!) {{ acceptDossier(code: $code) {{ {PAYLOAD} }} }}", "RECEIVED", _code),
    "refuseDossier": Case(
        f'mutation($code: String!) {{ refuseDossier(code: $code, reason: "Sai") {{ {PAYLOAD} }} }}', "RECEIVED", _code
    ),
    "assignDossier": Case(
        f'mutation($code: String!) {{ assignDossier(code: $code, user: "cv") {{ {PAYLOAD} }} }}', "IN_PROGRESS", _code
    ),
    "handOver": Case(
        f'mutation($code: String!) {{ handOver(code: $code, toStep: "approve") {{ {PAYLOAD} }} }}', "IN_PROGRESS", _code
    ),
    "requestSupplement": Case(
        f'mutation($code: String!) {{ requestSupplement(code: $code, items: [{{item: "A", reason: "B"}}]) {{ {PAYLOAD} }} }}',
        "IN_PROGRESS", _code,
    ),
    "supplementDossier": Case(
        f"mutation($code: String!) {{ supplementDossier(code: $code, data: {{}}) {{ {PAYLOAD} }} }}",
        "SUPPLEMENT_REQUESTED", _code,
    ),
    "recordResult": Case(
        f"mutation($code: String!) {{ recordResult(code: $code, decision: APPROVE) {{ {PAYLOAD} }} }}", "IN_PROGRESS", _code
    ),
    "returnResult": Case(f"mutation($code: String!) {{ returnResult(code: $code) {{ {PAYLOAD} }} }}", "RESULT_READY", _code),
    "withdrawDossier": Case(
        f'mutation($code: String!) {{ withdrawDossier(code: $code, reason: "Thôi") {{ {PAYLOAD} }} }}', "RECEIVED", _code
    ),
    "issueApology": Case(
        f'mutation($code: String!, $d: Date!) {{ issueApology(code: $code, reason: "Chậm", newAppointment: $d) {{ {PAYLOAD} }} }}',
        "IN_PROGRESS", lambda c: {"code": c, "d": "2099-12-31"},
    ),
    "requestPayment": Case(f"mutation($code: String!) {{ requestPayment(code: $code) {{ {PAYLOAD} }} }}", "RECEIVED", _code),
    "recordPayment": Case(
        f'mutation($code: String!) {{ recordPayment(code: $code, amount: 1000, method: E_PAYMENT, reference: "R1") {{ {PAYLOAD} }} }}',
        "RECEIVED", _code,
    ),
    "createFormDraft": Case(
        'mutation { createFormDraft(input: {key: "k", title: "T", schema: {type: "object"}}) { errors { code } } }',
        "RECEIVED", lambda c: {},
    ),
    "createProcedure": Case(
        'mutation($a: [String!]!) { createProcedure(input: {code: "9.9", name: "N", field: "F", processingDays: 0, formKey: "permit", agencyCodes: $a}) { errors { code } } }',
        "RECEIVED", lambda c: {"a": [WARD]},
    ),
    "setCalendarDay": Case(
        'mutation { setCalendarDay(day: "2030-01-02", kind: DAY_OFF) { errors { code } } }', "RECEIVED", lambda c: {}
    ),
    "createApiKey": Case(
        'mutation($a: [String!]!) { createApiKey(input: {name: "n", operations: [READ_DOSSIERS], agencies: $a}) { errors { code } } }',
        "RECEIVED", lambda c: {"a": [WARD]},
    ),
    "mergeAgencies": Case(
        'mutation { mergeAgencies(input: {sources: ["000.22.98.H26"], target: "000.22.99.H26", effectiveDate: "2020-01-01"}, dryRun: true) { errors { code } } }',
        "RECEIVED", lambda c: {},
    ),
    "myRepository": Case("{ myRepository { id } }", "RECEIVED", lambda c: {}, False, False),
    "statistics": Case(
        '{ statistics(from: "2026-01-01", to: "2026-12-31") { totals { received } } }', "RECEIVED", lambda c: {}, False, False
    ),
    "publicStatistics": Case(
        '{ publicStatistics(from: "2026-01-01", to: "2026-12-31") { totals { received } } }', "RECEIVED", lambda c: {}, False, False
    ),
    "rateDossier": Case(
        "mutation($code: String!) { rateDossier(code: $code, input: {overall: SATISFIED, time: 5, attitude: 5, guidance: 5, cost: 5}) { errors { code } } }",
        "RESULT_READY", _code,
    ),
    "registerWebhook": Case(
        'mutation { registerWebhook(input: {url: "https://example.vn/hook"}) { errors { code } } }', "RECEIVED", lambda c: {}
    ),
}  # fmt: skip


def _global_id(code: str) -> str:
    return base64.b64encode(f"Dossier:{code}".encode()).decode()


def _cells() -> list[tuple[str, str, bool]]:
    cells = []
    for line in MATRIX.strip().splitlines():
        operation, *marks = line.split()
        assert len(marks) == len(PRINCIPALS), operation
        cells += [
            (operation, who, mark == "A") for who, mark in zip(PRINCIPALS, marks, strict=True)
        ]
    assert {c[0] for c in cells} == set(CASES)
    return cells


async def _dossier_in(state: str) -> Dossier:
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="A")
    back = utcnow() - timedelta(days=1)
    dossier = await submit(
        Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA), received_at=back
    )
    steps: dict[str, list[Callable[[str], Awaitable[Any]]]] = {
        "RECEIVED": [],
        "IN_PROGRESS": [lambda c: acting.accept(c, Actor())],
        "SUPPLEMENT_REQUESTED": [
            lambda c: acting.accept(c, Actor()),
            lambda c: acting.request_supplement(c, [{"item": "A", "reason": "B"}], Actor()),
        ],
        "RESULT_READY": [
            lambda c: acting.accept(c, Actor()),
            lambda c: acting.record_result(c, Decision.APPROVE, None, Actor()),
        ],
    }
    for step in steps[state]:
        await step(dossier.code)
    return dossier


async def _client(gql: GraphQLClient, who: str) -> GraphQLClient:
    if who == "anonymous":
        return gql.anonymous()
    if who.startswith("integrator"):
        operations = (
            [Operation.READ_DOSSIERS, Operation.RECORD_PAYMENTS] if who == "integrator" else []
        )
        _, secret = await create_api_key(who, operations, agencies=[WARD])
        return gql.anonymous().with_api_key(secret)
    role, agency, id_number = TOKEN_PRINCIPALS[who]
    return gql.as_role(role, agency=agency, id_number=id_number)


def _allowed(case: Case, body: dict[str, Any]) -> bool:
    errors = body.get("errors") or []
    if any((e.get("extensions") or {}).get("code") == "FORBIDDEN" for e in errors):
        return False
    assert not errors, errors  # anything else at top level is a bug in the test or the API
    value = next(iter(body["data"].values()))
    if not case.mutation and not case.reads_dossier:
        return True
    if not case.mutation:
        if isinstance(value, dict) and "edges" in value:
            return bool(value["edges"])
        return bool(value)
    codes = [e["code"] for e in (value or {}).get("errors") or []]
    return "NOT_FOUND" not in codes


@pytest.mark.parametrize(("operation", "who", "expected"), _cells())
async def test_authorization_matrix(
    gql: GraphQLClient, operation: str, who: str, expected: bool
) -> None:
    case = CASES[operation]
    dossier = await _dossier_in(case.state)
    client = await _client(gql, who)
    body = await client.execute(case.document, case.variables(dossier.code))
    assert _allowed(case, body) is expected, body
