"""The port to the national population database (Resolution 66.7/2025): a lookup of a
citizen by personal identification number and full name, and its four outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class LookupResult(StrEnum):
    # The number is in the database and the name matches it.
    FOUND = "FOUND"
    # No citizen has this number.
    NOT_FOUND = "NOT_FOUND"
    # The number is there, under another name.
    MISMATCH = "MISMATCH"
    # No answer: the service failed, timed out or is not configured.
    UNAVAILABLE = "UNAVAILABLE"


@dataclass(frozen=True)
class PopulationQuery:
    """What the database matches on. Kept out of `repr`, so that a query that reaches
    a log or a traceback by mistake shows no personal data."""

    id_number: str = field(repr=False)
    full_name: str = field(repr=False)


@dataclass(frozen=True)
class LookupOutcome:
    """The answer, without anything the database holds about the person: nothing
    personal is copied into the dossier."""

    result: LookupResult

    @property
    def found(self) -> bool:
        return self.result is LookupResult.FOUND


class PopulationRegistry(Protocol):
    """Answers a lookup; never raises for the service's own failures (they are
    UNAVAILABLE), so that a submission never fails because the database did."""

    async def lookup(self, query: PopulationQuery) -> LookupOutcome: ...
