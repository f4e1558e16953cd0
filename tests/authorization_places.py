"""The places matrix: where an officer's agency stands for a dossier, at the desk that
only received it, at the agency that only handles it, at one that does both, at
neither, or above both (documents/access/places.py), against what the officer tries;
decided in memory like the main matrix (tests/authorization.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from api.authentication import principal_from_claims
from documents.access.policy import Access
from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import Dossier, DossierStatus
from documents.dossiers.parts import StepRecord
from documents.papers.attachments import Attachment
from tests.authorization import (
    POLICY_FIELDS,
    RULES,
    SUBTREES,
    Decision,
    Rule,
    dossier_in,
)
from tests.catalogue import CITY, OTHER_WARD, WARD

POSITIONS = ["desk", "handler", "both", "neither", "parent"]
# Each position: the dossier's layout and the officer's agency. A "split" dossier is
# received at the other ward's desk and handled by the ward; a "same" one is received
# and handled by the ward.
POSITION_AT: dict[str, tuple[str, str]] = {
    "desk": ("split", OTHER_WARD),
    "handler": ("split", WARD),
    "both": ("same", WARD),
    "neither": ("same", OTHER_WARD),
    "parent": ("split", CITY),
}


class Stage(StrEnum):
    """How far the dossier got: its status, and which step holds it."""

    RECEIVED = "RECEIVED"  # at the desk's reception step
    AT_DESK = "AT_DESK"  # accepted; the desk's reception step still holds it
    AT_HANDLER = "AT_HANDLER"  # handed over to the review step of the handling agency
    SUPPLEMENT = "SUPPLEMENT"  # the review step asked the applicant for more
    RESULT_READY = "RESULT_READY"  # approved at the review step


STAGE_STATUS = {
    Stage.RECEIVED: DossierStatus.RECEIVED,
    Stage.AT_DESK: DossierStatus.IN_PROGRESS,
    Stage.AT_HANDLER: DossierStatus.IN_PROGRESS,
    Stage.SUPPLEMENT: DossierStatus.SUPPLEMENT_REQUESTED,
    Stage.RESULT_READY: DossierStatus.RESULT_READY,
}

# operation         stage         role        desk handler both neither parent
PLACES_MATRIX = """
dossier             RECEIVED      leader      A    A       A    -       A
openReused          RECEIVED      reception   -    -       -    -       -
acceptDossier       RECEIVED      reception   A    -       A    -       A
refuseDossier       RECEIVED      reception   A    -       A    -       A
assignDossier       RECEIVED      reception   A    -       A    -       A
requestPayment      RECEIVED      reception   A    -       A    -       A
uploadAttachment    RECEIVED      reception   A    -       A    -       A
handOver            AT_DESK       reception   A    -       A    -       A
assignDossier       AT_DESK       specialist  A    -       A    -       A
recordResult        AT_DESK       leader      -    -       A    -       -
requestSupplement   AT_DESK       specialist  -    -       A    -       -
issueApology        AT_DESK       leader      -    -       A    -       -
attachResult        AT_DESK       leader      -    -       A    -       -
openReused          AT_DESK       specialist  -    A       A    -       A
dossier             AT_HANDLER    reception   A    A       A    -       A
handOver            AT_HANDLER    specialist  -    A       A    -       A
assignDossier       AT_HANDLER    leader      -    A       A    -       A
recordResult        AT_HANDLER    leader      -    A       A    -       A
requestSupplement   AT_HANDLER    specialist  -    A       A    -       A
issueApology        AT_HANDLER    specialist  -    A       A    -       A
requestPayment      AT_HANDLER    reception   -    A       A    -       A
attachResult        AT_HANDLER    specialist  -    A       A    -       A
openReused          AT_HANDLER    leader      -    A       A    -       A
recordPayment       SUPPLEMENT    reception   A    A       A    -       A
uploadAttachment    SUPPLEMENT    reception   A    A       A    -       A
returnResult        RESULT_READY  reception   A    A       A    -       A
recordPayment       RESULT_READY  reception   A    A       A    -       A
attachResult        RESULT_READY  leader      -    A       A    -       A
"""


def place_cells() -> list[tuple[str, Stage, str, str, bool]]:
    """Every (operation, stage, role, position, allowed) of the places matrix."""
    found = []
    for line in PLACES_MATRIX.strip().splitlines():
        operation, stage, role, *marks = line.split()
        assert len(marks) == len(POSITIONS), line
        found += [
            (operation, Stage(stage), role, where, mark == "A")
            for where, mark in zip(POSITIONS, marks, strict=True)
        ]
    return found


def officer(role: str, agency: str) -> Access:
    """What `access_for` works out for an officer of `role` at `agency`."""
    claims = {"sub": f"{role}@{agency}", "role": f"officer:{role}", "agency": agency}
    return Access(principal_from_claims(claims), SUBTREES[agency])


def _step(key: str, role: OfficerRole, agency: str, moment: datetime, done: bool) -> StepRecord:
    return StepRecord(
        step_key=key,
        step_name=key,
        role=role,
        agency_code=agency,
        received_at=moment,
        due_at=moment,
        finished_at=moment if done else None,
    )


def dossier_at(layout: str, stage: Stage) -> Dossier:
    """A dossier of the layout at the stage, as submission and the workflow leave it."""
    desk = OTHER_WARD if layout == "split" else WARD
    base = dossier_in(STAGE_STATUS[stage])
    moment = base.received_at
    steps = [_step("reception", OfficerRole.RECEPTION, desk, moment, stage is Stage.RESULT_READY)]
    if stage in (Stage.AT_HANDLER, Stage.SUPPLEMENT, Stage.RESULT_READY):
        steps[0].finished_at = moment
        done = stage is Stage.RESULT_READY
        steps.append(_step("review", OfficerRole.SPECIALIST, WARD, moment, done))
    accepted = None if stage is Stage.RECEIVED else moment
    return base.model_copy(
        update={
            "code": f"{desk}-260105-0001",
            "receiving_agency_code": desk,
            "steps": steps,
            "current_step": steps[-1].step_key,
            "accepted_at": accepted,
            "agency_codes": sorted({desk, WARD}),
        }
    )


def reused_attachment(dossier: Dossier) -> Attachment:
    """A paper the dossier took from the applicant's repository."""
    return Attachment.model_construct(
        dossier_code=dossier.code,
        slot="judicialRecord",
        reused_from="0" * 24,
        uploaded_at=dossier.received_at,
    )


