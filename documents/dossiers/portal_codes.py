"""The national public service portal's status codes (1-10) and channel codes for a
dossier: what `portalStatusCode`/`channelCode` show and what the portal sync sends."""

from __future__ import annotations

from documents.dossiers.dossier import Channel
from documents.dossiers.parts import PaymentStatus
from documents.dossiers.statuses import ACTIVE, DossierStatus

S = DossierStatus

# The national public service portal's status codes (1-10).
_PORTAL_CODES = {
    S.RECEIVED: 1,
    # The portal has no code for a member waiting for another's result: it was received.
    S.WAITING_FOR_INPUT: 1,
    S.IN_PROGRESS: 4,
    S.SUPPLEMENT_REQUESTED: 5,
    S.REFUSED: 3,
    S.WITHDRAWN: 7,
    S.STOPPED: 8,
    # A denied resolution has been processed; its result is the written refusal.
    S.REJECTED: 9,
    S.RESULT_READY: 9,
    S.RETURNED: 10,
}

_CHANNEL_CODES = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}


def portal_status_code(
    status: DossierStatus,
    payment_status: PaymentStatus,
    payment_requested: bool,
    at_first_step: bool,
) -> int:
    if payment_requested and payment_status is PaymentStatus.UNPAID and status in ACTIVE:
        return 6  # waiting for the applicant to pay
    if status is S.IN_PROGRESS and at_first_step:
        return 2  # accepted, not yet handed to the specialist
    return _PORTAL_CODES[status]


def channel_code(channel: Channel) -> int:
    return _CHANNEL_CODES[channel]
