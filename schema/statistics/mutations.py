"""Rating a dossier, filing or answering feedback and rating the answer; thin resolvers
over the domain."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.access.principals import PrincipalKind
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from documents.statistics.rating import (
    answer_feedback,
    file_feedback,
    load_feedback,
    rate,
    rate_answer,
)
from documents.statistics.ratings import RatingScores
from schema.core.context import Info
from schema.core.enums import FeedbackKind
from schema.core.errors import errors_from, errors_from_validation
from schema.core.global_ids import raw_key
from schema.core.input_checks import FreeText
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.opinions import FeedbackType, RatingType
from schema.dossiers.visibility import visible_dossier
from schema.statistics.inputs import RatingInput
from schema.statistics.types import FeedbackError, FeedbackPayload, RatingPayload


async def _own_dossier(info: Info, code: str) -> Dossier:
    """The applicant's own dossier; anyone else's is NOT_FOUND, non-applicants are refused."""
    access = await info.context.access()
    if access.kind is not PrincipalKind.APPLICANT:
        raise PermissionDeniedError("only the applicant rates a dossier or gives feedback on it")
    return await visible_dossier(info, code)


async def _own_dossier_or_error(info: Info, code: str) -> Dossier | DomainError:
    try:
        return await _own_dossier(info, code)
    except DomainError as error:
        return error


@strawberry.type
class RatingMutations:
    @strawberry.mutation(description="Rate your own returned or rejected dossier, once.")
    async def rate_dossier(
        self,
        info: Info,
        code: str,
        input: Annotated[
            RatingInput, strawberry.argument(description="The scores and an optional comment.")
        ],
    ) -> RatingPayload:
        dossier = await _own_dossier_or_error(info, code)
        if isinstance(dossier, DomainError):
            return RatingPayload(errors=errors_from(FeedbackError, dossier))
        try:
            scores = RatingScores.model_validate(strawberry.asdict(input))
        except ValidationError as error:
            return RatingPayload(errors=errors_from_validation(FeedbackError, error, "input"))
        try:
            user, hours = info.context.principal.subject, info.context.office_hours
            rating = await rate(dossier, scores, user, hours=hours)
        except DomainError as error:
            return RatingPayload(errors=errors_from(FeedbackError, error))
        return RatingPayload(rating=RatingType.from_document(rating))

    @strawberry.mutation(description="Give feedback on, or complain about, your own dossier.")
    async def file_feedback(
        self,
        info: Info,
        code: str,
        kind: Annotated[
            FeedbackKind,
            strawberry.argument(description="A comment, or a complaint (which gets an answer)."),
        ],
        text: FreeText,
    ) -> FeedbackPayload:
        dossier = await _own_dossier_or_error(info, code)
        if isinstance(dossier, DomainError):
            return FeedbackPayload(errors=errors_from(FeedbackError, dossier))
        try:
            item = await file_feedback(
                dossier,
                FeedbackKind(kind),
                text,
                info.context.principal.subject,
                hours=info.context.office_hours,
            )
        except DomainError as error:
            return FeedbackPayload(errors=errors_from(FeedbackError, error))
        return FeedbackPayload(feedback=FeedbackType.from_document(item))

    @strawberry.mutation(description="Answer feedback on a dossier your agency handles.")
    async def answer_feedback(
        self, info: Info, id: strawberry.ID, answer: FreeText
    ) -> FeedbackPayload:
        access = await info.context.access()
        if access.kind is not PrincipalKind.OFFICER:
            raise PermissionDeniedError("feedback is answered by the handling agency's officers")
        try:
            item = await load_feedback(raw_key(id, "Feedback"))
            dossier = await load_dossier(item.dossier_code)
            if not access.sees_personal_data(dossier):
                raise DomainError(ErrorCode.NOT_FOUND, f"feedback {id!r} does not exist", "id")
            user, hours = info.context.principal.subject, info.context.office_hours
            item = await answer_feedback(item, answer, user, hours=hours)
        except DomainError as error:
            return FeedbackPayload(errors=errors_from(FeedbackError, error))
        return FeedbackPayload(feedback=FeedbackType.from_document(item))

    @strawberry.mutation(
        description="Say whether the answer to your own complaint satisfied you, once."
    )
    async def rate_feedback_answer(
        self,
        info: Info,
        feedback_id: strawberry.ID,
        satisfied: Annotated[
            bool, strawberry.argument(description="Whether the answer satisfied you.")
        ],
    ) -> FeedbackPayload:
        access = await info.context.access()
        if access.kind is not PrincipalKind.APPLICANT:
            raise PermissionDeniedError("only the complainant rates the answer")
        try:
            item = await load_feedback(raw_key(feedback_id, "Feedback"))
            try:
                await _own_dossier(info, item.dossier_code)
            except DomainError:  # someone else's complaint is as unknown as a made-up id
                raise DomainError(
                    ErrorCode.NOT_FOUND, f"feedback {feedback_id!r} does not exist", "feedbackId"
                ) from None
            item = await rate_answer(item, satisfied, hours=info.context.office_hours)
        except DomainError as error:
            return FeedbackPayload(errors=errors_from(FeedbackError, error))
        return FeedbackPayload(feedback=FeedbackType.from_document(item))
