"""Recomputing the per-group roll-up from the group submissions, for `motcua stats
rebuild|verify` (beside the dossiers' roll-ups: statistics sit below groups, so the
command runs both)."""

from __future__ import annotations

from collections import defaultdict

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.common.tolerant import read_or_none
from documents.groups.records import DossierGroup
from documents.groups.statistics import GROUP_COUNTERS, GroupStatsDay, GroupTable, contributions

BATCH = 500


async def recompute_groups(hours: OfficeHours) -> GroupTable:
    """Every group submission's contributions, added up, through one cursor."""
    calendar = await load_calendar(hours)
    table: GroupTable = defaultdict(lambda: dict.fromkeys(GROUP_COUNTERS, 0))
    async for raw in DossierGroup.get_pymongo_collection().find({}, batch_size=BATCH):
        group = read_or_none(DossierGroup, raw)  # one this version cannot read: counted
        if group is None:
            continue
        for key, counters in contributions(group, calendar).items():
            row = table[key]
            for name, amount in counters.items():
                row[name] += amount
    return dict(table)


async def stored_groups() -> GroupTable:
    table: GroupTable = {}
    async for row in GroupStatsDay.get_pymongo_collection().find({}):
        table[(row["group_code"], row["day"])] = {n: int(row.get(n, 0)) for n in GROUP_COUNTERS}
    return table


async def verify_groups(hours: OfficeHours) -> list[str]:
    """One line per group counter that differs from a recomputation; empty when they agree."""
    expected, actual = await recompute_groups(hours), await stored_groups()
    lines = []
    zero = dict.fromkeys(GROUP_COUNTERS, 0)
    for key in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(key, zero), actual.get(key, zero)
        for name in GROUP_COUNTERS:
            if want.get(name, 0) != have.get(name, 0):
                where = "group " + " ".join(key)
                lines.append(f"{where} {name}: stored {have.get(name, 0)}, expected {want[name]}")
    return lines


async def rebuild_groups(hours: OfficeHours) -> int:
    """Replace the per-group roll-up with a recomputation; how many rows. Run it while
    no one writes, like `documents/statistics/rebuild.py`."""
    table = await recompute_groups(hours)
    collection = GroupStatsDay.get_pymongo_collection()
    await collection.delete_many({})
    rows = [{"group_code": g, "day": d, **counters} for (g, d), counters in sorted(table.items())]
    for start in range(0, len(rows), BATCH):
        await collection.insert_many(rows[start : start + BATCH])
    return len(rows)
