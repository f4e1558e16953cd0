"""The population database adapter: the `PopulationRegistry` port over HTTP, at
MOTCUA_POPULATION_URL (in development, the simulator `motcua serve` starts)."""

from __future__ import annotations

import asyncio
import logging

import httpx

from api.settings import Settings
from documents.national.population import LookupOutcome, LookupResult, PopulationQuery

log = logging.getLogger(__name__)

# The answers the protocol knows; anything else is a failure of the service.
_ANSWERS = {
    result.value: result for result in LookupResult if result is not LookupResult.UNAVAILABLE
}
_UNAVAILABLE = LookupOutcome(LookupResult.UNAVAILABLE)


class PopulationService:
    """One HTTP client per app, closed with it. A timeout, a refused connection, a
    non-200 answer or an unreadable one is UNAVAILABLE, never an exception: the
    submission goes on and asks for the paper instead. Logs name only what failed,
    never the query (the number and the name are personal data)."""

    def __init__(self, url: str | None, timeout_seconds: float) -> None:
        self.configured = url is not None
        self._timeout = timeout_seconds
        self._client = (
            None
            if url is None
            else httpx.AsyncClient(
                base_url=url, timeout=httpx.Timeout(timeout_seconds), follow_redirects=False
            )
        )

    async def lookup(self, query: PopulationQuery) -> LookupOutcome:
        if self._client is None:
            log.warning("population lookup unavailable: MOTCUA_POPULATION_URL is not set")
            return _UNAVAILABLE
        body = {"idNumber": query.id_number, "fullName": query.full_name}
        try:
            async with asyncio.timeout(self._timeout):  # the whole exchange, not each phase
                response = await self._client.post("lookups", json=body)
        except (httpx.HTTPError, TimeoutError) as error:
            log.warning("population lookup unavailable: %s", type(error).__name__)
            return _UNAVAILABLE
        if response.status_code != 200:
            log.warning("population lookup unavailable: HTTP %d", response.status_code)
            return _UNAVAILABLE
        try:
            answer = response.json()
            result = _ANSWERS[answer["result"]]
        except (ValueError, KeyError, TypeError):
            log.warning("population lookup unavailable: an answer outside the protocol")
            return _UNAVAILABLE
        return LookupOutcome(result)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def population_service(settings: Settings) -> PopulationService:
    """The app's adapter, from MOTCUA_POPULATION_URL and its timeout; unset, it says so
    once at start-up and every lookup is UNAVAILABLE."""
    if settings.population_url is None:
        log.warning("MOTCUA_POPULATION_URL is not set: population lookups are unavailable")
    return PopulationService(settings.population_url, settings.population_timeout_seconds)
