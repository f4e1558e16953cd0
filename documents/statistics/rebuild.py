"""Recomputing the statistics roll-ups from the dossiers: `motcua stats rebuild|verify`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import datetime

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import all_procedures
from documents.common.clock import utcnow
from documents.common.tolerant import read_or_none, readable
from documents.dossiers.dossier import Dossier
from documents.papers.attachments import Attachment
from documents.statistics.contributions import FactInputs
from documents.statistics.deadline_sweep import passed_uncounted
from documents.statistics.facts import DossierFact, OpenClock, compute_fact, open_clock
from documents.statistics.ratings import Feedback, Rating
from documents.statistics.tables import (
    COUNTERS,
    Span,
    StatsDay,
    StatsMonth,
    Table,
    collection_for,
    expanded,
    rollup_rows,
)

BATCH = 500


async def _batches() -> AsyncIterator[list[Dossier]]:
    """Every dossier through one cursor: paging with `limit` re-examines the rest of
    the collection per page on SecantusDB (docs/embedded-database.md)."""
    batch: list[Dossier] = []
    async for raw in Dossier.get_pymongo_collection().find({}, batch_size=BATCH):
        dossier = read_or_none(Dossier, raw)  # one this version cannot read: counted
        if dossier is None:
            continue
        batch.append(dossier)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def recompute(hours: OfficeHours, now: datetime) -> tuple[list[DossierFact], Table]:
    """Every dossier's fact at `now` and the roll-ups they add up to, in the calendar of an
    office keeping `hours`; ratings, feedback and attachments are read per batch (about
    100 codes per `$in`), the procedures once."""
    calendar = await load_calendar(hours)
    procedures = {p.code: p for p in await all_procedures()}
    facts: list[DossierFact] = []
    table: Table = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    async for batch in _batches():
        for start in range(0, len(batch), 100):
            chunk = batch[start : start + 100]
            codes = {"dossier_code": {"$in": [d.code for d in chunk]}}
            ratings = {r.dossier_code: r for r in await readable(Rating.find(codes))}
            feedback: dict[str, list[Feedback]] = defaultdict(list)
            for item in await readable(Feedback.find(codes)):
                feedback[item.dossier_code].append(item)
            papers: dict[str, list[Attachment]] = defaultdict(list)
            for paper in await readable(Attachment.find(codes)):
                papers[paper.dossier_code].append(paper)
            for dossier in chunk:
                inputs = FactInputs(
                    ratings.get(dossier.code),
                    feedback[dossier.code],
                    papers[dossier.code],
                    procedures.get(dossier.procedure_code),
                )
                fact = compute_fact(dossier, calendar, inputs, now)
                facts.append(fact)
                add_fact(table, fact)
    return facts, expanded(dict(table))


def add_fact(table: Table, fact: DossierFact) -> None:
    """Add a fact's day contributions, on each side, to `table` (a defaultdict of zeroed
    counters)."""
    for agency, side in fact.sides():
        for day, counters in side.items():
            row = table[(agency, fact.procedure_code, day)]
            for name, amount in counters.items():
                row[name] = row.get(name, 0) + amount


async def stored(now: datetime) -> Table:
    """The roll-ups as queries see them at `now`: with the deadlines passed since the
    last sweep added, as `documents/statistics/indicators.py` adds them."""
    table: Table = {}
    for model in (StatsDay, StatsMonth):
        async for row in model.get_pymongo_collection().find({}):
            key = (row["agency_code"], row["procedure_code"], row["day"])
            table[key] = {name: int(row.get(name, 0)) for name in COUNTERS}
    late: Table = defaultdict(dict)
    async for clock in OpenClock.get_pymongo_collection().find(passed_uncounted(now)):
        key = (clock["agency_code"], clock["procedure_code"], clock["received_day"])
        late[key]["overdue"] = late[key].get("overdue", 0) + 1
    for key, counters in expanded(dict(late)).items():
        row = table.setdefault(key, dict.fromkeys(COUNTERS, 0))
        row["overdue"] += counters["overdue"]
    return table


def differences(expected: Table, actual: Table) -> list[str]:
    """Human-readable lines, one per counter that differs; empty when they agree."""
    lines = []
    zero = dict.fromkeys(COUNTERS, 0)
    for key in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(key, zero), actual.get(key, zero)
        for name in COUNTERS:
            if want.get(name, 0) != have.get(name, 0):
                where = " ".join(key)
                found, wanted = have.get(name, 0), want.get(name, 0)
                lines.append(f"{where} {name}: stored {found}, expected {wanted}")
    return lines


async def verify(hours: OfficeHours) -> list[str]:
    now = utcnow()
    facts, expected = await recompute(hours, now)
    lines = differences(expected, await stored(now))
    want = {f.dossier_code for f in facts if f.open_due_at is not None}
    have = set(await OpenClock.get_pymongo_collection().distinct("dossier_code"))
    lines += [f"open clock missing: {code}" for code in sorted(want - have)]
    lines += [f"open clock of a closed dossier: {code}" for code in sorted(have - want)]
    return lines


async def rebuild(hours: OfficeHours) -> int:
    """Replace every fact and roll-up with a recomputation; returns the roll-up count.
    Run it while no one writes (e.g. after a restore or a migration)."""
    facts, table = await recompute(hours, utcnow())
    await DossierFact.get_pymongo_collection().delete_many({})
    await StatsDay.get_pymongo_collection().delete_many({})
    await StatsMonth.get_pymongo_collection().delete_many({})
    await OpenClock.get_pymongo_collection().delete_many({})
    clocks = [clock for clock in map(open_clock, facts) if clock is not None]
    for start in range(0, len(clocks), BATCH):
        await OpenClock.get_pymongo_collection().insert_many(clocks[start : start + BATCH])
    for start in range(0, len(facts), BATCH):
        docs = [f.model_dump(exclude={"id", "revision_id"}) for f in facts[start : start + BATCH]]
        await DossierFact.get_pymongo_collection().insert_many(docs)
    rows = rollup_rows(table)
    await insert_rollups(rows)
    return len(rows)


async def insert_rollups(rows: list[dict[str, object]]) -> None:
    for span in Span:
        chosen = [row for row in rows if row["span"] == span.value]
        collection = collection_for(span).get_pymongo_collection()
        for start in range(0, len(chosen), BATCH):
            await collection.insert_many(chosen[start : start + BATCH])
