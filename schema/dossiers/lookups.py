"""The national-database lookups a dossier records instead of papers (docs/population.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.dossiers.parts import DatabaseLookup
from schema.core.enums import LookupResult, NationalDatabase
from schema.core.global_ids import derived_id


@strawberry.type(
    name="DatabaseLookup",
    description="A national database looked up at submission instead of asking for a "
    "paper (Resolution 66.7/2025/NQ-CP): which, for which paper, when, by whom, and the "
    "result. Nothing the database holds about the person is kept.",
)
class DatabaseLookupType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code and the lookup's number (1, 2 …), for "
        "caches; not a `Node` (docs/relay.md)."
    )
    database: NationalDatabase = strawberry.field(description="The database looked up.")
    slot: str = strawberry.field(description="The required paper it stands in for.")
    at: datetime = strawberry.field(description="When it was looked up.")
    by: str | None = strawberry.field(description="Who submitted the dossier.")
    result: LookupResult = strawberry.field(description="What it answered.")

    @classmethod
    def from_model(
        cls, lookup: DatabaseLookup, dossier_code: str, number: int
    ) -> DatabaseLookupType:
        return cls(id=derived_id("DatabaseLookup", dossier_code, number), **lookup.model_dump())
