"""Statistics roll-ups whose cost does not grow with history (docs/scoreboard.md).

Every dossier has one small `DossierFact`: what it currently contributes to the daily
counters of its handling agency and procedure, keyed by local day. When anything about
the dossier changes, `refresh_fact` recomputes the fact and applies `new - old` as
`$inc` deltas to `StatsDay` documents, in the caller's transaction. Recomputing an
unchanged dossier gives a zero delta, so repeats and retries are harmless.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.attachment import Attachment, AttachmentKind
from documents.calendar import WorkingCalendar
from documents.dossier import Channel, Dossier, DossierStatus
from documents.dossier_parts import Timeliness
from documents.ratings import COMPLAINT_ANSWER_DAYS, Feedback, FeedbackKind, Rating, RatingLevel

# Decision 766 counts dossiers "đã giải quyết": a decision was made on them. Refused at
# reception (never accepted) and withdrawn dossiers were never resolved; they count as
# received only.
RESOLVED = frozenset({DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REJECTED})
_FINISHED = RESOLVED | {DossierStatus.REFUSED, DossierStatus.WITHDRAWN}

COUNTERS = (
    "received",
    "online",
    "open",
    "resolved",
    "on_time",
    "processing_days",
    "legal_days",
    "digitised",
    "rated_satisfied",
    "rated_normal",
    "rated_dissatisfied",
    "unhappy",
    "complaints",
    "complaints_on_time",
)

Contributions = dict[str, dict[str, int]]  # local day (ISO) -> counter -> amount


class DossierFact(Document):
    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str
    procedure_code: str
    received_day: str
    # Set only while the dossier is open and its clock runs: overdue is live, so it is
    # counted from this index rather than rolled up.
    open_due_at: datetime | None = None
    contributions: Contributions = Field(default_factory=dict)

    class Settings:
        name = "dossier_facts"
        indexes = [IndexModel([("open_due_at", ASCENDING)], name="open_due")]  # noqa: RUF012


class OpenClock(Document):
    """One per open dossier whose clock runs: overdue is counted from these alone, a
    collection as big as today's workload, not as history."""

    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str
    procedure_code: str
    received_day: str
    due_at: datetime

    class Settings:
        name = "open_clocks"


class Span(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"


class StatsDay(Document):
    """Counters of one agency and procedure for one local day (`day` 2026-03-03), or,
    with span MONTH, for a whole month (`day` 2026-03), so that long ranges read
    agencies x procedures x months documents, however many dossiers there are."""

    agency_code: str
    procedure_code: str
    day: str
    month: str
    span: Span = Span.DAY
    received: int = 0
    online: int = 0
    open: int = 0
    resolved: int = 0
    on_time: int = 0
    processing_days: int = 0
    legal_days: int = 0
    digitised: int = 0
    rated_satisfied: int = 0
    rated_normal: int = 0
    rated_dissatisfied: int = 0
    unhappy: int = 0
    complaints: int = 0
    complaints_on_time: int = 0

    class Settings:
        name = "stats_days"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel(
                [("agency_code", ASCENDING), ("procedure_code", ASCENDING), ("day", ASCENDING)],
                name="key",
                unique=True,
            ),
            IndexModel([("span", ASCENDING), ("day", ASCENDING)], name="by_span_day"),
        ]


class StatsMonth(StatsDay):
    """A month's counters, in their own collection: a long range reads only these."""

    class Settings:
        name = "stats_months"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel(
                [("agency_code", ASCENDING), ("procedure_code", ASCENDING), ("day", ASCENDING)],
                name="key",
                unique=True,
            ),
            IndexModel([("day", ASCENDING)], name="by_month"),
        ]


def collection_for(span: Span) -> type[StatsDay]:
    return StatsMonth if span is Span.MONTH else StatsDay


def _add(into: Contributions, day: date, counter: str, amount: int = 1) -> None:
    if amount:
        counters = into.setdefault(day.isoformat(), {})
        counters[counter] = counters.get(counter, 0) + amount


