"""The places matrix through GraphQL: officers at the desk that only received a dossier,
at the agency that only handles it, at one that does both, at neither, or above both,
are let through or stopped as the in-memory matrix says (tests/authorization_places.py).

`PLACES_WIRING` picks, for each row, cells the policy lets through and cells it stops,
so every position and every kind of decision is seen through the real API; the attack
of issue 12 (a receiving branch's leader approving at another agency's step) is one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import utcnow
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.papers.consents import Submitter
from documents.papers.repository import RepositoryItem, RepositoryItemKind
from documents.workflow import acting
from documents.workflow.acting import Decision as Verdict
from documents.workflow.submitting import Submission, submit
from tests.authorization import ALLOWING, Decision
from tests.authorization_places import (
    POSITION_AT,
    POSITIONS,
    Stage,
    decide_place,
    dossier_at,
    place_cells,
    policy_view,
)
from tests.catalogue import APPLICANT_ID, OTHER_WARD, PROCEDURE, VALID_DATA, WARD
from tests.conftest import GraphQLClient
from tests.papers import ATTACH_RESULT, PDF, SIGNED_XML, UPLOAD, upload, with_papers
from tests.schema.access.test_authorization_wiring import CASES

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

S = Stage
# (operation, stage, role, position): who is let through and who is stopped, per row.
PLACES_WIRING = [
    ("dossier", S.RECEIVED, "leader", "desk"), ("dossier", S.RECEIVED, "leader", "neither"),
    ("dossier", S.AT_HANDLER, "reception", "desk"),
    ("dossier", S.AT_HANDLER, "reception", "neither"),
    ("openReused", S.RECEIVED, "reception", "both"),
    ("openReused", S.AT_DESK, "specialist", "desk"),
    ("openReused", S.AT_DESK, "specialist", "handler"),
    ("openReused", S.AT_HANDLER, "leader", "parent"),
    ("openReused", S.AT_HANDLER, "leader", "desk"),
    ("acceptDossier", S.RECEIVED, "reception", "desk"),
    ("acceptDossier", S.RECEIVED, "reception", "handler"),
    ("acceptDossier", S.RECEIVED, "reception", "neither"),
    ("acceptDossier", S.RECEIVED, "reception", "parent"),
    ("refuseDossier", S.RECEIVED, "reception", "both"),
    ("refuseDossier", S.RECEIVED, "reception", "handler"),
    ("assignDossier", S.RECEIVED, "reception", "desk"),
    ("assignDossier", S.RECEIVED, "reception", "handler"),
    ("requestPayment", S.RECEIVED, "reception", "parent"),
    ("requestPayment", S.RECEIVED, "reception", "handler"),
    ("uploadAttachment", S.RECEIVED, "reception", "desk"),
    ("uploadAttachment", S.RECEIVED, "reception", "handler"),
    ("handOver", S.AT_DESK, "reception", "desk"),
    ("handOver", S.AT_DESK, "reception", "handler"),
    ("assignDossier", S.AT_DESK, "specialist", "parent"),
    ("assignDossier", S.AT_DESK, "specialist", "neither"),
    ("recordResult", S.AT_DESK, "leader", "both"),
    ("recordResult", S.AT_DESK, "leader", "desk"),
    ("recordResult", S.AT_DESK, "leader", "parent"),
    ("requestSupplement", S.AT_DESK, "specialist", "both"),
    ("requestSupplement", S.AT_DESK, "specialist", "handler"),
    ("issueApology", S.AT_DESK, "leader", "both"),
    ("issueApology", S.AT_DESK, "leader", "desk"),
    ("attachResult", S.AT_DESK, "leader", "both"),
    ("attachResult", S.AT_DESK, "leader", "desk"),
    ("handOver", S.AT_HANDLER, "specialist", "handler"),
    ("handOver", S.AT_HANDLER, "specialist", "desk"),
    ("assignDossier", S.AT_HANDLER, "leader", "parent"),
    ("assignDossier", S.AT_HANDLER, "leader", "desk"),
    ("recordResult", S.AT_HANDLER, "leader", "handler"),
    ("recordResult", S.AT_HANDLER, "leader", "desk"),  # the attack of issue 12
    ("requestSupplement", S.AT_HANDLER, "specialist", "parent"),
    ("requestSupplement", S.AT_HANDLER, "specialist", "desk"),
    ("issueApology", S.AT_HANDLER, "specialist", "handler"),
    ("issueApology", S.AT_HANDLER, "specialist", "desk"),
    ("requestPayment", S.AT_HANDLER, "reception", "handler"),
    ("requestPayment", S.AT_HANDLER, "reception", "desk"),
    ("attachResult", S.AT_HANDLER, "specialist", "handler"),
    ("attachResult", S.AT_HANDLER, "specialist", "desk"),
    ("recordPayment", S.SUPPLEMENT, "reception", "desk"),
    ("recordPayment", S.SUPPLEMENT, "reception", "neither"),
    ("uploadAttachment", S.SUPPLEMENT, "reception", "handler"),
    ("uploadAttachment", S.SUPPLEMENT, "reception", "neither"),
    ("returnResult", S.RESULT_READY, "reception", "desk"),
    ("returnResult", S.RESULT_READY, "reception", "neither"),
    ("recordPayment", S.RESULT_READY, "reception", "handler"),
    ("recordPayment", S.RESULT_READY, "reception", "neither"),
    ("attachResult", S.RESULT_READY, "leader", "parent"),
    ("attachResult", S.RESULT_READY, "leader", "desk"),
]  # fmt: skip

Step = Callable[[str], Awaitable[Any]]
HOURS = OfficeHours()
_STEPS: dict[Stage, list[Step]] = {
    S.RECEIVED: [],
    S.AT_DESK: [lambda c: acting.accept(c, Actor(), hours=HOURS)],
    S.AT_HANDLER: [
        lambda c: acting.accept(c, Actor(), hours=HOURS),
        lambda c: acting.hand_over(c, "review", Actor(), hours=HOURS),
    ],
}
_STEPS[S.SUPPLEMENT] = [
    *_STEPS[S.AT_HANDLER],
    lambda c: acting.request_supplement(c, [{"item": "A", "reason": "B"}], Actor(), hours=HOURS),
]
_STEPS[S.RESULT_READY] = [
    *_STEPS[S.AT_HANDLER],
    lambda c: acting.record_result(c, Verdict.APPROVE, None, Actor(), hours=HOURS),
]


async def _repository_result() -> None:
    """A judicial record in the applicant's repository (its file is not needed here)."""
    moment = utcnow() - timedelta(days=3)
    await RepositoryItem(
        token="ri_wiring-judicial-record",
        owner_id=APPLICANT_ID,
        kind=RepositoryItemKind.RESULT,
        name="Phiếu lý lịch tư pháp",
        result_type="JUDICIAL_RECORD",
        electronic=True,
        valid_from=moment,
        file_id="0" * 24,
        sha256="0" * 64,
        size=1,
        media_type="application/xml",
        filename="lltp.xml",
        attachment_id="1" * 24,
        dossier_code=f"{WARD}-260101-0001",
        agency_code=WARD,
        procedure_code=PROCEDURE,
        added_at=moment,
    ).insert()


