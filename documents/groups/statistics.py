"""The scoreboard's row per procedure group: counters per group and local day, kept
with `$inc` in the group's own transactions and summed over a range when read, so a
query's cost follows the groups and the range, never history (docs/scoreboard.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from beanie import Document
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.clock import local_date
from documents.dossiers.deadlines import classify
from documents.dossiers.parts import Timeliness
from documents.groups.definition import ProcedureGroup
from documents.groups.records import DossierGroup, GroupStatus

GROUP_COUNTERS = (
    # By the local day the group was received:
    "received",
    # by the local day it finished (its last member finished):
    "finished",
    "done",  # every member has its result (GroupStatus.DONE)
    "done_on_time",  # done, on or before the group's deadline day
    "working_days",  # of the done ones: working days from the clock start to the finish,
    "deadline_days",  # and from the clock start to the group's deadline
)

GroupKey = tuple[str, str]  # the ProcedureGroup's code, the local day (2026-03-03)
GroupTable = dict[GroupKey, dict[str, int]]


class GroupStatsDay(Document):
    """One procedure group's counters for one local day."""

    group_code: str
    day: str
    received: int = 0
    finished: int = 0
    done: int = 0
    done_on_time: int = 0
    working_days: int = 0
    deadline_days: int = 0

    class Settings:
        name = "stats_groups"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("group_code", ASCENDING), ("day", ASCENDING)], name="key", unique=True),
            IndexModel([("day", ASCENDING)], name="by_day"),
        ]


def contributions(group: DossierGroup, calendar: WorkingCalendar) -> GroupTable:
    """What one group submission adds to the roll-up, from its record alone: its
    reception, and once finished its finish. Both day counts run from the clock start
    (the cut-off applies, as for a dossier); a supplement pause moves the stored
    deadline, so it lengthens both alike."""
    out: GroupTable = defaultdict(dict)

    def add(day: date, name: str, amount: int = 1) -> None:
        row = out[(group.group_code, day.isoformat())]
        row[name] = row.get(name, 0) + amount

    add(local_date(group.received_at), "received")
    if group.status is GroupStatus.IN_PROGRESS or group.finished_at is None:
        return dict(out)
    day = local_date(group.finished_at)
    add(day, "finished")
    if group.status is GroupStatus.DONE:
        start = calendar.clock_start(group.received_at)
        on_time = classify(group.finished_at, group.due_at) is not Timeliness.LATE
        add(day, "done")
        add(day, "done_on_time", int(on_time))
        add(day, "working_days", calendar.working_days_between(start, day))
        add(day, "deadline_days", calendar.working_days_between(start, local_date(group.due_at)))
    return dict(out)


def delta(old: GroupTable, new: GroupTable) -> GroupTable:
    out: GroupTable = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, {}), new.get(key, {})
        change = {n: after.get(n, 0) - before.get(n, 0) for n in GROUP_COUNTERS}
        if any(change.values()):
            out[key] = change
    return out


async def count_group_change(
    session: AsyncClientSession,
    before: DossierGroup | None,
    after: DossierGroup,
    calendar: WorkingCalendar,
) -> None:
    """Apply to the roll-up what changed between two versions of a group (`before`
    None: a new group), in the transaction `session` runs."""
    old = contributions(before, calendar) if before is not None else {}
    change = delta(old, contributions(after, calendar))
    if not change:
        return
    updates = [
        UpdateOne(
            {"group_code": group, "day": day},
            {"$inc": {n: v for n, v in counters.items() if v}},
            upsert=True,
        )
        for (group, day), counters in sorted(change.items())
    ]
    await GroupStatsDay.get_pymongo_collection().bulk_write(updates, session=session)


@dataclass(frozen=True)
class GroupRow:
    """One procedure group's figures over a range of days."""

    group_code: str
    name: str
    counts: Mapping[str, int]

    def __getattr__(self, name: str) -> int:
        if name in GROUP_COUNTERS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @property
    def on_time_rate(self) -> float | None:
        """Of the groups done, the share done by their deadline, in percent."""
        return round(100 * self.done_on_time / self.done, 2) if self.done else None

    @property
    def average_days(self) -> float | None:
        return round(self.working_days / self.done, 2) if self.done else None

    @property
    def average_deadline_days(self) -> float | None:
        return round(self.deadline_days / self.done, 2) if self.done else None


async def group_statistics(start: date, end: date) -> list[GroupRow]:
    """Every procedure group's row for the local days `start`…`end`, in code order: a
    group with no submission in the range shows zeros."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUP_COUNTERS, 0))
    query = {"day": {"$gte": start.isoformat(), "$lte": end.isoformat()}}
    async for row in GroupStatsDay.get_pymongo_collection().find(query):
        total = totals[row["group_code"]]
        for name in GROUP_COUNTERS:
            total[name] += int(row.get(name, 0))
    names = {
        group["code"]: group.get("name", group["code"])
        async for group in ProcedureGroup.get_pymongo_collection().find({}, {"code": 1, "name": 1})
    }
    return [
        GroupRow(code, names.get(code, code), dict(totals[code]))
        for code in sorted(names.keys() | totals.keys())
    ]
