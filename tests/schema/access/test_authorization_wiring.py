"""The authorization matrix through GraphQL: the resolvers ask the policy as the
in-memory matrix says (test_authorization_matrix.py), and the rows the policy does not
decide hold for every principal.

`WIRING` picks, for each row the policy decides, a principal it lets through and one it
stops, so that every kind of decision (visible, hidden, allowed, FORBIDDEN, NOT_FOUND)
is seen through the real API for every kind of principal.
"""

from __future__ import annotations

import base64
import dataclasses
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from api.authentication import Authenticator
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.policy import access_for
from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import utcnow
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier, DossierStatus
from documents.workflow import acting
from documents.workflow.acting import Decision as Verdict
from documents.workflow.submitting import Submission, submit
from tests.authorization import (
    ALLOWING,
    GRAPHQL_ROWS,
    INTEGRATOR_OPERATIONS,
    POLICY_FIELDS,
    PRINCIPALS,
    RULES,
    Decision,
    access,
    cells,
    decide,
    dossier_in,
    principal,
    state_of,
)
from tests.catalogue import (
    APPLICANT_ID,
    CITY,
    OTHER_WARD,
    PROCEDURE,
    TOKEN_PRINCIPALS,
    VALID_DATA,
    WARD,
    submission,
)
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


@dataclass(frozen=True)
class Case:
    document: str
    variables: Callable[[str], dict[str, Any]]
    mutation: bool = True
    # For dossier reads, "visible" means the dossier came back; admin reads are allowed
    # unless FORBIDDEN.
    reads_dossier: bool = True


def _code(code: str) -> dict[str, Any]:
    return {"code": code}


def _global_id(code: str) -> str:
    return base64.b64encode(f"Dossier:{code}".encode()).decode()


