"""The population lookups of generated demo dossiers: recorded as found, without a call.

Demo dossiers are back-dated up to a year and their applicants are drawn at random, so
they are neither in the simulator's synthetic table nor can a lookup be made at their
time of receipt. Their records say FOUND, by the seeding actor ("seed"); a dossier
submitted to the running demo is looked up in the simulator for real (docs/population.md)."""

from __future__ import annotations

from documents.national.population import LookupOutcome, LookupResult, PopulationQuery


class RecordedAsFound:
    """A `PopulationRegistry` for seeding only: every citizen is taken as found."""

    async def lookup(self, query: PopulationQuery) -> LookupOutcome:
        return LookupOutcome(LookupResult.FOUND)
