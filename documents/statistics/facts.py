"""Statistics roll-ups whose cost does not grow with history (docs/scoreboard.md).

Every dossier has one small `DossierFact`: what it currently contributes to the daily
counters of its handling agency and procedure, keyed by local day. When anything about
the dossier changes, `refresh_fact` recomputes the fact and applies `new - old` as
`$inc` deltas to the roll-up rows of every level (`documents/statistics/tables.py`), in the
caller's transaction. Recomputing an unchanged dossier gives a zero delta, so repeats
and retries are harmless.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.clock import local_date, utcnow
from documents.common.tolerant import readable
from documents.dossiers.dossier import Channel, Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import CLOCK_RUNNING, OPEN, RESOLVED
from documents.papers.attachments import Attachment, AttachmentKind
from documents.statistics.ratings import (
    COMPLAINT_ANSWER_DAYS,
    Feedback,
    FeedbackKind,
    Rating,
    RatingLevel,
)
from documents.statistics.tables import Span, Table, collection_for, expanded, identity, span_of

Contributions = dict[str, dict[str, int]]  # local day (ISO) -> counter -> amount


class DossierFact(Document):
    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str
    procedure_code: str
    received_day: str
    open_due_at: datetime | None = None  # set while the dossier is open and its clock runs
    contributions: Contributions = Field(default_factory=dict)

    @property
    def counts_overdue(self) -> bool:
        return self.contributions.get(self.received_day, {}).get("overdue", 0) > 0

    class Settings:
        name = "dossier_facts"


class OpenClock(Document):
    """One per open dossier whose clock runs, a collection as big as today's workload.
    `counted` says whether the roll-ups already count it as overdue; the deadline
    sweep (`documents/statistics/deadline_sweep.py`) counts the ones whose deadline has passed."""

    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str
    procedure_code: str
    received_day: str
    due_at: datetime
    counted: bool = False

    class Settings:
        name = "open_clocks"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("counted", ASCENDING), ("due_at", ASCENDING)], name="uncounted")
        ]


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
    now: datetime,
) -> DossierFact:
    """What the dossier contributes at `now`; a pure function of what it is given."""
    out: Contributions = {}
    received = local_date(dossier.received_at)
    _add(out, received, "received")
    _add(out, received, "online", int(dossier.channel is Channel.ONLINE))
    _add(out, received, "open", int(dossier.status in OPEN))
    complained = False
    for item in feedback:
        if item.kind is FeedbackKind.COMPLAINT:
            complained = True
            filed = local_date(item.filed_at)
            _add(out, filed, "complaints")
            on_time = item.answer_working_days is not None and (
                item.answer_working_days <= COMPLAINT_ANSWER_DAYS
            )
            _add(out, filed, "complaints_on_time", int(on_time))
    if dossier.status in RESOLVED and dossier.finished_at is not None:
        day = local_date(dossier.finished_at)
        start = calendar.clock_start(dossier.received_at)
        paused = dossier.paused_working_days
        legal = max(calendar.working_days_between(start, local_date(dossier.due_at)) - paused, 0)
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
    running = dossier.status in CLOCK_RUNNING
    _add(out, received, "overdue", int(running and now > dossier.due_at))
    return DossierFact(
        dossier_code=dossier.code,
        agency_code=dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        received_day=received.isoformat(),
        open_due_at=dossier.due_at if running else None,
        contributions=out,
    )


def delta(old: DossierFact | None, new: DossierFact) -> Table:
    """(agency, procedure, day) -> counter -> change; empty when nothing changed."""
    changes: Table = defaultdict(dict)
    for fact, sign in ((new, 1), (old, -1)):
        if fact is None:
            continue
        for day, counters in fact.contributions.items():
            key = (fact.agency_code, fact.procedure_code, day)
            for counter, amount in counters.items():
                changes[key][counter] = changes[key].get(counter, 0) + sign * amount
    return {k: {c: v for c, v in cs.items() if v} for k, cs in changes.items() if any(cs.values())}


async def apply_delta(cells: Table, session: AsyncClientSession | None) -> None:
    """`$inc` the changed rows of every level and span, one bulk write per collection."""
    writes: dict[Span, list[UpdateOne]] = defaultdict(list)
    for key, counters in sorted(expanded(cells).items()):
        row = identity(key)
        named = {field: row.pop(field) for field in ("agency_code", "procedure_code", "day")}
        update = {"$inc": counters, "$setOnInsert": row}
        writes[span_of(key[2])].append(UpdateOne(named, update, upsert=True))
    for span, operations in writes.items():
        collection = collection_for(span).get_pymongo_collection()
        await collection.bulk_write(operations, ordered=True, session=session)


async def fact_inputs(
    code: str, session: AsyncClientSession | None
) -> tuple[Rating | None, list[Feedback], set[AttachmentKind]]:
    # What this version cannot read (a newer version's kind of paper, say) is left out.
    ratings = await readable(Rating.find(Rating.dossier_code == code, session=session))
    feedback = await readable(Feedback.find(Feedback.dossier_code == code, session=session))
    kinds = await Attachment.get_pymongo_collection().distinct(
        "kind", {"dossier_code": code}, session=session
    )
    known = {AttachmentKind(k) for k in kinds if k in {kind.value for kind in AttachmentKind}}
    return (ratings[0] if ratings else None), feedback, known


async def refresh_fact(
    dossier: Dossier,
    calendar: WorkingCalendar,
    session: AsyncClientSession | None,
    now: datetime | None = None,
) -> None:
    """Bring the dossier's fact and the roll-ups up to date, in `session`'s transaction."""
    inputs = await fact_inputs(dossier.code, session)
    new = compute_fact(dossier, calendar, *inputs, now or utcnow())
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
        "counted": fact.counts_overdue,
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