PAYLOAD = "dossier { code } errors { code }"
CASES: dict[str, Case] = {
    "dossier": Case("query($code: String!) { dossier(code: $code) { code } }", _code, False),
    "dossiers": Case("{ dossiers(first: 5) { edges { node { code } } } }", lambda c: {}, False),
    "node": Case("query($id: ID!) { node(id: $id) { id } }", lambda c: {"id": _global_id(c)}, False),
    "publicDossierStatus": Case(
        "query($code: String!, $l: String!) { publicDossierStatus(code: $code, applicantIdLast4: $l) { status } }",
        lambda c: {"code": c, "l": APPLICANT_ID[-4:]}, False,
    ),
    "procedures": Case("{ procedures { code } }", lambda c: {}, False, False),
    "auditLog": Case("{ auditLog(first: 5) { edges { node { id } } } }", lambda c: {}, False, False),
    "apiKeys": Case("{ apiKeys { keyId } }", lambda c: {}, False, False),
    "submitDossier": Case(
        f"mutation($input: SubmitDossierInput!) {{ submitDossier(input: $input) {{ {PAYLOAD} }} }}",
        lambda c: {"input": submission()},
    ),
    "acceptDossier": Case(f"mutation($code: String!) {{ acceptDossier(code: $code) {{ {PAYLOAD} }} }}", _code),
    "refuseDossier": Case(f'mutation($code: String!) {{ refuseDossier(code: $code, reason: "Sai") {{ {PAYLOAD} }} }}', _code),
    "assignDossier": Case(f'mutation($code: String!) {{ assignDossier(code: $code, user: "cv") {{ {PAYLOAD} }} }}', _code),
    "handOver": Case(f'mutation($code: String!) {{ handOver(code: $code, toStep: "approve") {{ {PAYLOAD} }} }}', _code),
    "requestSupplement": Case(
        f'mutation($code: String!) {{ requestSupplement(code: $code, items: [{{item: "A", reason: "B"}}]) {{ {PAYLOAD} }} }}',
        _code,
    ),
    "supplementDossier": Case(f"mutation($code: String!) {{ supplementDossier(code: $code, data: {{}}) {{ {PAYLOAD} }} }}", _code),
    "recordResult": Case(f"mutation($code: String!) {{ recordResult(code: $code, decision: APPROVE) {{ {PAYLOAD} }} }}", _code),
    "returnResult": Case(f"mutation($code: String!) {{ returnResult(code: $code) {{ {PAYLOAD} }} }}", _code),
    "withdrawDossier": Case(f'mutation($code: String!) {{ withdrawDossier(code: $code, reason: "Thôi") {{ {PAYLOAD} }} }}', _code),
    "issueApology": Case(
        f'mutation($code: String!, $d: Date!) {{ issueApology(code: $code, reason: "Chậm", newAppointment: $d) {{ {PAYLOAD} }} }}',
        lambda c: {"code": c, "d": "2099-12-31"},
    ),
    "stopProcessing": Case(
        f'mutation($code: String!) {{ stopProcessing(code: $code, reason: "Thanh tra") {{ {PAYLOAD} }} }}', _code
    ),
    "requestPayment": Case(f"mutation($code: String!) {{ requestPayment(code: $code) {{ {PAYLOAD} }} }}", _code),
    "recordPayment": Case(
        f'mutation($code: String!) {{ recordPayment(code: $code, amount: 1000, method: E_PAYMENT, reference: "R1") {{ {PAYLOAD} }} }}',
        _code,
    ),
    "createFormDraft": Case(
        'mutation { createFormDraft(input: {key: "k", title: "T", schema: {type: "object"}}) { errors { code } } }', lambda c: {}
    ),
    "createProcedure": Case(
        'mutation($a: [String!]!) { createProcedure(input: {code: "9.9", name: "N", field: "F", processingDays: 0, formKey: "permit", agencyCodes: $a}) { errors { code } } }',
        lambda c: {"a": [WARD]},
    ),
    "procedureGroups": Case("{ procedureGroups { code } }", lambda c: {}, False, False),
    "procedureGroup": Case('{ procedureGroup(code: "G") { code } }', lambda c: {}, False, False),
    # One member: allowed means answered (GROUP_INVALID in the payload), not FORBIDDEN.
    "createProcedureGroup": Case(
        'mutation($p: String!) { createProcedureGroup(input: {code: "G", name: "N", members: [{procedureCode: $p}], processingDays: 3, verificationDays: 5, combinedForm: {type: "object"}}) { errors { code } } }',
        lambda c: {"p": PROCEDURE},
    ),
    # An unknown group: allowed means answered (NOT_FOUND in the payload), not FORBIDDEN.
    "updateProcedureGroup": Case(
        'mutation($p: String!) { updateProcedureGroup(code: "none", input: {members: [{procedureCode: $p}]}) { errors { code } } }',
        lambda c: {"p": PROCEDURE}, False, False,
    ),
    "setCalendarDay": Case('mutation { setCalendarDay(day: "2030-01-02", kind: DAY_OFF) { errors { code } } }', lambda c: {}),
    "createApiKey": Case(
        'mutation($a: [String!]!) { createApiKey(input: {name: "n", operations: [READ_DOSSIERS], agencies: $a}) { errors { code } } }',
        lambda c: {"a": [WARD]},
    ),
    "mergeAgencies": Case(
        'mutation { mergeAgencies(input: {sources: ["000.22.98.H26"], target: "000.22.99.H26", effectiveDate: "2020-01-01"}, dryRun: true) { errors { code } } }',
        lambda c: {},
    ),
    "splitAgency": Case(
        "mutation($s: String!, $t: String!, $u: String!) { splitAgency(input: {source: $s, targets: [{code: $t}, {code: $u}], rule: BY_LIST, effectiveDate: \"2020-01-01\"}, dryRun: true) { errors { code } } }",
        lambda c: {"s": WARD, "t": OTHER_WARD, "u": CITY},
    ),
    "scheduledMerges": Case("{ scheduledMerges { id } }", lambda c: {}, False, False),
    # An unknown id: allowed means answered (NOT_FOUND in the payload), not FORBIDDEN.
    "cancelScheduledMerge": Case('mutation { cancelScheduledMerge(id: "none") { errors { code } } }', lambda c: {}, False, False),
    "myRepository": Case("{ myRepository { id } }", lambda c: {}, False, False),
    "statistics": Case('{ statistics(from: "2026-01-01", to: "2026-12-31") { totals { received } } }', lambda c: {}, False, False),
    "publicStatistics": Case(
        '{ publicStatistics(from: "2026-01-01", to: "2026-12-31") { totals { received } } }', lambda c: {}, False, False
    ),
    "rateDossier": Case(
        "mutation($code: String!) { rateDossier(code: $code, input: {overall: SATISFIED, time: 5, attitude: 5, guidance: 5, cost: 5}) { errors { code } } }",
        _code,
    ),
    "registerWebhook": Case('mutation { registerWebhook(input: {url: "https://example.vn/hook"}) { errors { code } } }', lambda c: {}),
}  # fmt: skip

