"""Applicants' ratings and feedback on their dossiers (the "satisfaction" of 3 increases)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

# Complaints are to be answered within 15 working days (Law on Complaints, art. 28).
COMPLAINT_ANSWER_DAYS = 15
FEEDBACK_TEXT_LIMIT = 2000


class RatingLevel(StrEnum):
    SATISFIED = "SATISFIED"
    NORMAL = "NORMAL"
    DISSATISFIED = "DISSATISFIED"


class FeedbackKind(StrEnum):
    FEEDBACK = "FEEDBACK"
    COMPLAINT = "COMPLAINT"


Score = Annotated[int, Field(ge=1, le=5)]


class RatingScores(BaseModel):
    """What the applicant gives: an overall level and four criteria from 1 to 5."""

    overall: RatingLevel
    time: Score
    attitude: Score
    guidance: Score
    cost: Score
    comment: Annotated[str | None, Field(max_length=FEEDBACK_TEXT_LIMIT)] = None


class Rating(Document):
    dossier_code: Annotated[str, Indexed(unique=True)]
    scores: RatingScores
    rated_at: datetime
    rated_by: str | None = None

    @property
    def overall(self) -> RatingLevel:
        return self.scores.overall

    class Settings:
        name = "ratings"


class Feedback(Document):
    dossier_code: str
    kind: FeedbackKind
    text: Annotated[str, Field(min_length=1, max_length=FEEDBACK_TEXT_LIMIT)]
    filed_at: datetime
    filed_by: str | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    # Working days from filing to the answer, counted when it is answered.
    answer_working_days: int | None = None
    # The applicant's verdict on the answer (Decision 766: satisfaction with how a
    # complaint was handled); None until they give it, once.
    answer_satisfied: bool | None = None
    answer_rated_at: datetime | None = None

    class Settings:
        name = "feedback"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("dossier_code", ASCENDING), ("filed_at", ASCENDING)], name="by_dossier"),
        ]
