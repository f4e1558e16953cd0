"""The append-only record of what happens to dossiers: audit trail, control slip, outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import Field, model_validator
from pymongo import ASCENDING, IndexModel

from documents.dossiers.statuses import DossierStatus


class EventType(StrEnum):
    RECEIVED = "RECEIVED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    ASSIGNED = "ASSIGNED"
    HANDED_OVER = "HANDED_OVER"
    SUPPLEMENT_REQUESTED = "SUPPLEMENT_REQUESTED"
    SUPPLEMENTED = "SUPPLEMENTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    RESULT_RETURNED = "RESULT_RETURNED"
    WITHDRAWN = "WITHDRAWN"
    APOLOGY_ISSUED = "APOLOGY_ISSUED"
    PAYMENT_REQUESTED = "PAYMENT_REQUESTED"
    PAYMENT_RECORDED = "PAYMENT_RECORDED"
    ATTACHMENT_ADDED = "ATTACHMENT_ADDED"
    ATTACHMENT_REMOVED = "ATTACHMENT_REMOVED"
    RESULT_ATTACHED = "RESULT_ATTACHED"
    # The dossier moved to the agency its handling agency was merged into.
    AGENCY_MERGED = "AGENCY_MERGED"


class DossierEvent(Document):
    dossier_code: str
    type: EventType
    at: datetime
    actor: str | None = None
    from_status: DossierStatus | None = None
    to_status: DossierStatus | None = None
    agency_code: str | None = None
    procedure_code: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    # A copy of the id: SecantusDB scans the whole collection for a range on `_id`, so
    # the feeds read "events after X" through an ordinary index on this field.
    seq: PydanticObjectId | None = None

    @model_validator(mode="after")
    def _numbered(self) -> DossierEvent:
        """The id is chosen when the event is made, and `seq` follows it."""
        if self.id is None:
            self.id = PydanticObjectId()
        if self.seq is None:
            self.seq = self.id
        return self

    class Settings:
        name = "dossier_events"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            # ObjectIds grow with time, so `_id` orders a dossier's events.
            IndexModel([("dossier_code", ASCENDING), ("_id", ASCENDING)], name="by_dossier"),
            IndexModel([("seq", ASCENDING)], name="seq"),
        ]


async def number_old_events() -> int:
    """Give events written before `seq` existed their `seq` (once, at start-up)."""
    result = await DossierEvent.get_pymongo_collection().update_many(
        {"seq": None}, [{"$set": {"seq": "$_id"}}]
    )
    return result.modified_count


async def events_by_ids(ids: list[str]) -> list[DossierEvent]:
    valid = [PydanticObjectId(i) for i in ids if PydanticObjectId.is_valid(i)]
    return await DossierEvent.find({"_id": {"$in": valid}}).to_list() if valid else []