# For each row the policy decides: who gets through, then who is stopped.
WIRING = [
    ("dossier", "owner"), ("dossier", "stranger"), ("dossier", "outsider"),
    ("dossier", "anonymous"), ("dossier", "integrator"),
    ("dossiers", "agency_admin"), ("dossiers", "integrator_none"),
    ("node", "leader"), ("node", "system_admin"), ("node", "integrator_none"),
    ("auditLog", "agency_admin"), ("auditLog", "reception"),
    ("apiKeys", "system_admin"), ("apiKeys", "agency_admin"),
    ("submitDossier", "owner"), ("submitDossier", "stranger"), ("submitDossier", "integrator"),
    ("acceptDossier", "reception"), ("acceptDossier", "specialist"), ("acceptDossier", "outsider"),
    ("refuseDossier", "reception"), ("refuseDossier", "leader"),
    ("assignDossier", "specialist"), ("assignDossier", "owner"), ("assignDossier", "anonymous"),
    ("handOver", "leader"), ("handOver", "agency_admin"),
    ("requestSupplement", "specialist"), ("requestSupplement", "leader"),
    ("supplementDossier", "owner"), ("supplementDossier", "reception"),
    ("supplementDossier", "stranger"),
    ("recordResult", "leader"), ("recordResult", "specialist"),
    ("returnResult", "reception"), ("returnResult", "leader"),
    ("withdrawDossier", "owner"), ("withdrawDossier", "system_admin"),
    ("issueApology", "specialist"), ("issueApology", "reception"),
    ("stopProcessing", "leader"), ("stopProcessing", "specialist"), ("stopProcessing", "outsider"),
    ("requestPayment", "reception"), ("requestPayment", "integrator"),
    ("recordPayment", "integrator"), ("recordPayment", "integrator_none"),
    ("recordPayment", "owner"),
    ("createFormDraft", "system_admin"), ("createFormDraft", "agency_admin"),
    ("createProcedure", "agency_admin"), ("createProcedure", "owner"),
    ("createProcedureGroup", "agency_admin"), ("createProcedureGroup", "outsider"),
    ("updateProcedureGroup", "system_admin"), ("updateProcedureGroup", "integrator"),
    ("setCalendarDay", "system_admin"), ("setCalendarDay", "anonymous"),
    ("createApiKey", "agency_admin"), ("createApiKey", "integrator"),
    ("mergeAgencies", "system_admin"), ("mergeAgencies", "leader"),
    ("splitAgency", "system_admin"), ("splitAgency", "agency_admin"),
    ("scheduledMerges", "system_admin"), ("scheduledMerges", "agency_admin"),
    ("cancelScheduledMerge", "system_admin"), ("cancelScheduledMerge", "integrator"),
    ("myRepository", "stranger"), ("myRepository", "system_admin"),
    ("registerWebhook", "agency_admin"), ("registerWebhook", "integrator_none"),
]  # fmt: skip


async def _dossier_in(state: DossierStatus) -> Dossier:
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="A")
    back = utcnow() - timedelta(days=1)
    dossier = await submit(
        Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA),
        received_at=back,
        hours=OfficeHours(),
    )
    steps: dict[DossierStatus, list[Callable[[str], Awaitable[Any]]]] = {
        DossierStatus.RECEIVED: [],
        DossierStatus.IN_PROGRESS: [lambda c: acting.accept(c, Actor(), hours=OfficeHours())],
        DossierStatus.SUPPLEMENT_REQUESTED: [
            lambda c: acting.accept(c, Actor(), hours=OfficeHours()),
            lambda c: acting.request_supplement(
                c, [{"item": "A", "reason": "B"}], Actor(), hours=OfficeHours()
            ),
        ],
        DossierStatus.RESULT_READY: [
            lambda c: acting.accept(c, Actor(), hours=OfficeHours()),
            lambda c: acting.record_result(c, Verdict.APPROVE, None, Actor(), hours=OfficeHours()),
        ],
    }
    for step in steps[state]:
        await step(dossier.code)
    found = await Dossier.find_one(Dossier.code == dossier.code)
    assert found is not None
    return found