def _opens(access: Access, dossier: Dossier) -> Decision:
    return (
        Decision.VISIBLE
        if access.can_open(dossier, reused_attachment(dossier))
        else Decision.HIDDEN
    )


def _attaches(check: Callable[[Access, Dossier], bool]) -> Rule:
    def rule(access: Access, dossier: Dossier) -> Decision:
        if not access.can_view(dossier):
            return Decision.NOT_FOUND
        return Decision.ALLOWED if check(access, dossier) else Decision.FORBIDDEN

    return rule


PLACE_RULES: dict[str, Rule] = {
    **RULES,
    "openReused": _opens,
    "uploadAttachment": _attaches(Access.can_attach),
    "attachResult": _attaches(Access.can_attach_result),
}


def decide_place(operation: str, stage: Stage, role: str, where: str) -> Decision:
    """The policy's decision on one cell of the places matrix, in memory."""
    layout, agency = POSITION_AT[where]
    return PLACE_RULES[operation](officer(role, agency), dossier_at(layout, stage))


def policy_view(dossier: Dossier) -> dict[str, Any]:
    """What the policy reads of a dossier; the wiring tests compare it with real ones."""
    return {
        **dossier.model_dump(include=set(POLICY_FIELDS)),
        "receiving": dossier.receiving_agency_code,
        "handling": dossier.handling_agency_code,
        "steps": [(s.agency_code, s.finished_at is not None) for s in dossier.steps],
        "accepted": dossier.accepted_at is not None,
    }
