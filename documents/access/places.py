"""Where a dossier is, and which of those places may act on it at each status: the
competence table that `Access` reads (docs/access.md, "Act only where you handle").

Receiving a dossier gives read access, not action. Every officer action (and an
integrator's payment) needs the dossier to be at one of the actor's agencies in the
place the table names for the action at the dossier's current status.
"""

from __future__ import annotations

from enum import StrEnum

from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import DossierStatus
from documents.workflow.transitions import Action


class Place(StrEnum):
    RECEIVING = "RECEIVING"
    """The desk that received the dossier (any branch: reception is address-free)."""
    HOLDING = "HOLDING"
    """The agency of the dossier's current step (the last step taken); the handling
    agency when the procedure has no steps."""
    DECIDING = "DECIDING"
    """The holding agency, unless it is a desk that only received the dossier: a desk
    that does not handle it never decides on it, even while it still holds it."""


S = DossierStatus
A = Action
P = Place
_DESK = frozenset({P.RECEIVING})
_HOLDER = frozenset({P.HOLDING})
_DECIDER = frozenset({P.DECIDING})
# Results are collected, and fees paid, at the desk that received the dossier or at the
# agency holding it.
_DESK_OR_HOLDER = frozenset({P.RECEIVING, P.HOLDING})

# A fee is waived by the agency that decides on the dossier, never by a desk that only
# received it (docs/payments.md, "Exemption").
# status -> action -> the places whose agencies may take it (any one of them). The
# applicant's own actions (the two SUPPLEMENTs, WITHDRAW) are not here: they need no
# agency.
WHERE: dict[DossierStatus, dict[Action, frozenset[Place]]] = {
    S.RECEIVED: {
        A.ACCEPT: _DESK,
        A.REFUSE: _DESK,
        A.ASSIGN: _DESK,
        A.REQUEST_SUPPLEMENT_AT_RECEPTION: _DESK,
        A.REQUEST_PAYMENT: _DESK,
        A.RECORD_PAYMENT: _DESK,
        A.EXEMPT_FEE: _DECIDER,
    },
    S.IN_PROGRESS: {
        A.ASSIGN: _HOLDER,
        A.HAND_OVER: _HOLDER,
        A.REQUEST_SUPPLEMENT: _DECIDER,
        A.APPROVE: _DECIDER,
        A.REJECT: _DECIDER,
        A.ISSUE_APOLOGY: _DECIDER,
        A.STOP_PROCESSING: _DECIDER,
        A.REQUEST_PAYMENT: _HOLDER,
        A.RECORD_PAYMENT: _HOLDER,
        A.EXEMPT_FEE: _DECIDER,
    },
    S.SUPPLEMENT_REQUESTED: {
        # Whoever holds it: the desk for a round asked at reception, the step's agency
        # for a round asked during processing.
        A.STOP_PROCESSING: _HOLDER,
        A.RECORD_PAYMENT: _DESK_OR_HOLDER,
        A.EXEMPT_FEE: _DECIDER,
    },
    S.RESULT_READY: {
        A.RETURN_RESULT: _DESK_OR_HOLDER,
        A.REQUEST_PAYMENT: _DESK_OR_HOLDER,
        A.RECORD_PAYMENT: _DESK_OR_HOLDER,
        A.EXEMPT_FEE: _DECIDER,
    },
}

# Papers are handed in at the desk until it accepts the dossier, and, when supplements
# are asked for, at the desk or to the agency that asked.
PAPERS_WHERE: dict[DossierStatus, frozenset[Place]] = {
    S.RECEIVED: _DESK,
    S.SUPPLEMENT_REQUESTED: _DESK_OR_HOLDER,
}
# Results are attached by the agency that decides.
RESULTS_WHERE: dict[DossierStatus, frozenset[Place]] = {
    S.IN_PROGRESS: _DECIDER,
    S.RESULT_READY: _DECIDER,
}


def _anywhere(table: dict[DossierStatus, frozenset[Place]]) -> frozenset[Place]:
    return frozenset().union(*table.values())


# Where each action is taken at some status. An action the dossier's status does not
# allow is left to the workflow, which refuses it (ILLEGAL_TRANSITION, ATTACHMENTS_LOCKED)
# to those who would take it at another status; everyone else is refused by the policy.
_ACTION_ANYWHERE = {
    action: _anywhere({s: places[action] for s, places in WHERE.items() if action in places})
    for action in Action
}
_PAPERS_ANYWHERE = _anywhere(PAPERS_WHERE)
_RESULTS_ANYWHERE = _anywhere(RESULTS_WHERE)


def holding_agency(dossier: Dossier) -> str:
    return dossier.steps[-1].agency_code if dossier.steps else dossier.handling_agency_code


def agencies_at(dossier: Dossier, places: frozenset[Place]) -> frozenset[str]:
    """The agencies that stand in `places` for this dossier now."""
    holding = holding_agency(dossier)
    desk_only = (
        holding == dossier.receiving_agency_code
        and dossier.receiving_agency_code != dossier.handling_agency_code
    )
    found = {
        P.RECEIVING: dossier.receiving_agency_code,
        P.HOLDING: holding,
        P.DECIDING: None if desk_only else holding,
    }
    return frozenset(code for place in places if (code := found[place]) is not None)


def competent_agencies(dossier: Dossier, action: Action) -> frozenset[str]:
    """The agencies that may take `action` on the dossier at its status."""
    places = WHERE.get(dossier.status, {}).get(action, _ACTION_ANYWHERE[action])
    return agencies_at(dossier, places)


def paper_agencies(dossier: Dossier) -> frozenset[str]:
    """Where reception takes papers for the dossier now."""
    return agencies_at(dossier, PAPERS_WHERE.get(dossier.status, _PAPERS_ANYWHERE))


def result_agencies(dossier: Dossier) -> frozenset[str]:
    """Where officers attach the result now."""
    return agencies_at(dossier, RESULTS_WHERE.get(dossier.status, _RESULTS_ANYWHERE))


def handling_agencies(dossier: Dossier) -> frozenset[str]:
    """The handling agency and every agency a step took the dossier to, except a desk
    that only received it."""
    codes = {dossier.handling_agency_code, *(step.agency_code for step in dossier.steps)}
    if dossier.receiving_agency_code != dossier.handling_agency_code:
        codes.discard(dossier.receiving_agency_code)
    return frozenset(codes)
