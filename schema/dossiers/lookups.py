"""The national-database lookups a dossier records instead of papers (docs/population.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.dossiers.parts import DatabaseLookup
from schema.core.enums import LookupResult, NationalDatabase


@strawberry.type(
    name="DatabaseLookup",
    description="A national database looked up at submission instead of asking for a "
    "paper (Resolution 66.7/2025/NQ-CP): which, for which paper, when, by whom, and the "
    "result. Nothing the database holds about the person is kept.",
)
class DatabaseLookupType:
    database: NationalDatabase
    slot: str = strawberry.field(description="The required paper it stands in for.")
    at: datetime
    by: str | None = strawberry.field(description="Who submitted the dossier.")
    result: LookupResult

    @classmethod
    def from_model(cls, lookup: DatabaseLookup) -> DatabaseLookupType:
        return cls(**lookup.model_dump())
