"""The authorization matrix, and the principals and dossiers it is decided on, in memory.

`MATRIX` gives every operation against every principal: allowed (A) or denied (-).
`RULES` says how the resolver of each operation asks the access policy
(documents/access/policy.py), so a cell can be decided without a database or GraphQL;
`GRAPHQL_ROWS` are the operations the policy does not decide (public ones, and rules
that live in the resolver), checked through the API for every principal.
The places matrix, where the officer's agency stands, is in tests/authorization_places.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from api.authentication import principal_from_claims
from documents.access.policy import Access, AdminArea
from documents.access.principals import (
    ANONYMOUS,
    IntegratorScope,
    Operation,
    Principal,
    PrincipalKind,
)
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier, DossierStatus
from documents.workflow.transitions import Action
from tests.catalogue import (
    APPLICANT_ID,
    CITY,
    OTHER_WARD,
    PROCEDURE,
    TOKEN_PRINCIPALS,
    VALID_DATA,
    WARD,
)

PRINCIPALS = [
    "anonymous", "owner", "stranger", "reception", "specialist", "leader", "outsider",
    "agency_admin", "system_admin", "integrator", "integrator_none",
]  # fmt: skip

# A stranger (another applicant) may call submitDossier: naming the owner as the
# applicant is refused by the submission itself, NOT_THE_APPLICANT (tests/api/
# test_business_applicants.py), like any domain refusal an ALLOWED cell allows.
# operation              an ow st re sp le ou aa sa in i0
MATRIX = """
dossier                  -  A  -  A  A  A  -  A  A  A  -
dossiers                 -  A  -  A  A  A  -  A  A  A  -
node                     -  A  -  A  A  A  -  A  A  A  -
publicDossierStatus      A  A  A  A  A  A  A  A  A  A  A
procedures               A  A  A  A  A  A  A  A  A  A  A
auditLog                 -  -  -  -  -  -  -  A  A  -  -
apiKeys                  -  -  -  -  -  -  -  -  A  -  -
submitDossier            -  A  A  A  -  -  -  -  -  -  -
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
stopProcessing           -  -  -  -  -  A  -  -  -  -  -
requestPayment           -  -  -  A  -  -  -  -  -  -  -
recordPayment            -  -  -  A  -  -  -  -  -  A  -
createFormDraft          -  -  -  -  -  -  -  -  A  -  -
createProcedure          -  -  -  -  -  -  -  A  A  -  -
procedureGroups          A  A  A  A  A  A  A  A  A  A  A
procedureGroup           A  A  A  A  A  A  A  A  A  A  A
createProcedureGroup     -  -  -  -  -  -  -  A  A  -  -
updateProcedureGroup     -  -  -  -  -  -  -  A  A  -  -
setCalendarDay           -  -  -  -  -  -  -  -  A  -  -
createApiKey             -  -  -  -  -  -  -  A  A  -  -
mergeAgencies            -  -  -  -  -  -  -  -  A  -  -
splitAgency              -  -  -  -  -  -  -  -  A  -  -
scheduledMerges          -  -  -  -  -  -  -  -  A  -  -
cancelScheduledMerge     -  -  -  -  -  -  -  -  A  -  -
myRepository             -  A  A  -  -  -  -  -  -  -  -
statistics               -  -  -  A  A  A  A  A  A  -  -
publicStatistics         A  A  A  A  A  A  A  A  A  A  A
rateDossier              -  A  -  -  -  -  -  -  -  -  -
registerWebhook          -  -  -  -  -  -  -  A  A  -  -
"""

# The status the dossier is in when an operation is tried; RECEIVED unless named.
STATES: dict[str, DossierStatus] = {
    "assignDossier": DossierStatus.IN_PROGRESS,
    "handOver": DossierStatus.IN_PROGRESS,
    "requestSupplement": DossierStatus.IN_PROGRESS,
    "supplementDossier": DossierStatus.SUPPLEMENT_REQUESTED,
    "recordResult": DossierStatus.IN_PROGRESS,
    "returnResult": DossierStatus.RESULT_READY,
    "issueApology": DossierStatus.IN_PROGRESS,
    "stopProcessing": DossierStatus.IN_PROGRESS,
    "rateDossier": DossierStatus.RESULT_READY,
}


def state_of(operation: str) -> DossierStatus:
    return STATES.get(operation, DossierStatus.RECEIVED)


def cells() -> list[tuple[str, str, bool]]:
    """Every (operation, principal, allowed) of the matrix."""
    found = []
    for line in MATRIX.strip().splitlines():
        operation, *marks = line.split()
        assert len(marks) == len(PRINCIPALS), operation
        found += [
            (operation, who, mark == "A") for who, mark in zip(PRINCIPALS, marks, strict=True)
        ]
    return found


# -- who asks ---------------------------------------------------------------------------

# The tiny catalogue's agencies and the agencies below each (tests/catalogue.py).
SUBTREES = {CITY: frozenset({CITY, WARD, OTHER_WARD}), WARD: frozenset({WARD})}
SUBTREES[OTHER_WARD] = frozenset({OTHER_WARD})
# Integrators hold API keys for the ward with these operations.
INTEGRATOR_OPERATIONS = {
    "integrator": [Operation.READ_DOSSIERS, Operation.RECORD_PAYMENTS],
    "integrator_none": [],
}


def principal(who: str) -> Principal:
    """The principal the API makes of `who`'s development token or API key."""
    if who == "anonymous":
        return ANONYMOUS
    if who in INTEGRATOR_OPERATIONS:
        scope = IntegratorScope(
            agencies=frozenset({WARD}), operations=frozenset(INTEGRATOR_OPERATIONS[who])
        )
        return Principal(kind=PrincipalKind.INTEGRATOR, subject=who, scope=scope)
    role, agency, id_number = TOKEN_PRINCIPALS[who]
    claims: dict[str, Any] = {"sub": who, "role": role, "agency": agency, "id_number": id_number}
    claims["identity_level"] = 2 if role == "applicant" else None  # as tests/conftest.py's
    return principal_from_claims({k: v for k, v in claims.items() if v is not None})


