"""The roll-up tables: counters per agency, procedure and day or month, at four levels.

Each change to a cell (one agency, one procedure) is also added to the agency's
all-procedures row, the procedure's all-agencies row and the city row (`ALL` stands
for "every"). A city-wide or per-agency query then reads one row per period and
agency instead of every cell, so its cost is bounded by the catalogue and the range,
never by how many dossiers there are (docs/scoreboard.md).
"""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pymongo import ASCENDING, IndexModel

COUNTERS = (
    # The receiving agency's, by day of receipt.
    "received",
    "online",
    "full_online_received",
    "full_online",
    "partial_online_received",
    "partial_online",
    "with_papers",
    "papers_digitised",
    "data_reused",
    # The handling agency's: by day of receipt,
    "open",
    "overdue",
    # by day of the decision,
    "resolved",
    "on_time",
    "processing_days",
    "legal_days",
    "results_electronic",
    "rated_satisfied",
    "rated_normal",
    "rated_dissatisfied",
    "unsatisfied",
    # by day a complaint was filed,
    "complaints",
    "complaints_on_time",
    "complaint_answers_rated",
    "complaint_answers_satisfied",
    # by day of payment.
    "payments",
    "payments_online",
)

ALL = "*"  # in agency_code or procedure_code: summed over every agency or procedure

Key = tuple[str, str, str]  # agency, procedure, day (2026-03-03) or month (2026-03)
Table = dict[Key, dict[str, int]]


class Span(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"


class Level(StrEnum):
    CELL = "CELL"  # one agency, one procedure
    AGENCY = "AGENCY"  # one agency, every procedure
    PROCEDURE = "PROCEDURE"  # one procedure, every agency
    CITY = "CITY"  # everything


def level_of(agency: str, procedure: str) -> Level:
    if agency == ALL:
        return Level.CITY if procedure == ALL else Level.PROCEDURE
    return Level.AGENCY if procedure == ALL else Level.CELL


def span_of(day: str) -> Span:
    return Span.DAY if len(day) == len("2026-03-03") else Span.MONTH


def _indexes() -> list[IndexModel]:
    return [
        IndexModel(
            [("agency_code", ASCENDING), ("procedure_code", ASCENDING), ("day", ASCENDING)],
            name="key",
            unique=True,
        ),
        # One per query shape (`documents/statistics/indicators.py`): equalities, then
        # the day range.
        IndexModel([("level", ASCENDING), ("day", ASCENDING)], name="by_level_day"),
        IndexModel(
            [("level", ASCENDING), ("agency_code", ASCENDING), ("day", ASCENDING)],
            name="by_level_agency_day",
        ),
        IndexModel(
            [("level", ASCENDING), ("procedure_code", ASCENDING), ("day", ASCENDING)],
            name="by_level_procedure_day",
        ),
    ]


class StatsDay(Document):
    """Counters of one agency and procedure (either may be `ALL`) for one local day."""

    agency_code: str
    procedure_code: str
    day: str
    month: str
    span: Span = Span.DAY
    level: Level = Level.CELL
    received: int = 0
    online: int = 0
    full_online_received: int = 0
    full_online: int = 0
    partial_online_received: int = 0
    partial_online: int = 0
    with_papers: int = 0
    papers_digitised: int = 0
    data_reused: int = 0
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    on_time: int = 0
    processing_days: int = 0
    legal_days: int = 0
    results_electronic: int = 0
    rated_satisfied: int = 0
    rated_normal: int = 0
    rated_dissatisfied: int = 0
    unsatisfied: int = 0
    complaints: int = 0
    complaints_on_time: int = 0
    complaint_answers_rated: int = 0
    complaint_answers_satisfied: int = 0
    payments: int = 0
    payments_online: int = 0

    class Settings:
        name = "stats_days"
        indexes = _indexes()


class StatsMonth(StatsDay):
    """A month's counters (`day` is 2026-03), in their own collection: a long range
    reads these and day rows only at its ragged ends."""

    class Settings:
        name = "stats_months"
        indexes = _indexes()


def collection_for(span: Span) -> type[StatsDay]:
    return StatsMonth if span is Span.MONTH else StatsDay


def expanded(cells: Table) -> Table:
    """Cell-level day changes plus what they add to every level and to their months."""
    out: Table = {}
    for (agency, procedure, day), counters in cells.items():
        for a in (agency, ALL):
            for p in (procedure, ALL):
                for d in (day, day[:7]):
                    row = out.setdefault((a, p, d), {})
                    for name, amount in counters.items():
                        row[name] = row.get(name, 0) + amount
    return out


def identity(key: Key) -> dict[str, str]:
    """The fields that name a row: its key, month, span and level."""
    agency, procedure, day = key
    return {
        "agency_code": agency,
        "procedure_code": procedure,
        "day": day,
        "month": day[:7],
        "span": span_of(day).value,
        "level": level_of(agency, procedure).value,
    }


def rollup_rows(table: Table) -> list[dict[str, object]]:
    return [
        identity(key) | {name: counters.get(name, 0) for name in COUNTERS}
        for key, counters in table.items()
    ]
