"""Reading the indicators of docs/scoreboard.md from the daily roll-ups.

Every query is a `$group` over at most agencies x procedures x days `StatsDay`
documents, plus a count of the open dossiers that are overdue right now (an index
range on `DossierFact.open_due_at`), so its cost does not grow with history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from documents.agency import Agency, subtree_codes
from documents.clock import utcnow
from documents.rollups import COUNTERS, OpenClock, Span, collection_for


class Granularity(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


Counts = dict[str, int]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class Indicators:
    counts: Counts
    overdue_in_progress: int = 0

    def __getattr__(self, name: str) -> int:
        if name in COUNTERS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.resolved)

    @property
    def average_processing_days(self) -> float | None:
        return round(self.processing_days / self.resolved, 2) if self.resolved else None

    @property
    def legal_processing_days(self) -> float | None:
        return round(self.legal_days / self.resolved, 2) if self.resolved else None

    @property
    def working_days_saved(self) -> float:
        return float(self.legal_days - self.processing_days)

    @property
    def online_share(self) -> float | None:
        return _rate(self.online, self.received)

    @property
    def digitisation_rate(self) -> float | None:
        return _rate(self.digitised, self.resolved)

    @property
    def satisfaction(self) -> float | None:
        """Decision 766: 100 minus the late rate and the dissatisfied-or-complained rate."""
        if not self.resolved:
            return None
        late = 100 * (self.resolved - self.on_time) / self.resolved
        unhappy = 100 * self.unhappy / self.resolved
        return round(max(0.0, 100 - late - unhappy), 2)

    @property
    def complaints_answered_on_time_rate(self) -> float | None:
        return _rate(self.complaints_on_time, self.complaints)


@dataclass(frozen=True)
class Point:
    period: str
    start: date
    indicators: Indicators


@dataclass(frozen=True)
class Scope:
    agency_codes: frozenset[str] | None = None  # None: every agency
    procedure_code: str | None = None


async def agency_scope(code: str) -> frozenset[str] | None:
    """An agency with its sub-agencies; None (no filter) for a top-level agency."""
    agency = await Agency.find_one(Agency.code == code)
    if agency is not None and agency.parent_code is None and not agency.merged_into:
        return None
    return await subtree_codes(code)


def _match(scope: Scope, low: str, high: str, day_field: str) -> dict[str, Any]:
    query: dict[str, Any] = {day_field: {"$gte": low, "$lte": high}}
    if scope.agency_codes is not None:
        query["agency_code"] = {"$in": sorted(scope.agency_codes)}
    if scope.procedure_code:
        query["procedure_code"] = scope.procedure_code
    return query


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def segments(start: date, end: date, whole_months: bool) -> list[tuple[Span, str, str]]:
    """The range as day roll-ups at its ragged ends and month roll-ups in between."""
    first_full = start if start.day == 1 else _next_month(start)
    after_last_full = (
        end.replace(day=1) if _next_month(end) - timedelta(days=1) != end else _next_month(end)
    )
    if not whole_months or first_full >= after_last_full:
        return [(Span.DAY, start.isoformat(), end.isoformat())]
    parts = [(Span.MONTH, f"{first_full:%Y-%m}", f"{after_last_full - timedelta(days=1):%Y-%m}")]
    if start < first_full:
        parts.append((Span.DAY, start.isoformat(), (first_full - timedelta(days=1)).isoformat()))
    if after_last_full <= end:
        parts.append((Span.DAY, after_last_full.isoformat(), end.isoformat()))
    return parts


async def grouped(
    scope: Scope, start: date, end: date, key: str, whole_months: bool = True
) -> dict[str, Counts]:
    """Counter sums of the roll-ups in range, by `key` (a StatsDay field)."""
    sums = {name: {"$sum": f"${name}"} for name in COUNTERS}
    out: dict[str, Counts] = {}
    for span, low, high in segments(start, end, whole_months):
        match = {"span": span.value, **_match(scope, low, high, "day")}
        pipeline = [{"$match": match}, {"$group": {"_id": f"${key}", **sums}}]
        collection = collection_for(span).get_pymongo_collection()
        async for row in await collection.aggregate(pipeline):
            group = row.pop("_id")
            out[group] = total([out.get(group, {}), row])
    return out


async def overdue(scope: Scope, start: date, end: date, key: str) -> dict[str, int]:
    """Open dossiers received in range whose deadline has passed, by `key`, read from
    the open clocks (today's workload, not growing with history)."""
    low, high = start.isoformat(), end.isoformat()
    fields = {"_id": 0, "agency_code": 1, "procedure_code": 1, "received_day": 1}
    cursor = OpenClock.get_pymongo_collection().find({"due_at": {"$lt": utcnow()}}, fields)
    counts: dict[str, int] = {}
    async for fact in cursor:
        if not low <= fact["received_day"] <= high:
            continue
        if scope.agency_codes is not None and fact["agency_code"] not in scope.agency_codes:
            continue
        if scope.procedure_code and fact["procedure_code"] != scope.procedure_code:
            continue
        counts[fact[key]] = counts.get(fact[key], 0) + 1
    return counts


def total(counts: Iterable[Counts]) -> Counts:
    summed: Counts = dict.fromkeys(COUNTERS, 0)
    for row in counts:
        for name in COUNTERS:
            summed[name] += int(row.get(name, 0))
    return summed


def period_of(day: date, granularity: Granularity) -> tuple[str, date]:
    if granularity is Granularity.DAY:
        return day.isoformat(), day
    if granularity is Granularity.MONTH:
        return f"{day:%Y-%m}", day.replace(day=1)
    if granularity is Granularity.QUARTER:
        quarter = (day.month - 1) // 3
        return f"{day.year}-Q{quarter + 1}", date(day.year, 3 * quarter + 1, 1)
    return str(day.year), date(day.year, 1, 1)


def _as_date(key: str) -> date:
    return date.fromisoformat(key if len(key) == 10 else key + "-01")


async def statistics(
    scope: Scope, start: date, end: date, granularity: Granularity
) -> tuple[Indicators, list[Point]]:
    key = "day" if granularity is Granularity.DAY else "month"
    counts = await grouped(scope, start, end, key, whole_months=key == "month")
    late = await overdue(scope, start, end, "received_day")
    buckets: dict[str, tuple[date, list[Counts], int]] = {}
    for raw, row in counts.items():
        period, first = period_of(_as_date(raw), granularity)
        entry = buckets.setdefault(period, (first, [], 0))
        entry[1].append(row)
    for raw_day, n in late.items():
        period, first = period_of(date.fromisoformat(raw_day), granularity)
        first_, rows, m = buckets.setdefault(period, (first, [], 0))
        buckets[period] = (first_, rows, m + n)
    series = [
        Point(period, first, Indicators(total(rows), n))
        for period, (first, rows, n) in sorted(buckets.items())
    ]
    totals = Indicators(total(counts.values()), sum(late.values()))
    return totals, series


async def by_key(scope: Scope, start: date, end: date, key: str) -> dict[str, Indicators]:
    """Indicators per agency (`agency_code`) or per procedure (`procedure_code`)."""
    counts = await grouped(scope, start, end, key)
    late = await overdue(scope, start, end, key)
    return {k: Indicators(total([counts.get(k, {})]), late.get(k, 0)) for k in counts | late}