def access(who: str) -> Access:
    """What `access_for` works out for `who` over the tiny catalogue."""
    asking = principal(who)
    covered = asking.kind in (PrincipalKind.OFFICER, PrincipalKind.AGENCY_ADMIN)
    return Access(asking, SUBTREES[asking.agency_code] if covered and asking.agency_code else None)


# -- what is asked about -----------------------------------------------------------------

# The fields the rules below read; the wiring tests compare them with real dossiers.
POLICY_FIELDS = ("status", "agency_codes", "applicant", "procedure_code")


def dossier_in(status: DossierStatus) -> Dossier:
    """The owner's dossier at the ward, as submission and the workflow leave it."""
    moment = datetime(2026, 1, 5, 9, tzinfo=UTC)
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="A")
    return Dossier.model_construct(
        code=f"{WARD}-260105-0001",
        procedure_code=PROCEDURE,
        form_key="permit",
        form_version=1,
        applicant=applicant,
        data=dict(VALID_DATA),
        channel=Channel.ONLINE,
        receiving_agency_code=WARD,
        handling_agency_code=WARD,
        status=status,
        received_at=moment,
        updated_at=moment,
        due_at=moment,
        appointment_at=moment,
        agency_codes=[WARD],
    )


def matches(query: dict[str, Any], document: dict[str, Any]) -> bool:
    """Whether `document` passes a visibility filter (equality and `$in` only)."""
    for path, condition in query.items():
        value: Any = document
        for part in path.split("."):
            value = value[part]
        values = value if isinstance(value, list) else [value]
        if isinstance(condition, dict):
            assert set(condition) == {"$in"}, condition
            if not set(values) & set(condition["$in"]):
                return False
        elif condition not in values:
            return False
    return True


# -- how each operation asks the policy --------------------------------------------------


class Decision(StrEnum):
    VISIBLE = "VISIBLE"  # a read returns the dossier
    HIDDEN = "HIDDEN"  # a read returns nothing
    ALLOWED = "ALLOWED"  # done, or refused by the domain (e.g. ILLEGAL_TRANSITION)
    FORBIDDEN = "FORBIDDEN"  # a top-level FORBIDDEN error
    NOT_FOUND = "NOT_FOUND"  # a dossier mutation's NOT_FOUND: the dossier is invisible


