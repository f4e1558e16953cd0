"""Rating a dossier, filing feedback, answering it and rating the answer; each write
also brings the statistics roll-ups up to date in the same transaction."""

from __future__ import annotations

from beanie import PydanticObjectId
from pydantic import ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import local_date, utcnow
from documents.common.errors import DomainError, ErrorCode, invalid_input, not_found
from documents.common.transactions import in_transaction
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import RATEABLE
from documents.statistics.facts import refresh_fact
from documents.statistics.ratings import Feedback, FeedbackKind, Rating, RatingScores


async def _dossier(code: str) -> Dossier:
    dossier = await Dossier.find_one(Dossier.code == code)
    if dossier is None:
        raise not_found("dossier", code, "code")
    return dossier


async def rate(
    dossier: Dossier, scores: RatingScores, user: str | None, *, hours: OfficeHours
) -> Rating:
    """Once, on a dossier that was returned or rejected."""
    if dossier.status not in RATEABLE:
        message = "only returned or rejected dossiers can be rated"
        raise DomainError(ErrorCode.ILLEGAL_TRANSITION, message, "code")
    calendar = await load_calendar(hours)
    now = utcnow()

    async def work(session: AsyncClientSession) -> Rating:
        if await Rating.find_one(Rating.dossier_code == dossier.code, session=session):
            raise DomainError(ErrorCode.ALREADY_EXISTS, "the dossier was already rated", "code")
        rating = Rating(dossier_code=dossier.code, scores=scores, rated_at=now, rated_by=user)
        await rating.insert(session=session)
        await refresh_fact(dossier, calendar, session)
        return rating

    return await in_transaction(Rating, work)


async def file_feedback(
    dossier: Dossier, kind: FeedbackKind, text: str, user: str | None, *, hours: OfficeHours
) -> Feedback:
    calendar = await load_calendar(hours)
    try:
        feedback = Feedback(
            dossier_code=dossier.code,
            kind=kind,
            text=text.strip(),
            filed_at=utcnow(),
            filed_by=user,
        )
    except ValidationError as error:
        raise invalid_input(error, "text") from None

    async def work(session: AsyncClientSession) -> Feedback:
        feedback.id = None
        await feedback.insert(session=session)
        await refresh_fact(dossier, calendar, session)
        return feedback

    return await in_transaction(Feedback, work)


async def load_feedback(feedback_id: str) -> Feedback:
    found = None
    if PydanticObjectId.is_valid(feedback_id):
        found = await Feedback.get(PydanticObjectId(feedback_id))
    if found is None:
        raise not_found("feedback", feedback_id, "id")
    return found


async def answer_feedback(
    feedback: Feedback, answer: str, user: str | None, *, hours: OfficeHours
) -> Feedback:
    """Answered once; the time taken is kept in working days."""
    if feedback.answered_at is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "the feedback was already answered", "id")
    if not answer.strip():
        raise DomainError(ErrorCode.VALIDATION_FAILED, "the answer is empty", "answer")
    calendar = await load_calendar(hours)
    dossier = await _dossier(feedback.dossier_code)
    now = utcnow()
    feedback.answer, feedback.answered_at, feedback.answered_by = answer.strip(), now, user
    feedback.answer_working_days = calendar.working_days_between(
        local_date(feedback.filed_at), local_date(now)
    )

    async def work(session: AsyncClientSession) -> Feedback:
        await feedback.replace(session=session)
        await refresh_fact(dossier, calendar, session)
        return feedback

    return await in_transaction(Feedback, work)


async def rate_answer(feedback: Feedback, satisfied: bool, *, hours: OfficeHours) -> Feedback:
    """The complainant says, once, whether the answer to their complaint satisfied them."""
    if feedback.kind is not FeedbackKind.COMPLAINT or feedback.answered_at is None:
        message = "only an answered complaint can be rated"
        raise DomainError(ErrorCode.ILLEGAL_TRANSITION, message, "feedbackId")
    if feedback.answer_satisfied is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "the answer was already rated", "feedbackId")
    calendar = await load_calendar(hours)
    dossier = await _dossier(feedback.dossier_code)
    feedback.answer_satisfied, feedback.answer_rated_at = satisfied, utcnow()

    async def work(session: AsyncClientSession) -> Feedback:
        # Only an unrated answer is rated: two at once conflict, one wins.
        result = await Feedback.get_pymongo_collection().update_one(
            {"_id": feedback.id, "answer_satisfied": None},
            {"$set": {"answer_satisfied": satisfied, "answer_rated_at": feedback.answer_rated_at}},
            session=session,
        )
        if result.modified_count != 1:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, "the answer was already rated", "feedbackId"
            )
        await refresh_fact(dossier, calendar, session)
        return feedback

    return await in_transaction(Feedback, work)
