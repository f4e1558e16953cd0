"""The "3 reduces, 3 increases" indicators as GraphQL types, and the rating payloads."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.statistics import indicators as domain
from documents.statistics.scoreboard import GroupScore, Measurement, ScoreGroup
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.procedures.types import ProcedureType
from schema.core.errors import UserError
from schema.core.global_ids import derived_id
from schema.dossiers.opinions import FeedbackType, RatingType

strawberry.enum(ScoreGroup, description="A group of Decision 766's 100 points.")
strawberry.enum(Measurement, description="Whether a group could be measured.")


@strawberry.type(description="How many ratings of each level.")
class RatingDistribution:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the same key as the indicators it belongs to."
    )
    satisfied: int = strawberry.field(description="Ratings SATISFIED.")
    normal: int = strawberry.field(description="Ratings NORMAL.")
    dissatisfied: int = strawberry.field(description="Ratings DISSATISFIED.")


@strawberry.type(description='The "3 reduces, 3 increases" figures of a scope and period.')
class Indicators:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the query's range and scope, and the row or period it is for."
    )
    received: int = strawberry.field(description="Counted at the receiving agency.")
    resolved: int = strawberry.field(
        description="Reached RESULT_READY, RETURNED or REJECTED, counted at the handling "
        "agency (refused, withdrawn and stopped dossiers were never resolved)."
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
    full_online_share: float | None = strawberry.field(
        description="0..100 of dossiers of fully online procedures received online."
    )
    partial_online_share: float | None = strawberry.field(
        description="0..100 of dossiers of partly online procedures received online."
    )
    online_payment_share: float | None = strawberry.field(
        description="0..100 of payments made by E_PAYMENT."
    )
    digitisation_rate: float | None = strawberry.field(
        description="0..100 of received dossiers with papers whose every paper is electronic."
    )
    electronic_result_share: float | None = strawberry.field(
        description="0..100 of resolved dossiers with an electronic result."
    )
    reuse_share: float | None = strawberry.field(
        description="0..100 of received dossiers with papers that reuse one."
    )
    unsatisfied: int = strawberry.field(
        description="Resolved dossiers late, complained about or rated dissatisfied (once each)."
    )
    satisfaction: float | None = strawberry.field(
        description="Decision 766: resolved dossiers neither late, nor complained about, nor "
        "rated dissatisfied, 0..100 of resolved."
    )
    ratings: RatingDistribution = strawberry.field(description="The ratings given, by level.")
    complaints_answered_on_time_rate: float | None = strawberry.field(
        description="Complaints answered within 15 working days, 0..100."
    )
    complaint_answer_satisfaction_rate: float | None = strawberry.field(
        description="Answers to complaints their complainant was satisfied with, 0..100 of rated."
    )

    @classmethod
    def from_domain(cls, ind: domain.Indicators, key: str) -> Indicators:
        return cls(
            id=derived_id("Indicators", key),
            received=ind.received,
            resolved=ind.resolved,
            in_progress=ind.open,
            overdue_in_progress=ind.overdue_in_progress,
            on_time_rate=ind.on_time_rate,
            average_processing_days=ind.average_processing_days,
            legal_processing_days=ind.legal_processing_days,
            working_days_saved=ind.working_days_saved,
            online_share=ind.online_share,
            full_online_share=ind.full_online_share,
            partial_online_share=ind.partial_online_share,
            online_payment_share=ind.online_payment_share,
            digitisation_rate=ind.digitisation_rate,
            electronic_result_share=ind.electronic_result_share,
            reuse_share=ind.reuse_share,
            unsatisfied=ind.unsatisfied,
            satisfaction=ind.satisfaction,
            ratings=RatingDistribution(
                id=derived_id("RatingDistribution", key),
                satisfied=ind.rated_satisfied,
                normal=ind.rated_normal,
                dissatisfied=ind.rated_dissatisfied,
            ),
            complaints_answered_on_time_rate=ind.complaints_answered_on_time_rate,
            complaint_answer_satisfaction_rate=ind.complaint_answer_satisfaction_rate,
        )


@strawberry.type(description="The figures of one period of a series.")
class StatisticsPoint:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the query's range, scope and granularity, and the period."
    )
    period: str = strawberry.field(description="2026-03-03, 2026-03, 2026-Q1 or 2026.")
    start: date = strawberry.field(description="The first day of the period.")
    indicators: Indicators = strawberry.field(description="The period's figures.")


@strawberry.type(description="Figures for a range: the totals, and one point per period.")
class Statistics:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the range, the scope as it applies to the caller, and the "
        "granularity."
    )
    totals: Indicators = strawberry.field(description="The whole range's figures.")
    series: list[StatisticsPoint] = strawberry.field(
        description="One point per period of the granularity, oldest first."
    )

    @classmethod
    def from_domain(
        cls, totals: domain.Indicators, series: list[domain.Point], key: str
    ) -> Statistics:
        return cls(
            id=derived_id("Statistics", key),
            totals=Indicators.from_domain(totals, f"statistics:{key}:totals"),
            series=[
                StatisticsPoint(
                    id=derived_id("StatisticsPoint", key, p.period),
                    period=p.period,
                    start=p.start,
                    indicators=Indicators.from_domain(p.indicators, f"statistics:{key}:{p.period}"),
                )
                for p in series
            ],
        )


@strawberry.type(description="One group of Decision 766's scoreboard for an agency.")
class GroupScoreType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the ranking's range, the agency and the group."
    )
    group: ScoreGroup = strawberry.field(description="Which group.")
    max_points: float = strawberry.field(description="The points the group is worth out of 100.")
    measurement: Measurement = strawberry.field(description="Whether it could be measured.")
    rate: float | None = strawberry.field(description="0..100; null unless measured.")
    points: float | None = strawberry.field(description="Null unless measured.")

    @classmethod
    def from_domain(cls, score: GroupScore, owner: str) -> GroupScoreType:
        return cls(
            id=derived_id("GroupScoreType", owner, score.group.value),
            group=score.group,
            max_points=score.max_points,
            measurement=score.measurement,
            rate=score.rate,
            points=score.points,
        )


@strawberry.type(description="An agency's place in the ranking, with its figures.")
class AgencyRank:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the ranking's range and the agency's code."
    )
    rank: int = strawberry.field(
        description="1 for the highest score; ties share a rank (1, 2, 2, 4)."
    )
    score: float = strawberry.field(
        description="Points of the measured Decision 766 groups, out of 100; groups not "
        "measured add nothing and are not rescaled (docs/scoreboard.md)."
    )
    agency: AgencyType = strawberry.field(description="The agency.")
    indicators: Indicators = strawberry.field(description="Its figures for the range.")
    groups: list[GroupScoreType] = strawberry.field(description="Its score per group.")
    not_measured: list[ScoreGroup] = strawberry.field(
        description="The groups that scored nothing because they were not measured."
    )


@strawberry.type(description="A procedure's figures for a range.")
class ProcedureRow:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the table's range and agency, and the procedure's code."
    )
    procedure: ProcedureType = strawberry.field(description="The procedure.")
    indicators: Indicators = strawberry.field(description="Its figures.")


@strawberry.type(description="A feedback mutation's error; `field` is the input at fault.")
class FeedbackError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class RatingPayload:
    rating: RatingType | None = strawberry.field(
        default=None,
        description="The rating as it is now; null when there are errors.",
    )
    errors: list[FeedbackError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class FeedbackPayload:
    feedback: FeedbackType | None = strawberry.field(
        default=None,
        description="The feedback as it is now; null when there are errors.",
    )
    errors: list[FeedbackError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
