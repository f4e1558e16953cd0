"""The dossier state machine: every allowed transition, in one table, and which of the
two supplement actions (at reception, or during processing) a dossier is at."""

from __future__ import annotations

from enum import StrEnum

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import DossierStatus


class Action(StrEnum):
    ACCEPT = "ACCEPT"
    REFUSE = "REFUSE"
    ASSIGN = "ASSIGN"
    HAND_OVER = "HAND_OVER"
    # A supplement asked for during processing, and the applicant's answer to it.
    REQUEST_SUPPLEMENT = "REQUEST_SUPPLEMENT"
    SUPPLEMENT = "SUPPLEMENT"
    # The same at reception, before acceptance (Mẫu 02): the answer returns to RECEIVED.
    REQUEST_SUPPLEMENT_AT_RECEPTION = "REQUEST_SUPPLEMENT_AT_RECEPTION"
    SUPPLEMENT_AT_RECEPTION = "SUPPLEMENT_AT_RECEPTION"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    RETURN_RESULT = "RETURN_RESULT"
    WITHDRAW = "WITHDRAW"
    ISSUE_APOLOGY = "ISSUE_APOLOGY"
    STOP_PROCESSING = "STOP_PROCESSING"
    REQUEST_PAYMENT = "REQUEST_PAYMENT"
    RECORD_PAYMENT = "RECORD_PAYMENT"
    # The fee waived, with a reason (docs/payments.md): the status does not move.
    EXEMPT_FEE = "EXEMPT_FEE"
    # A waiting group member filled from the result it waited for (docs/groups.md).
    RECEIVE_INPUT = "RECEIVE_INPUT"


S = DossierStatus
A = Action

# status -> action -> status after it. Anything not listed is ILLEGAL_TRANSITION.
TRANSITIONS: dict[DossierStatus, dict[Action, DossierStatus]] = {
    S.RECEIVED: {
        A.ACCEPT: S.IN_PROGRESS,
        A.REFUSE: S.REFUSED,
        A.ASSIGN: S.RECEIVED,
        A.REQUEST_SUPPLEMENT_AT_RECEPTION: S.SUPPLEMENT_REQUESTED,
        A.WITHDRAW: S.WITHDRAWN,
        A.REQUEST_PAYMENT: S.RECEIVED,
        A.RECORD_PAYMENT: S.RECEIVED,
        A.EXEMPT_FEE: S.RECEIVED,
    },
    S.IN_PROGRESS: {
        A.ASSIGN: S.IN_PROGRESS,
        A.HAND_OVER: S.IN_PROGRESS,
        A.REQUEST_SUPPLEMENT: S.SUPPLEMENT_REQUESTED,
        A.APPROVE: S.RESULT_READY,
        A.REJECT: S.REJECTED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ISSUE_APOLOGY: S.IN_PROGRESS,
        A.STOP_PROCESSING: S.STOPPED,
        A.REQUEST_PAYMENT: S.IN_PROGRESS,
        A.RECORD_PAYMENT: S.IN_PROGRESS,
        A.EXEMPT_FEE: S.IN_PROGRESS,
    },
    S.SUPPLEMENT_REQUESTED: {
        A.SUPPLEMENT: S.IN_PROGRESS,
        A.SUPPLEMENT_AT_RECEPTION: S.RECEIVED,
        A.WITHDRAW: S.WITHDRAWN,
        A.STOP_PROCESSING: S.STOPPED,
        A.RECORD_PAYMENT: S.SUPPLEMENT_REQUESTED,
        A.EXEMPT_FEE: S.SUPPLEMENT_REQUESTED,
    },
    S.RESULT_READY: {
        A.RETURN_RESULT: S.RETURNED,
        A.REQUEST_PAYMENT: S.RESULT_READY,
        A.RECORD_PAYMENT: S.RESULT_READY,
        A.EXEMPT_FEE: S.RESULT_READY,
    },
    S.WAITING_FOR_INPUT: {
        A.RECEIVE_INPUT: S.RECEIVED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.RETURNED: {},
    S.REFUSED: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
    S.STOPPED: {},
}


def next_status(current: DossierStatus, action: Action) -> DossierStatus:
    try:
        return TRANSITIONS[current][action]
    except KeyError:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"cannot {action.value.lower().replace('_', ' ')} a dossier that is {current.value}",
            "status",
        ) from None


def requesting_supplement(status: DossierStatus) -> Action:
    """Which supplement request a dossier at `status` takes: before acceptance the round
    is asked at reception; the table says where each one applies."""
    if status is S.RECEIVED:
        return A.REQUEST_SUPPLEMENT_AT_RECEPTION
    return A.REQUEST_SUPPLEMENT


def answering_supplement(dossier: Dossier) -> Action:
    """Which answer the applicant gives: to a round asked at reception, or during
    processing (the latest round; a dossier that was never asked gives SUPPLEMENT,
    which the table refuses where it does not apply)."""
    latest = dossier.supplements[-1] if dossier.supplements else None
    if latest is not None and latest.at_reception:
        return A.SUPPLEMENT_AT_RECEPTION
    return A.SUPPLEMENT
