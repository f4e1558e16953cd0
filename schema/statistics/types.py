"""The "3 reduces, 3 increases" indicators as GraphQL types, and the rating payloads."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.statistics import indicators as domain
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.procedures.types import ProcedureType
from schema.core.errors import UserError
from schema.dossiers.opinions import FeedbackType, RatingType


@strawberry.type
class RatingDistribution:
    satisfied: int
    normal: int
    dissatisfied: int


@strawberry.type
class Indicators:
    received: int
    resolved: int = strawberry.field(
        description="Reached RESULT_READY, RETURNED or REJECTED (refused and withdrawn "
        "dossiers were never resolved)."
    )
    in_progress: int = strawberry.field(description="Received in the period and still open.")
    overdue_in_progress: int = strawberry.field(description="Of those, past their deadline now.")
    on_time_rate: float | None = strawberry.field(description="0..100, null when none resolved.")
    average_processing_days: float | None = strawberry.field(description="Working days.")
    legal_processing_days: float | None = strawberry.field(
        description="Average legal time of the same resolved dossiers, in working days."
    )
    working_days_saved: float = strawberry.field(description="Sum of legal minus actual days.")
    online_share: float | None = strawberry.field(description="0..100 of received.")
    digitisation_rate: float | None = strawberry.field(
        description="0..100 of resolved with application and result attachments."
    )
    satisfaction: float | None = strawberry.field(
        description="Decision 766: 100 - (late rate + dissatisfied-or-complained rate)."
    )
    ratings: RatingDistribution
    complaints_answered_on_time_rate: float | None = strawberry.field(
        description="Complaints answered within 15 working days, 0..100."
    )

    @classmethod
    def from_domain(cls, ind: domain.Indicators) -> Indicators:
        return cls(
            received=ind.received,
            resolved=ind.resolved,
            in_progress=ind.open,
            overdue_in_progress=ind.overdue_in_progress,
            on_time_rate=ind.on_time_rate,
            average_processing_days=ind.average_processing_days,
            legal_processing_days=ind.legal_processing_days,
            working_days_saved=ind.working_days_saved,
            online_share=ind.online_share,
            digitisation_rate=ind.digitisation_rate,
            satisfaction=ind.satisfaction,
            ratings=RatingDistribution(
                satisfied=ind.rated_satisfied,
                normal=ind.rated_normal,
                dissatisfied=ind.rated_dissatisfied,
            ),
            complaints_answered_on_time_rate=ind.complaints_answered_on_time_rate,
        )


@strawberry.type
class StatisticsPoint:
    period: str = strawberry.field(description="2026-03-03, 2026-03, 2026-Q1 or 2026.")
    start: date
    indicators: Indicators


@strawberry.type
class Statistics:
    totals: Indicators
    series: list[StatisticsPoint]

    @classmethod
    def from_domain(cls, totals: domain.Indicators, series: list[domain.Point]) -> Statistics:
        return cls(
            totals=Indicators.from_domain(totals),
            series=[
                StatisticsPoint(
                    period=p.period, start=p.start, indicators=Indicators.from_domain(p.indicators)
                )
                for p in series
            ],
        )


@strawberry.type
class AgencyRank:
    rank: int
    score: float = strawberry.field(
        description="0..100, Decision 766 weights (docs/scoreboard.md)."
    )
    agency: AgencyType
    indicators: Indicators


@strawberry.type
class ProcedureRow:
    procedure: ProcedureType
    indicators: Indicators


@strawberry.type
class FeedbackError(UserError):
    pass


@strawberry.type
class RatingPayload:
    rating: RatingType | None = None
    errors: list[FeedbackError] = strawberry.field(default_factory=list)


@strawberry.type
class FeedbackPayload:
    feedback: FeedbackType | None = None
    errors: list[FeedbackError] = strawberry.field(default_factory=list)
