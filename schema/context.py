"""The typed context every resolver sees; `api/` builds one per request."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None = None
    loaders: Loaders = field(default_factory=Loaders)


Info = strawberry.Info[Context, None]
