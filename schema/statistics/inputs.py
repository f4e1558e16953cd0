"""What clients send for statistics and ratings: a scope, and a rating's scores."""

from __future__ import annotations

import strawberry

from schema.core.enums import RatingLevel
from schema.core.input_checks import FREE_TEXT_MAX_LENGTH, text


@strawberry.input(description="Whose figures: an agency's, a procedure's, or both at once.")
class StatisticsScope:
    agency_code: str | None = strawberry.field(
        default=None, description="An agency, with its sub-agencies; all when null."
    )
    procedure_code: str | None = strawberry.field(
        default=None, description="One procedure's dossiers; all when null."
    )


@strawberry.input(
    description="An applicant's rating of a finished dossier: overall, and 1 to 5 per aspect."
)
class RatingInput:
    overall: RatingLevel = strawberry.field(description="How satisfied, overall.")
    time: int = strawberry.field(description="1..5")
    attitude: int = strawberry.field(description="1..5")
    guidance: int = strawberry.field(description="1..5")
    cost: int = strawberry.field(description="1..5")
    comment: str | None = text(FREE_TEXT_MAX_LENGTH, default=None)