ALLOWING = frozenset({Decision.VISIBLE, Decision.ALLOWED})
Rule = Callable[[Access, Dossier], Decision]


def _reads(access: Access, dossier: Dossier) -> Decision:
    return Decision.VISIBLE if access.can_view(dossier) else Decision.HIDDEN


def _lists(access: Access, dossier: Dossier) -> Decision:
    query = access.dossier_filter()
    seen = query is not None and matches(query, dossier.model_dump())
    return Decision.VISIBLE if seen else Decision.HIDDEN


def _acts(action: Action) -> Rule:
    def rule(access: Access, dossier: Dossier) -> Decision:
        if not access.can_view(dossier):
            return Decision.NOT_FOUND
        return Decision.ALLOWED if access.can_act(action, dossier) else Decision.FORBIDDEN

    return rule


def _if(check: Callable[[Access], bool]) -> Rule:
    return lambda access, _: Decision.ALLOWED if check(access) else Decision.FORBIDDEN


def _admin(area: AdminArea, agencies: list[str] | None = None) -> Rule:
    return _if(lambda access: access.can_admin(area, agencies))


RULES: dict[str, Rule] = {
    "dossier": _reads,
    "dossiers": _lists,
    "node": _reads,
    "auditLog": _admin(AdminArea.AUDIT),
    "apiKeys": _admin(AdminArea.API_KEYS, []),
    "submitDossier": _if(lambda access: access.can_submit(APPLICANT_ID, WARD, PROCEDURE)),
    "acceptDossier": _acts(Action.ACCEPT),
    "refuseDossier": _acts(Action.REFUSE),
    "assignDossier": _acts(Action.ASSIGN),
    "handOver": _acts(Action.HAND_OVER),
    "requestSupplement": _acts(Action.REQUEST_SUPPLEMENT),
    "supplementDossier": _acts(Action.SUPPLEMENT),
    "recordResult": _acts(Action.APPROVE),  # decision: APPROVE
    "returnResult": _acts(Action.RETURN_RESULT),
    "withdrawDossier": _acts(Action.WITHDRAW),
    "issueApology": _acts(Action.ISSUE_APOLOGY),
    "stopProcessing": _acts(Action.STOP_PROCESSING),
    "requestPayment": _acts(Action.REQUEST_PAYMENT),
    "recordPayment": _acts(Action.RECORD_PAYMENT),
    "createFormDraft": _admin(AdminArea.FORMS),
    "createProcedure": _admin(AdminArea.PROCEDURES, [WARD]),
    # The agencies of the member procedures: the tiny catalogue's one, at the ward.
    "createProcedureGroup": _admin(AdminArea.PROCEDURES, [WARD]),
    "updateProcedureGroup": _admin(AdminArea.PROCEDURES, [WARD]),
    "setCalendarDay": _admin(AdminArea.CALENDAR),
    "createApiKey": _admin(AdminArea.API_KEYS, [WARD]),
    "mergeAgencies": _admin(AdminArea.AGENCIES),
    "splitAgency": _admin(AdminArea.AGENCIES),
    "scheduledMerges": _admin(AdminArea.AGENCIES),
    "cancelScheduledMerge": _admin(AdminArea.AGENCIES),
    "myRepository": _if(Access.has_repository),
    "registerWebhook": _if(Access.can_register_webhooks),
}
# Public operations, and rules the resolver keeps (statistics by principal kind, rating
# by the applicant only): every cell of these rows goes through GraphQL.
GRAPHQL_ROWS = frozenset(
    {
        "publicDossierStatus",
        "procedures",
        "procedureGroups",
        "procedureGroup",
        "publicStatistics",
        "statistics",
        "rateDossier",
    }
)


def decide(operation: str, who: str) -> Decision:
    """The policy's decision on one cell, in memory."""
    return RULES[operation](access(who), dossier_in(state_of(operation)))
