"""What the applicant thought of a dossier: its rating and feedback, as read types."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from documents.statistics.ratings import Feedback, Rating
from schema.core.context import Info
from schema.core.enums import FeedbackKind, RatingLevel

if TYPE_CHECKING:
    from documents.dossiers.dossier import Dossier


@strawberry.type(name="Rating")
class RatingType:
    overall: RatingLevel
    time: int
    attitude: int
    guidance: int
    cost: int
    comment: str | None
    rated_at: datetime

    @classmethod
    def from_document(cls, rating: Rating) -> RatingType:
        s = rating.scores
        return cls(
            overall=s.overall,
            time=s.time,
            attitude=s.attitude,
            guidance=s.guidance,
            cost=s.cost,
            comment=s.comment,
            rated_at=rating.rated_at,
        )


@strawberry.type(name="Feedback")
class FeedbackType:
    id: strawberry.ID
    dossier_code: str
    kind: FeedbackKind
    text: str
    filed_at: datetime
    answer: str | None
    answered_at: datetime | None
    answer_working_days: int | None = strawberry.field(description="From filing to the answer.")
    answer_satisfied: bool | None = strawberry.field(
        description="Whether the complainant was satisfied with the answer; null until rated."
    )

    @classmethod
    def from_document(cls, item: Feedback) -> FeedbackType:
        return cls(
            id=strawberry.ID(str(item.id)),
            dossier_code=item.dossier_code,
            kind=item.kind,
            text=item.text,
            filed_at=item.filed_at,
            answer=item.answer,
            answered_at=item.answered_at,
            answer_working_days=item.answer_working_days,
            answer_satisfied=item.answer_satisfied,
        )


@strawberry.type
class DossierOpinions:
    """Mixed into the Dossier type: what its applicant thought of the service."""

    if TYPE_CHECKING:
        document: Dossier

    @strawberry.field(description="The applicant's rating, once returned or rejected.")
    async def rating(self, info: Info) -> RatingType | None:
        found = await info.context.loaders.rating_by_dossier.load(self.document.code)
        return RatingType.from_document(found) if found else None

    @strawberry.field(description="Feedback and complaints, oldest first.")
    async def feedback(self, info: Info) -> list[FeedbackType]:
        found = await info.context.loaders.feedback_by_dossier.load(self.document.code)
        return [FeedbackType.from_document(f) for f in found]
