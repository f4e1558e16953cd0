"""The audit log: one append-only record per mutation request.

Records are only ever inserted; nothing in the code base updates or deletes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document, PydanticObjectId, SortDirection
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from documents.common.clock import utcnow


class AdminChange(BaseModel):
    """An admin object before and after the change (None when created or removed)."""

    target: str
    key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class AuditRecord(Document):
    at: datetime = Field(default_factory=utcnow)
    actor_kind: str
    actor: str | None = None
    actor_agency: str | None = None
    request_id: str = ""
    operations: list[str]
    # The dossier codes or object keys the mutation named, never personal data.
    targets: list[str] = Field(default_factory=list)
    succeeded: bool = True
    errors: list[str] = Field(default_factory=list)
    changes: list[AdminChange] = Field(default_factory=list)

    class Settings:
        name = "audit_log"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("at", DESCENDING)], name="at"),
            IndexModel([("operations", ASCENDING), ("at", DESCENDING)], name="operation"),
        ]


async def audit_page(
    first: int,
    before: PydanticObjectId | None = None,
    operation: str | None = None,
    agencies: frozenset[str] | None = None,
) -> tuple[list[AuditRecord], bool]:
    """Newest first; `before` is the id of the last record of the previous page;
    `agencies` keeps the records of actors from those agencies only."""
    query: dict[str, Any] = {}
    if agencies is not None:
        query["actor_agency"] = {"$in": sorted(agencies)}
    if operation:
        query["operations"] = operation
    if before is not None:
        query["_id"] = {"$lt": before}
    found = (
        await AuditRecord.find(query)
        .sort([("_id", SortDirection.DESCENDING)])
        .limit(first + 1)
        .to_list()
    )
    return found[:first], len(found) > first


async def audit_records_by_ids(ids: list[str]) -> list[AuditRecord]:
    valid = [PydanticObjectId(i) for i in ids if PydanticObjectId.is_valid(i)]
    return await AuditRecord.find({"_id": {"$in": valid}}).to_list() if valid else []
