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
"""Still being processed: RECEIVED, IN_PROGRESS, SUPPLEMENT_REQUESTED."""

CLOCK_PAUSED = frozenset({_S.SUPPLEMENT_REQUESTED})
"""Open but waiting for the applicant: the deadline clock stops, and the deadline moves
later by the working days spent waiting."""

CLOCK_RUNNING = OPEN - CLOCK_PAUSED
"""Open, and the deadline clock runs: RECEIVED, IN_PROGRESS. Only these can be overdue."""

CLOSED = frozenset({_S.RETURNED, _S.REFUSED, _S.REJECTED, _S.WITHDRAWN, _S.STOPPED})
"""Nothing more can happen: the transition table has no exit from these."""

ACTIVE = ALL - CLOSED
"""Not closed: open, or finished with the result waiting to be collected, when a fee can
still be asked for and paid (the portal's "waiting for payment")."""

RESOLVED = frozenset({_S.RESULT_READY, _S.RETURNED, _S.REJECTED})
"""Decision 766 counts these as resolved ("đã giải quyết"): a decision was made. Refused
at reception (never accepted), withdrawn and stopped dossiers were never resolved."""

RATEABLE = RESOLVED & CLOSED
"""The applicant holds the decision (RETURNED, REJECTED) and may rate the service."""

PAPERS_ATTACHABLE = frozenset({_S.RECEIVED}) | CLOCK_PAUSED
"""The applicant adds papers until reception accepts the dossier, and when asked for more."""

PAPERS_REMOVABLE = frozenset({_S.RECEIVED})
"""Papers may be removed only until reception accepts the dossier."""

RESULTS_ATTACHABLE = ACTIVE - PAPERS_ATTACHABLE
"""Officers attach results while they hold the dossier: IN_PROGRESS, RESULT_READY."""