def compute_fact(
    dossier: Dossier,
    calendar: WorkingCalendar,
    rating: Rating | None,
    feedback: list[Feedback],
    attachment_kinds: set[AttachmentKind],
) -> DossierFact:
    """What the dossier contributes now; a pure function of what it is given."""
    out: Contributions = {}
    received = calendar.local_date(dossier.received_at)
    _add(out, received, "received")
    _add(out, received, "online", int(dossier.channel is Channel.ONLINE))
    _add(out, received, "open", int(dossier.status not in _FINISHED))
    complained = False
    for item in feedback:
        if item.kind is FeedbackKind.COMPLAINT:
            complained = True
            filed = calendar.local_date(item.filed_at)
            _add(out, filed, "complaints")
            on_time = item.answer_working_days is not None and (
                item.answer_working_days <= COMPLAINT_ANSWER_DAYS
            )
            _add(out, filed, "complaints_on_time", int(on_time))
    if dossier.status in RESOLVED and dossier.finished_at is not None:
        day = calendar.local_date(dossier.finished_at)
        start = calendar.clock_start(dossier.received_at)
        paused = dossier.paused_working_days
        legal = max(
            calendar.working_days_between(start, calendar.local_date(dossier.due_at)) - paused, 0
        )
        actual = max(calendar.working_days_between(start, day) - paused, 0)
        _add(out, day, "resolved")
        _add(out, day, "on_time", int(dossier.timeliness in (Timeliness.EARLY, Timeliness.ON_TIME)))
        _add(out, day, "processing_days", actual)
        _add(out, day, "legal_days", legal)
        digitised = {AttachmentKind.APPLICATION, AttachmentKind.RESULT} <= attachment_kinds
        _add(out, day, "digitised", int(digitised))
        if rating is not None:
            _add(out, day, f"rated_{rating.overall.value.lower()}")
        dissatisfied = rating is not None and rating.overall is RatingLevel.DISSATISFIED
        _add(out, day, "unhappy", int(dissatisfied or complained))
    running = (
        dossier.status not in _FINISHED and dossier.status is not DossierStatus.SUPPLEMENT_REQUESTED
    )
    return DossierFact(
        dossier_code=dossier.code,
        agency_code=dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        received_day=received.isoformat(),
        open_due_at=dossier.due_at if running else None,
        contributions=out,
    )


def delta(old: DossierFact | None, new: DossierFact) -> dict[tuple[str, str, str], dict[str, int]]:
    """(agency, procedure, day) -> counter -> change; empty when nothing changed."""
    changes: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for fact, sign in ((new, 1), (old, -1)):
        if fact is None:
            continue
        for day, counters in fact.contributions.items():
            key = (fact.agency_code, fact.procedure_code, day)
            for counter, amount in counters.items():
                changes[key][counter] = changes[key].get(counter, 0) + sign * amount
    return {k: {c: v for c, v in cs.items() if v} for k, cs in changes.items() if any(cs.values())}


def with_months(
    changes: dict[tuple[str, str, str], dict[str, int]],
) -> dict[tuple[str, str, str], dict[str, int]]:
    """The day rows plus their sums per month (keyed by `YYYY-MM`)."""
    out: dict[tuple[str, str, str], dict[str, int]] = {k: dict(v) for k, v in changes.items()}
    for (agency, procedure, day), counters in changes.items():
        month = out.setdefault((agency, procedure, day[:7]), {})
        for name, amount in counters.items():
            month[name] = month.get(name, 0) + amount
    return out


def span_of(day: str) -> Span:
    return Span.DAY if len(day) == len("2026-03-03") else Span.MONTH


async def apply_delta(
    changes: dict[tuple[str, str, str], dict[str, int]], session: AsyncClientSession | None
) -> None:
    for (agency, procedure, day), counters in sorted(with_months(changes).items()):
        collection = collection_for(span_of(day)).get_pymongo_collection()
        await collection.update_one(
            {"agency_code": agency, "procedure_code": procedure, "day": day},
            {"$inc": counters, "$setOnInsert": {"month": day[:7], "span": span_of(day).value}},
            upsert=True,
            session=session,
        )


async def fact_inputs(
    code: str, session: AsyncClientSession | None
) -> tuple[Rating | None, list[Feedback], set[AttachmentKind]]:
    rating = await Rating.find_one(Rating.dossier_code == code, session=session)
    feedback = await Feedback.find(Feedback.dossier_code == code, session=session).to_list()
    kinds = await Attachment.get_pymongo_collection().distinct(
        "kind", {"dossier_code": code}, session=session
    )
    return rating, feedback, {AttachmentKind(k) for k in kinds}


async def refresh_fact(
    dossier: Dossier, calendar: WorkingCalendar, session: AsyncClientSession | None
) -> None:
    """Bring the dossier's fact and the roll-ups up to date, in `session`'s transaction."""
    new = compute_fact(dossier, calendar, *await fact_inputs(dossier.code, session))
    old = await DossierFact.find_one(DossierFact.dossier_code == dossier.code, session=session)
    await apply_delta(delta(old, new), session)
    if old is not None:
        new.id = old.id
    await sync_open_clock(new, session)
    await DossierFact.get_pymongo_collection().replace_one(
        {"dossier_code": dossier.code},
        new.model_dump(exclude={"id", "revision_id"}),
        upsert=True,
        session=session,
    )


def open_clock(fact: DossierFact) -> dict[str, object] | None:
    if fact.open_due_at is None:
        return None
    return {
        "dossier_code": fact.dossier_code,
        "agency_code": fact.agency_code,
        "procedure_code": fact.procedure_code,
        "received_day": fact.received_day,
        "due_at": fact.open_due_at,
    }


async def sync_open_clock(fact: DossierFact, session: AsyncClientSession | None) -> None:
    collection = OpenClock.get_pymongo_collection()
    clock = open_clock(fact)
    if clock is None:
        await collection.delete_one({"dossier_code": fact.dossier_code}, session=session)
    else:
        await collection.replace_one(
            {"dossier_code": fact.dossier_code}, clock, upsert=True, session=session
        )
