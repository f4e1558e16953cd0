"""The typed context every resolver sees; `api/` builds one per request."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from documents.processing import Actor
from loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None = None
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def actor(self) -> Actor:
        """Who acts in this request, as the domain sees it."""
        return Actor()


Info = strawberry.Info[Context, None]
