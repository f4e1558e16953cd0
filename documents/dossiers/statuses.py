"""Dossier statuses, and the named sets of them that every rule uses: which are open,
finished or closed, whether the deadline clock runs, and what may be done with papers."""

from __future__ import annotations

from enum import StrEnum


class DossierStatus(StrEnum):
    RECEIVED = "RECEIVED"
    IN_PROGRESS = "IN_PROGRESS"
    SUPPLEMENT_REQUESTED = "SUPPLEMENT_REQUESTED"
    RESULT_READY = "RESULT_READY"
    RETURNED = "RETURNED"
    REFUSED = "REFUSED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    # Processing stopped (Mẫu 05 of Circular 03/2025/TT-VPCP): ended without a decision.
    STOPPED = "STOPPED"
    # A member of a group submission (docs/groups.md) waiting for another member's result:
    # created, not yet received in earnest; its clock starts when the result fills it.
    WAITING_FOR_INPUT = "WAITING_FOR_INPUT"


_S = DossierStatus
ALL = frozenset(DossierStatus)

FINISHED = frozenset(
    {_S.RESULT_READY, _S.RETURNED, _S.REFUSED, _S.REJECTED, _S.WITHDRAWN, _S.STOPPED}
)
"""Processing is over. Entering one from an open status sets `finished_at` (and, for the
TIMED ones, classifies the dossier's timeliness); a result may still wait to be
collected (RESULT_READY)."""

TIMED = FINISHED - {_S.STOPPED}
"""Finishing in one of these classifies timeliness. A stopped dossier has none: no
decision was made, and it may have been stopped while its clock waited for the
applicant (docs/workflow.md, "Stopping processing")."""

OPEN = ALL - FINISHED
"""Still being processed: RECEIVED, IN_PROGRESS, SUPPLEMENT_REQUESTED, and
WAITING_FOR_INPUT (a group member may still be withdrawn)."""

NOT_STARTED = frozenset({_S.WAITING_FOR_INPUT})
"""Open, but its clock has not started: a group member waiting for another member's
result. It has no deadline yet, is never overdue, and no fee is asked for yet; it gets
its clock when it is filled and received (docs/groups.md)."""

CLOCK_PAUSED = frozenset({_S.SUPPLEMENT_REQUESTED})
"""Open but waiting for the applicant: the deadline clock stops, and the deadline moves
later by the working days spent waiting."""

CLOCK_RUNNING = OPEN - CLOCK_PAUSED - NOT_STARTED
"""Open, and the deadline clock runs: RECEIVED, IN_PROGRESS. Only these can be overdue."""

CLOSED = frozenset({_S.RETURNED, _S.REFUSED, _S.REJECTED, _S.WITHDRAWN, _S.STOPPED})
"""Nothing more can happen: the transition table has no exit from these."""

ACTIVE = ALL - CLOSED - NOT_STARTED
"""Not closed and started: open, or finished with the result waiting to be collected, when a fee can
still be asked for and paid (the portal's "waiting for payment")."""

RESOLVED = frozenset({_S.RESULT_READY, _S.RETURNED, _S.REJECTED})
"""Decision 766 counts these as resolved ("đã giải quyết"): a decision was made. Refused
at reception (never accepted), withdrawn and stopped dossiers were never resolved."""

RATEABLE = RESOLVED & CLOSED
"""The applicant holds the decision (RETURNED, REJECTED) and may rate the service."""

PAPERS_ATTACHABLE = frozenset({_S.RECEIVED}) | CLOCK_PAUSED | NOT_STARTED
"""The applicant adds papers until reception accepts the dossier (a waiting group member
included), and when asked for more."""

PAPERS_REMOVABLE = frozenset({_S.RECEIVED}) | NOT_STARTED
"""Papers may be removed only until reception accepts the dossier."""

RESULTS_ATTACHABLE = ACTIVE - PAPERS_ATTACHABLE
"""Officers attach results while they hold the dossier: IN_PROGRESS, RESULT_READY."""
