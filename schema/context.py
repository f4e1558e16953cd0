"""The typed context every resolver sees; `api/` builds one per request."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from documents.principal import ANONYMOUS, Principal
from documents.processing import Actor
from loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None = None
    principal: Principal = ANONYMOUS
    request_id: str = ""
    # The client's address, for per-address limits on anonymous queries.
    client_address: str = ""
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def actor(self) -> Actor:
        """Who acts in this request, as the domain records it."""
        return Actor(user=self.principal.subject, agency_code=self.principal.agency_code)


Info = strawberry.Info[Context, None]
