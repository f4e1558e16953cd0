"""The typed context every resolver sees; `api/` builds one per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from documents.access.idempotency import IdempotencyTiming
from documents.access.policy import Access, access_for
from documents.access.principals import ANONYMOUS, Principal
from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.actor import Actor
from documents.dossiers.events import DossierEvent
from documents.national.population import PopulationRegistry
from documents.papers.attachments import AttachmentLimits
from loaders import Loaders
from schema.core.audit import AuditDraft


class Limiter(Protocol):
    """Allows or refuses one more call for a key (e.g. a client address); the count is
    shared by every API process, so asking may take a database round trip."""

    async def allow(self, key: str) -> bool: ...


class SubscriberTooSlowError(Exception):
    """A subscriber's buffer overflowed; the hub dropped it. It may resume with `after`."""


@dataclass(frozen=True)
class LiveEvent:
    """A new event as the hub hands it to every subscriber, with loaders created for
    this event alone: they hold raw documents, shared so N subscribers cost one read,
    and shielded (`Loaders.shared()`) so no subscriber's cancellation cancels a read the
    others wait for; each viewer's access is still checked against them."""

    event: DossierEvent
    loaders: Loaders


class LiveFeed(Protocol):
    """One subscriber's feed of newly inserted dossier events, in commit order. `after`
    is the position of the last event the hub published before the feed registered
    (None: none since the hub started): every event after it comes to the feed."""

    after: int | None

    def __aiter__(self) -> AsyncIterator[LiveEvent]: ...


class EventSource(Protocol):
    """The process's event hub as resolvers see it: `subscribe()` registers a buffered
    live feed of newly inserted dossier events; the feed raises SubscriberTooSlowError
    when the subscriber fell too far behind."""

    def subscribe(self) -> AbstractAsyncContextManager[LiveFeed]: ...


@dataclass
class Context:
    request: Request | WebSocket
    # This app's office hours and upload limits (api/settings.py), for the domain calls.
    office_hours: OfficeHours = field(kw_only=True)
    attachment_limits: AttachmentLimits = field(kw_only=True)
    # How long an idempotency key's claim holds (docs/durability.md).
    idempotency: IdempotencyTiming = field(default_factory=IdempotencyTiming, kw_only=True)
    response: Response | None = None
    principal: Principal = ANONYMOUS
    request_id: str = ""
    # The client's address, for per-address limits on anonymous queries.
    client_address: str = ""
    audit: AuditDraft = field(default_factory=AuditDraft)
    # Limits anonymous dossier look-ups per client address; set by the transport.
    public_lookups: Limiter | None = None
    # The process's event hub, for subscriptions; set by the transport.
    events: EventSource | None = None
    # The population database's adapter (docs/population.md); None: not configured.
    population: PopulationRegistry | None = None
    # The graphql-transport-ws connection_init payload (Strawberry sets it).
    connection_params: dict[str, Any] | None = None
    # Errors of items left out of lists (schema/core/unreadable.py), added to the result.
    left_out: list[GraphQLError] = field(default_factory=list)
    # The position of the event a subscription yields now: the transport's fan-out sends
    # it only to the members that joined before that event (api/http/fanout.py).
    position: int | None = None
    _access: Access | None = field(default=None, repr=False)
    # Made on first use: an idle subscription's connection never needs its own.
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        """This request's loaders (a subscription swaps in each event's shared ones)."""
        if self._loaders is None:
            self._loaders = Loaders()
        return self._loaders

    @loaders.setter
    def loaders(self, loaders: Loaders) -> None:
        self._loaders = loaders

    async def access(self) -> Access:
        """The principal with the agencies it covers, worked out once per request."""
        if self._access is None:
            self._access = await access_for(self.principal)
        return self._access

    @property
    def actor(self) -> Actor:
        """Who acts in this request, as the domain records it."""
        return Actor(user=self.principal.subject, agency_code=self.principal.agency_code)


Info = strawberry.Info[Context, None]
