"""Reading the indicators of docs/scoreboard.md from the roll-ups.

A query reads the rows of one level (`documents/statistics/tables.py`): the city's for a
city-wide figure, one per agency for an agency or the ranking, and so on, month rows
for whole months and day rows at the ragged ends. It adds the open dossiers whose
deadline passed since the last deadline sweep. None of that grows with history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from documents.catalogue.agencies import Agency, subtree_codes
from documents.common.clock import utcnow
from documents.statistics.deadline_sweep import passed_uncounted
from documents.statistics.facts import OpenClock
from documents.statistics.tables import COUNTERS, Level, Span, collection_for


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

    def __getattr__(self, name: str) -> int:
        if name in COUNTERS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @property
    def overdue_in_progress(self) -> int:
        return self.overdue

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
    def full_online_share(self) -> float | None:
        """Of dossiers of fully online procedures, the share received online."""
        return _rate(self.full_online, self.full_online_received)

    @property
    def partial_online_share(self) -> float | None:
        return _rate(self.partial_online, self.partial_online_received)

    @property
    def online_payment_share(self) -> float | None:
        return _rate(self.payments_online, self.payments)

    @property
    def digitisation_rate(self) -> float | None:
        """Of dossiers with papers, the share whose every paper is electronic."""
        return _rate(self.papers_digitised, self.with_papers)

    @property
    def electronic_result_share(self) -> float | None:
        return _rate(self.results_electronic, self.resolved)

    @property
    def reuse_share(self) -> float | None:
        return _rate(self.data_reused, self.with_papers)

    @property
    def satisfaction(self) -> float | None:
        """Decision 766: resolved dossiers neither late, nor complained about, nor rated
        dissatisfied, over all resolved; each dossier once."""
        return _rate(self.resolved - self.unsatisfied, self.resolved)

    @property
    def complaints_answered_on_time_rate(self) -> float | None:
        return _rate(self.complaints_on_time, self.complaints)

    @property
    def complaint_answer_satisfaction_rate(self) -> float | None:
        return _rate(self.complaint_answers_satisfied, self.complaint_answers_rated)


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


def _level(scope: Scope, key: str) -> Level:
    """The coarsest rows that still tell the scope's agencies and procedures, and `key`'s."""
    by_agency = scope.agency_codes is not None or key == "agency_code"
    by_procedure = bool(scope.procedure_code) or key == "procedure_code"
    if by_agency:
        return Level.CELL if by_procedure else Level.AGENCY
    return Level.PROCEDURE if by_procedure else Level.CITY


def _match(scope: Scope) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if scope.agency_codes is not None:
        query["agency_code"] = {"$in": sorted(scope.agency_codes)}
    if scope.procedure_code:
        query["procedure_code"] = scope.procedure_code
    return query


def match_stages(scope: Scope, key: str, low: str, high: str) -> list[dict[str, Any]]:
    """An index-served `$match` (equalities and one day range: the shape SecantusDB's
    planner serves, docs/embedded-database.md), then the rest of the scope."""
    leading: dict[str, Any] = {"level": _level(scope, key).value}
    if scope.agency_codes is not None and len(scope.agency_codes) == 1:
        leading["agency_code"] = next(iter(scope.agency_codes))
    elif scope.procedure_code:
        leading["procedure_code"] = scope.procedure_code
    leading["day"] = {"$gte": low, "$lte": high}
    rest = _match(scope)
    return [{"$match": leading}, {"$match": rest}] if rest else [{"$match": leading}]


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
    """Counter sums in range by `key`: `day`, `month`, `agency_code` or `procedure_code`."""
    sums = {name: {"$sum": f"${name}"} for name in COUNTERS}
    out: dict[str, Counts] = {}
    for span, low, high in segments(start, end, whole_months):
        pipeline = [*match_stages(scope, key, low, high), {"$group": {"_id": f"${key}", **sums}}]
        collection = collection_for(span).get_pymongo_collection()
        async for row in await collection.aggregate(pipeline):
            group = row.pop("_id")
            out[group] = total([out.get(group, {}), row])
    for group, late in (await _uncounted_overdue(scope, start, end, key)).items():
        row = out.setdefault(group, dict.fromkeys(COUNTERS, 0))
        row["overdue"] += late
    return out


async def _uncounted_overdue(scope: Scope, start: date, end: date, key: str) -> dict[str, int]:
    """Open dossiers received in range whose deadline passed since the last deadline
    sweep: the roll-ups do not count them yet (at most one sweep interval's worth).
    Only the indexed condition goes to the server, which then uses the index."""
    low, high = start.isoformat(), end.isoformat()
    fields = {"_id": 0, "agency_code": 1, "procedure_code": 1, "received_day": 1}
    counts: dict[str, int] = {}
    async for clock in OpenClock.get_pymongo_collection().find(passed_uncounted(utcnow()), fields):
        if not low <= clock["received_day"] <= high or not _in_scope(scope, clock):
            continue
        if key in ("agency_code", "procedure_code"):
            group = clock[key]
        else:
            group = clock["received_day"][: 10 if key == "day" else 7]
        counts[group] = counts.get(group, 0) + 1
    return counts


def _in_scope(scope: Scope, clock: dict[str, Any]) -> bool:
    if scope.agency_codes is not None and clock["agency_code"] not in scope.agency_codes:
        return False
    return not scope.procedure_code or clock["procedure_code"] == scope.procedure_code


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
    buckets: dict[str, tuple[date, list[Counts]]] = {}
    for raw, row in counts.items():
        period, first = period_of(_as_date(raw), granularity)
        buckets.setdefault(period, (first, []))[1].append(row)
    series = [
        Point(period, first, Indicators(total(rows)))
        for period, (first, rows) in sorted(buckets.items())
    ]
    return Indicators(total(counts.values())), series


async def by_key(scope: Scope, start: date, end: date, key: str) -> dict[str, Indicators]:
    """Indicators per agency (`agency_code`) or per procedure (`procedure_code`)."""
    return {k: Indicators(row) for k, row in (await grouped(scope, start, end, key)).items()}
