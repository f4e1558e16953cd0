"""The dossier clock: deadlines, pauses for supplements, overdue and timeliness."""

from __future__ import annotations

from datetime import datetime

from documents.common.clock import local_date
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import CLOCK_RUNNING


def is_overdue(dossier: Dossier, now: datetime) -> bool:
    """Open and past its deadline. While the applicant is asked for supplements the clock
    is stopped, so a waiting dossier is not overdue; it resumes with its deadline moved.
    A group member waiting for another's result has no clock yet."""
    if dossier.finished_at is not None or dossier.status not in CLOCK_RUNNING:
        return False
    return now > dossier.due_at


def step_result(due_at: datetime, finished_at: datetime | None, now: datetime) -> Timeliness | None:
    """A control-slip row's result against its own allowance; None while open and in time."""
    if finished_at is None:
        return Timeliness.LATE if now > due_at else None
    return classify(finished_at, due_at)


def classify(
    finished_at: datetime,
    due_at: datetime,
    supplement_rounds: int = 0,
    late_after_rounds: int | None = None,
) -> Timeliness:
    """Early before the due day, on time on it, late after it; and late after more
    supplement rounds than the procedure's `late_after_supplement_rounds`, when it sets
    one (none by default: docs/workflow.md, "The clock")."""
    if late_after_rounds is not None and supplement_rounds > late_after_rounds:
        return Timeliness.LATE
    finished, due = local_date(finished_at), local_date(due_at)
    if finished < due:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished == due else Timeliness.LATE
