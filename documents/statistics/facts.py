"""Statistics roll-ups whose cost does not grow with history (docs/scoreboard.md).

Every dossier has one small `DossierFact`: what it currently contributes to the daily
counters of its procedure at its receiving agency and at its handling agency
(`documents/statistics/contributions.py`), keyed by local day. When anything about
the dossier changes, `refresh_fact` recomputes the fact and applies `new - old` as
`$inc` deltas to the roll-up rows of every level (`documents/statistics/tables.py`), in the
caller's transaction. Recomputing an unchanged dossier gives a zero delta, so repeats
and retries are harmless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import WorkingCalendar
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date, utcnow
from documents.common.tolerant import read_or_none, readable
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import CLOCK_RUNNING
from documents.papers.attachments import Attachment
from documents.statistics.contributions import Contributions, FactInputs, contributions
from documents.statistics.ratings import Feedback, Rating
from documents.statistics.tables import Span, Table, collection_for, expanded, identity, span_of


class DossierFact(Document):
    """A fact stored before routed dossiers were counted on two sides has no
    `receiving_agency_code` and holds everything in `contributions`: read as is, its
    contributions are taken away from where they were added (docs/scoreboard.md)."""

    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str  # the handling agency
    procedure_code: str
    received_day: str
    open_due_at: datetime | None = None  # set while the dossier is open and its clock runs
    contributions: Contributions = Field(default_factory=dict)  # the handling side
    receiving_agency_code: str | None = None
    received_contributions: Contributions = Field(default_factory=dict)

    @property
    def counts_overdue(self) -> bool:
        return self.contributions.get(self.received_day, {}).get("overdue", 0) > 0

    def sides(self) -> Iterator[tuple[str, Contributions]]:
        """(agency, its contributions) for each side the fact has."""
        yield self.agency_code, self.contributions
        if self.receiving_agency_code is not None:
            yield self.receiving_agency_code, self.received_contributions

    class Settings:
        name = "dossier_facts"


class OpenClock(Document):
    """One per open dossier whose clock runs, a collection as big as today's workload.
    `counted` says whether the roll-ups already count it as overdue; the deadline
    sweep (`documents/statistics/deadline_sweep.py`) counts the ones whose deadline has passed."""

    dossier_code: Annotated[str, Indexed(unique=True)]
    agency_code: str  # the handling agency, which the overdue counter goes to
    procedure_code: str
    received_day: str
    due_at: datetime
    counted: bool = False

    class Settings:
        name = "open_clocks"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("counted", ASCENDING), ("due_at", ASCENDING)], name="uncounted")
        ]


def compute_fact(
    dossier: Dossier, calendar: WorkingCalendar, inputs: FactInputs, now: datetime
) -> DossierFact:
    """What the dossier contributes at `now`; a pure function of what it is given."""
    sides = contributions(dossier, calendar, inputs, now)
    return DossierFact(
        dossier_code=dossier.code,
        agency_code=dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        received_day=local_date(dossier.received_at).isoformat(),
        open_due_at=dossier.due_at if dossier.status in CLOCK_RUNNING else None,
        contributions=sides.handled,
        receiving_agency_code=dossier.receiving_agency_code,
        received_contributions=sides.received,
    )


def delta(old: DossierFact | None, new: DossierFact) -> Table:
    """(agency, procedure, day) -> counter -> change; empty when nothing changed."""
    changes: Table = defaultdict(dict)
    for fact, sign in ((new, 1), (old, -1)):
        if fact is None:
            continue
        for agency, side in fact.sides():
            for day, counters in side.items():
                key = (agency, fact.procedure_code, day)
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


async def fact_inputs(dossier: Dossier, session: AsyncClientSession | None) -> FactInputs:
    # What this version cannot read (a newer version's kind of paper, say) is left out.
    code = dossier.code
    ratings = await readable(Rating.find(Rating.dossier_code == code, session=session))
    feedback = await readable(Feedback.find(Feedback.dossier_code == code, session=session))
    papers = await readable(Attachment.find(Attachment.dossier_code == code, session=session))
    raw = await Procedure.get_pymongo_collection().find_one(
        {"code": dossier.procedure_code}, session=session
    )
    procedure = read_or_none(Procedure, raw)
    return FactInputs(ratings[0] if ratings else None, feedback, papers, procedure)


async def refresh_fact(
    dossier: Dossier,
    calendar: WorkingCalendar,
    session: AsyncClientSession | None,
    now: datetime | None = None,
) -> None:
    """Bring the dossier's fact and the roll-ups up to date, in `session`'s transaction."""
    new = compute_fact(dossier, calendar, await fact_inputs(dossier, session), now or utcnow())
    old = await DossierFact.find_one(DossierFact.dossier_code == dossier.code, session=session)
    await _store(old, new, session)


async def count_new_dossier(
    dossier: Dossier,
    calendar: WorkingCalendar,
    inputs: FactInputs,
    session: AsyncClientSession | None,
) -> None:
    """`refresh_fact` for a dossier inserted in `session`'s own transaction, from what
    the caller knows (its procedure, the papers it attached): no fact, rating or feedback
    can exist for it yet, so nothing is read (docs/benchmarks.md, "Submission")."""
    await _store(None, compute_fact(dossier, calendar, inputs, utcnow()), session)


async def _store(
    old: DossierFact | None, new: DossierFact, session: AsyncClientSession | None
) -> None:
    await apply_delta(delta(old, new), session)
    await sync_open_clock(new, session)
    await DossierFact.get_pymongo_collection().replace_one(
        {"dossier_code": new.dossier_code},
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