async def _dossier_at(layout: str, stage: Stage) -> Dossier:
    """The dossier of the layout, filed by its applicant (who reuses a judicial record
    from their repository), and taken through the workflow to the stage."""
    await with_papers()
    await _repository_result()
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="A")
    desk = OTHER_WARD if layout == "split" else WARD
    filed = Submission(
        PROCEDURE, desk, Channel.ONLINE, applicant, VALID_DATA, submitter=Submitter(APPLICANT_ID)
    )
    dossier = await submit(filed, received_at=utcnow() - timedelta(days=1), hours=HOURS)
    assert dossier.reused_count == 1
    for step in _STEPS[stage]:
        await step(dossier.code)
    found = await Dossier.find_one(Dossier.code == dossier.code)
    assert found is not None
    return found


OPEN_REUSED = "query($code: String!) { dossier(code: $code) { attachments { reused } } }"
UPLOADS: dict[str, tuple[str, dict[str, Any], tuple[str, bytes, str]]] = {
    "uploadAttachment": (UPLOAD, {"slot": "application"}, ("a.pdf", PDF, "application/pdf")),
    "attachResult": (
        ATTACH_RESULT,
        {"type": "JUDICIAL_RECORD", "electronic": True, "until": None},
        ("lltp.xml", SIGNED_XML, "application/xml"),
    ),
}


async def _ask(
    gql: GraphQLClient, operation: str, stage: Stage, role: str, where: str
) -> tuple[Decision, dict[str, Any]]:
    layout, agency = POSITION_AT[where]
    dossier = await _dossier_at(layout, stage)
    client = gql.as_role(f"officer:{role}", agency=agency)
    if operation in UPLOADS:
        query, variables, file = UPLOADS[operation]
        _, body = await upload(client, query, {"code": dossier.code, **variables}, file)
    elif operation == "openReused":
        body = await client.execute(OPEN_REUSED, {"code": dossier.code})
    else:
        case = CASES[operation]
        body = await client.execute(case.document, case.variables(dossier.code))
    errors = body.get("errors") or []
    if any((e.get("extensions") or {}).get("code") == "FORBIDDEN" for e in errors):
        return Decision.FORBIDDEN, body
    assert not errors, errors
    value = next(iter(body["data"].values()))
    if operation == "dossier":
        return (Decision.VISIBLE if value else Decision.HIDDEN), body
    if operation == "openReused":
        reused = [a for a in (value or {}).get("attachments", []) if a["reused"]]
        return (Decision.VISIBLE if reused else Decision.HIDDEN), body
    codes = [e["code"] for e in (value or {}).get("errors") or []]
    return (Decision.NOT_FOUND if "NOT_FOUND" in codes else Decision.ALLOWED), body


def test_places_wiring_covers_every_row_position_and_decision() -> None:
    wired: dict[tuple[str, Stage, str], set[bool]] = defaultdict(set)
    for operation, stage, role, where in PLACES_WIRING:
        wired[(operation, stage, role)].add(decide_place(operation, stage, role, where) in ALLOWING)
    rows: dict[tuple[str, Stage, str], set[bool]] = defaultdict(set)
    for operation, stage, role, _, allowed in place_cells():
        rows[(operation, stage, role)].add(allowed)
    assert wired == rows
    assert {where for *_, where in PLACES_WIRING} == set(POSITIONS)
    seen = {decide_place(*cell) for cell in PLACES_WIRING}
    possible = {decide_place(op, stage, role, where) for op, stage, role, where, _ in place_cells()}
    assert seen == possible


@pytest.mark.parametrize(("operation", "stage", "role", "where"), PLACES_WIRING)
async def test_places_wiring_decides_as_the_policy(
    gql: GraphQLClient, operation: str, stage: Stage, role: str, where: str
) -> None:
    decision, body = await _ask(gql, operation, stage, role, where)
    assert decision is decide_place(operation, stage, role, where), body


@pytest.mark.parametrize("layout", ["split", "same"])
@pytest.mark.parametrize("stage", list(Stage))
async def test_places_dossiers_in_memory_are_the_ones_the_workflow_makes(
    layout: str, stage: Stage
) -> None:
    made = await _dossier_at(layout, stage)
    assert policy_view(made) == policy_view(dossier_at(layout, stage))
