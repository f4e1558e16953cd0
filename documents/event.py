"""The append-only record of what happens to dossiers: audit trail, control slip, outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from documents.dossier import DossierStatus


class EventType(StrEnum):
    RECEIVED = "RECEIVED"


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

    class Settings:
        name = "dossier_events"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            # ObjectIds grow with time, so `_id` orders a dossier's events.
            IndexModel([("dossier_code", ASCENDING), ("_id", ASCENDING)], name="by_dossier"),
        ]
