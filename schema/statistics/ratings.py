"""Rating a dossier and filing or answering feedback; thin resolvers over the domain."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from pydantic import ValidationError

from documents.access.principals import PrincipalKind
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import load_dossier
from documents.statistics.rating import (
    answer_feedback,
    feedback_for,
    file_feedback,
    load_feedback,
    rate,
    rating_for,
)
from documents.statistics.ratings import Feedback, FeedbackKind, Rating, RatingLevel, RatingScores
from schema.core.context import Info
from schema.core.errors import UserError, errors_from, errors_from_validation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.visibility import visible_dossier

if TYPE_CHECKING:
    from documents.dossiers.dossier import Dossier

strawberry.enum(RatingLevel)
strawberry.enum(FeedbackKind)


@strawberry.input
class RatingInput:
    overall: RatingLevel
    time: int = strawberry.field(description="1..5")
    attitude: int = strawberry.field(description="1..5")
    guidance: int = strawberry.field(description="1..5")
    cost: int = strawberry.field(description="1..5")
    comment: str | None = None


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
        )


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


@strawberry.type
class DossierOpinions:
    """Mixed into the Dossier type: what its applicant thought of the service."""

    if TYPE_CHECKING:
        document: Dossier

    @strawberry.field(description="The applicant's rating, once returned or rejected.")
    async def rating(self) -> RatingType | None:
        found = await rating_for(self.document.code)
        return RatingType.from_document(found) if found else None

    @strawberry.field(description="Feedback and complaints, oldest first.")
    async def feedback(self) -> list[FeedbackType]:
        return [FeedbackType.from_document(f) for f in await feedback_for(self.document.code)]


async def _own_dossier(info: Info, code: str) -> Dossier:
    """The applicant's own dossier; anyone else's is NOT_FOUND, non-applicants are refused."""
    access = await info.context.access()
    if access.kind is not PrincipalKind.APPLICANT:
        raise PermissionDeniedError("only the applicant rates a dossier or gives feedback on it")
    return await visible_dossier(info, code)


@strawberry.type
class RatingMutations:
    @strawberry.mutation(description="Rate your own returned or rejected dossier, once.")
    async def rate_dossier(self, info: Info, code: str, input: RatingInput) -> RatingPayload:
        dossier = await _own_dossier_or_error(info, code)
        if isinstance(dossier, DomainError):
            return RatingPayload(errors=errors_from(FeedbackError, dossier))
        try:
            scores = RatingScores.model_validate(strawberry.asdict(input))
        except ValidationError as error:
            return RatingPayload(errors=errors_from_validation(FeedbackError, error, "input"))
        try:
            rating = await rate(dossier, scores, info.context.principal.subject)
        except DomainError as error:
            return RatingPayload(errors=errors_from(FeedbackError, error))
        return RatingPayload(rating=RatingType.from_document(rating))

    @strawberry.mutation(description="Give feedback on, or complain about, your own dossier.")
    async def file_feedback(
        self, info: Info, code: str, kind: FeedbackKind, text: str
    ) -> FeedbackPayload:
        dossier = await _own_dossier_or_error(info, code)
        if isinstance(dossier, DomainError):
            return FeedbackPayload(errors=errors_from(FeedbackError, dossier))
        try:
            item = await file_feedback(
                dossier, FeedbackKind(kind), text, info.context.principal.subject
            )
        except DomainError as error:
            return FeedbackPayload(errors=errors_from(FeedbackError, error))
        return FeedbackPayload(feedback=FeedbackType.from_document(item))

    @strawberry.mutation(description="Answer feedback on a dossier your agency handles.")
    async def answer_feedback(self, info: Info, id: strawberry.ID, answer: str) -> FeedbackPayload:
        access = await info.context.access()
        if access.kind is not PrincipalKind.OFFICER:
            raise PermissionDeniedError("feedback is answered by the handling agency's officers")
        try:
            item = await load_feedback(str(id))
            dossier = await load_dossier(item.dossier_code)
            if not access.sees_personal_data(dossier):
                raise DomainError(ErrorCode.NOT_FOUND, f"feedback {id!r} does not exist", "id")
            item = await answer_feedback(item, answer, info.context.principal.subject)
        except DomainError as error:
            return FeedbackPayload(errors=errors_from(FeedbackError, error))
        return FeedbackPayload(feedback=FeedbackType.from_document(item))


async def _own_dossier_or_error(info: Info, code: str) -> Dossier | DomainError:
    try:
        return await _own_dossier(info, code)
    except DomainError as error:
        return error
