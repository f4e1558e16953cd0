"""Authentication: bearer JWTs and integrator API keys → a Principal. (Being written.)"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.settings import Settings


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
