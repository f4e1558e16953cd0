"""What the applicant thought of a dossier: its rating and feedback, as read types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Self

import strawberry
from strawberry import relay

from documents.common.errors import DomainError
from documents.dossiers.dossier import Dossier
from documents.statistics.rating import load_feedback
from documents.statistics.ratings import Feedback, Rating
from schema.core.context import Info
from schema.core.enums import FeedbackKind, RatingLevel
from schema.dossiers.visibility import all_as_seen, loaded_dossiers


@strawberry.type(
    name="Rating", description="The applicant's rating of a finished dossier (one per dossier)."
)
class RatingType(relay.Node):
    dossier_code: strawberry.Private[str]
    overall: RatingLevel = strawberry.field(description="How satisfied, overall.")
    time: int = strawberry.field(description="The processing time, from 1 to 5.")
    attitude: int = strawberry.field(description="The officers' attitude, from 1 to 5.")
    guidance: int = strawberry.field(description="The guidance given, from 1 to 5.")
    cost: int = strawberry.field(description="The cost, from 1 to 5.")
    comment: str | None = strawberry.field(description="The applicant's comment, if any.")
    rated_at: datetime = strawberry.field(description="When it was rated.")

    @classmethod
    def from_document(cls, rating: Rating) -> RatingType:
        s = rating.scores
        return cls(
            dossier_code=rating.dossier_code,
            overall=s.overall,
            time=s.time,
            attitude=s.attitude,
            guidance=s.guidance,
            cost=s.cost,
            comment=s.comment,
            rated_at=rating.rated_at,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.dossier_code  # one rating per dossier

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RatingType | None]:
        codes = await _visible_codes(info, list(node_ids))
        found = [await info.context.loaders.rating_by_dossier.load(c) if c else None for c in codes]
        return [cls.from_document(r) if r else None for r in found]


@strawberry.type(
    name="Feedback", description="An applicant's comment or complaint about their dossier."
)
class FeedbackType(relay.Node):
    feedback_id: strawberry.Private[str]
    dossier_code: str = strawberry.field(description="The dossier it is about.")
    kind: FeedbackKind = strawberry.field(description="A comment, or a complaint.")
    text: str = strawberry.field(description="What the applicant wrote.")
    filed_at: datetime = strawberry.field(description="When it was filed.")
    answer: str | None = strawberry.field(description="The agency's answer; null until answered.")
    answered_at: datetime | None = strawberry.field(
        description="When it was answered; null until then."
    )
    answer_working_days: int | None = strawberry.field(description="From filing to the answer.")
    answer_satisfied: bool | None = strawberry.field(
        description="Whether the complainant was satisfied with the answer; null until rated."
    )

    @classmethod
    def from_document(cls, item: Feedback) -> FeedbackType:
        return cls(
            feedback_id=str(item.id),
            dossier_code=item.dossier_code,
            kind=item.kind,
            text=item.text,
            filed_at=item.filed_at,
            answer=item.answer,
            answered_at=item.answered_at,
            answer_working_days=item.answer_working_days,
            answer_satisfied=item.answer_satisfied,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.feedback_id

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FeedbackType | None]:
        wanted = list(node_ids)
        items = [await _feedback_or_none(i) for i in wanted]
        codes = await _visible_codes(info, [i.dossier_code if i else "" for i in items])
        return [
            cls.from_document(i) if i and code else None
            for i, code in zip(items, codes, strict=True)
        ]


async def _feedback_or_none(feedback_id: str) -> Feedback | None:
    try:
        return await load_feedback(feedback_id)
    except DomainError:
        return None


async def _visible_codes(info: Info, codes: list[str]) -> list[str | None]:
    """Each code whose dossier the viewer may see (`dossier(code)`'s rule), else None."""
    loaded = await loaded_dossiers(info, [c for c in codes if c])
    readable = iter(
        await all_as_seen(info, [d if isinstance(d, Dossier) else None for d in loaded])
    )
    return [(c if next(readable) is not None else None) if c else None for c in codes]


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
