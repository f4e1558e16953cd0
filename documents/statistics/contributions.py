"""What one dossier contributes to the counters, and to which agency (docs/scoreboard.md).

A dossier received at one agency and handled at another counts on two sides: what
happens at reception (received, online, papers digitised and reused) goes to the
receiving agency on the day of receipt; what happens in handling (in progress,
overdue, resolved, on time, the rating, satisfaction, complaints, payments) goes to
the handling agency. Every counter has one side, so a parent of both agencies, and the
city, count the dossier once. A pure function of what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from documents.calendar.working_calendar import WorkingCalendar
from documents.catalogue.procedures import OnlineService, Procedure
from documents.common.clock import local_date
from documents.dossiers.dossier import Channel, Dossier
from documents.dossiers.parts import PaymentMethod, Timeliness
from documents.dossiers.statuses import CLOCK_RUNNING, OPEN, RESOLVED
from documents.national.population import LookupResult
from documents.papers.attachments import Attachment, AttachmentKind, PaperDigitisation
from documents.statistics.ratings import (
    COMPLAINT_ANSWER_DAYS,
    Feedback,
    FeedbackKind,
    Rating,
    RatingLevel,
)

Contributions = dict[str, dict[str, int]]  # local day (ISO) -> counter -> amount

REUSED = frozenset(
    {
        PaperDigitisation.REUSED_FROM_REPOSITORY,
        PaperDigitisation.REUSED_FROM_RESULT,
        PaperDigitisation.REUSED_FROM_DATABASE,
    }
)
ONLINE_LEVELS = {OnlineService.FULL: "full", OnlineService.PARTIAL: "partial"}


@dataclass(frozen=True)
class FactInputs:
    """What besides the dossier the contributions depend on."""

    rating: Rating | None = None
    feedback: Sequence[Feedback] = ()
    attachments: Sequence[Attachment] = ()
    procedure: Procedure | None = None  # None: not in the catalogue any more


@dataclass(frozen=True)
class Sides:
    received: Contributions  # to the receiving agency
    handled: Contributions  # to the handling agency


def _add(into: Contributions, day: date, counter: str, amount: int = 1) -> None:
    if amount:
        counters = into.setdefault(day.isoformat(), {})
        counters[counter] = counters.get(counter, 0) + amount


def paper_states(
    dossier: Dossier, procedure: Procedure | None, attachments: Sequence[Attachment]
) -> dict[str, PaperDigitisation]:
    """How each paper of the dossier came: a slot with a file by its file (an own upload
    before a reused one), then a slot a database lookup found, then a mandatory slot
    with neither NOT_DIGITISED. A paper a national database stands in for is not asked
    for unless its lookup failed."""
    states: dict[str, PaperDigitisation] = {}
    for paper in sorted(attachments, key=lambda a: a.came_as in REUSED):
        if paper.kind is AttachmentKind.APPLICATION and paper.slot is not None:
            states.setdefault(paper.slot, paper.came_as)
    failed = set()
    for lookup in dossier.lookups:
        if lookup.result is LookupResult.FOUND:
            states.setdefault(lookup.slot, PaperDigitisation.REUSED_FROM_DATABASE)
        else:
            failed.add(lookup.slot)
    for required in procedure.required_papers if procedure else []:
        asked = required.satisfied_by_database is None or required.slot in failed
        if not required.optional and asked:
            states.setdefault(required.slot, PaperDigitisation.NOT_DIGITISED)
    return states


def _reception(dossier: Dossier, inputs: FactInputs) -> Contributions:
    out: Contributions = {}
    day = local_date(dossier.received_at)
    online = int(dossier.channel is Channel.ONLINE)
    _add(out, day, "received")
    _add(out, day, "online", online)
    level = ONLINE_LEVELS.get(inputs.procedure.online_service) if inputs.procedure else None
    if level is not None:
        _add(out, day, f"{level}_online_received")
        _add(out, day, f"{level}_online", online)
    papers = paper_states(dossier, inputs.procedure, inputs.attachments).values()
    if papers:
        _add(out, day, "with_papers")
        _add(out, day, "papers_digitised", int(PaperDigitisation.NOT_DIGITISED not in papers))
        _add(out, day, "data_reused", int(any(state in REUSED for state in papers)))
    return out


def _complaints(out: Contributions, feedback: Sequence[Feedback]) -> bool:
    complained = False
    for item in feedback:
        if item.kind is not FeedbackKind.COMPLAINT:
            continue
        complained = True
        filed = local_date(item.filed_at)
        days = item.answer_working_days
        _add(out, filed, "complaints")
        _add(
            out,
            filed,
            "complaints_on_time",
            int(days is not None and days <= COMPLAINT_ANSWER_DAYS),
        )
        if item.answer_satisfied is not None:
            _add(out, filed, "complaint_answers_rated")
            _add(out, filed, "complaint_answers_satisfied", int(item.answer_satisfied))
    return complained


def _handling(
    dossier: Dossier, calendar: WorkingCalendar, inputs: FactInputs, now: datetime
) -> Contributions:
    out: Contributions = {}
    received = local_date(dossier.received_at)
    _add(out, received, "open", int(dossier.status in OPEN))
    running = dossier.status in CLOCK_RUNNING
    _add(out, received, "overdue", int(running and now > dossier.due_at))
    complained = _complaints(out, inputs.feedback)
    for payment in dossier.payments:
        paid = local_date(payment.recorded_at)
        _add(out, paid, "payments")
        _add(out, paid, "payments_online", int(payment.method is PaymentMethod.E_PAYMENT))
    if dossier.status in RESOLVED and dossier.finished_at is not None:
        day = local_date(dossier.finished_at)
        start = dossier.clock_start or calendar.clock_start(dossier.received_at)
        paused = dossier.paused_working_days
        legal = max(calendar.working_days_between(start, local_date(dossier.due_at)) - paused, 0)
        actual = max(calendar.working_days_between(start, day) - paused, 0)
        on_time = dossier.timeliness in (Timeliness.EARLY, Timeliness.ON_TIME)
        _add(out, day, "resolved")
        _add(out, day, "on_time", int(on_time))
        _add(out, day, "processing_days", actual)
        _add(out, day, "legal_days", legal)
        electronic = any(
            a.kind is AttachmentKind.RESULT and a.electronic for a in inputs.attachments
        )
        _add(out, day, "results_electronic", int(electronic))
        rating = inputs.rating
        if rating is not None:
            _add(out, day, f"rated_{rating.overall.value.lower()}")
        dissatisfied = rating is not None and rating.overall is RatingLevel.DISSATISFIED
        # Decision 766: late, complained about or rated dissatisfied, each dossier once.
        _add(out, day, "unsatisfied", int(not on_time or complained or dissatisfied))
    return out


def contributions(
    dossier: Dossier, calendar: WorkingCalendar, inputs: FactInputs, now: datetime
) -> Sides:
    """What the dossier contributes at `now`, on each side."""
    return Sides(_reception(dossier, inputs), _handling(dossier, calendar, inputs, now))