async def _client(gql: GraphQLClient, who: str) -> GraphQLClient:
    if who == "anonymous":
        return gql.anonymous()
    if who in INTEGRATOR_OPERATIONS:
        _, secret = await create_api_key(who, INTEGRATOR_OPERATIONS[who], agencies=[WARD])
        return gql.anonymous().with_api_key(secret)
    role, agency, id_number = TOKEN_PRINCIPALS[who]
    return gql.as_role(role, agency=agency, id_number=id_number)


async def _ask(gql: GraphQLClient, operation: str, who: str) -> tuple[Decision, dict[str, Any]]:
    """What the API decided when `who` tried `operation`, and its answer."""
    case = CASES[operation]
    dossier = await _dossier_in(state_of(operation))
    client = await _client(gql, who)
    body = await client.execute(case.document, case.variables(dossier.code))
    errors = body.get("errors") or []
    if any((e.get("extensions") or {}).get("code") == "FORBIDDEN" for e in errors):
        return Decision.FORBIDDEN, body
    assert not errors, errors  # anything else at top level is a bug in the test or the API
    value = next(iter(body["data"].values()))
    if case.mutation:
        codes = [e["code"] for e in (value or {}).get("errors") or []]
        return (Decision.NOT_FOUND if "NOT_FOUND" in codes else Decision.ALLOWED), body
    if not case.reads_dossier:
        return Decision.ALLOWED, body
    found = bool(value["edges"]) if isinstance(value, dict) and "edges" in value else bool(value)
    return (Decision.VISIBLE if found else Decision.HIDDEN), body


def test_authorization_wiring_covers_every_row_and_every_kind_of_decision() -> None:
    outcomes: dict[str, set[bool]] = defaultdict(set)
    for operation, who in WIRING:
        outcomes[operation].add(decide(operation, who) in ALLOWING)
    assert outcomes == {operation: {True, False} for operation in RULES}
    assert {who for _, who in WIRING} == set(PRINCIPALS)
    seen = {(principal(who).kind, decide(operation, who)) for operation, who in WIRING}
    possible = {(principal(who).kind, decide(op, who)) for op, who, _ in cells() if op in RULES}
    assert seen == possible


@pytest.mark.parametrize(("operation", "who"), WIRING)
async def test_authorization_wiring_decides_as_the_policy(
    gql: GraphQLClient, operation: str, who: str
) -> None:
    decision, body = await _ask(gql, operation, who)
    assert decision is decide(operation, who), body


@pytest.mark.parametrize(
    ("operation", "who", "expected"), [cell for cell in cells() if cell[0] in GRAPHQL_ROWS]
)
async def test_authorization_matrix_through_graphql(
    gql: GraphQLClient, operation: str, who: str, expected: bool
) -> None:
    decision, body = await _ask(gql, operation, who)
    assert (decision in ALLOWING) is expected, body


@pytest.mark.parametrize("who", PRINCIPALS)
async def test_authorization_principals_in_memory_are_the_ones_the_api_makes(
    gql: GraphQLClient, settings: Settings, who: str
) -> None:
    client = await _client(gql, who)
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    headers |= {"x-api-key": client.api_key} if client.api_key else {}
    made = await Authenticator(settings).authenticate(headers)
    assert dataclasses.replace(made, subject=None) == dataclasses.replace(
        principal(who), subject=None
    )
    assert (await access_for(made)).agencies == access(who).agencies


@pytest.mark.parametrize("state", sorted({state_of(operation) for operation in CASES}))
async def test_authorization_dossiers_in_memory_are_the_ones_the_workflow_makes(
    state: DossierStatus,
) -> None:
    fields = set(POLICY_FIELDS)
    made = await _dossier_in(state)
    assert made.model_dump(include=fields) == dossier_in(state).model_dump(include=fields)
