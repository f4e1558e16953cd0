"""The authentication middleware: the request's Principal into `scope["state"]`, or a 401."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.authentication import AuthenticationError, Authenticator
from api.middleware.deadline import database_time
from api.settings import Settings

# The API surface (and the agencies' tracking books, the group receipts); other paths
# and WebSockets are not authenticated here.
PROTECTED_PREFIXES = ("/graphql", "/dossiers/", "/agencies/", "/groups/")


class AuthMiddleware:
    """Puts the request's Principal in `scope["state"]`, or answers 401."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.authenticator = Authenticator(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            with database_time(scope):  # an API key is looked up
                principal = await self.authenticator.authenticate(Headers(scope=scope))
        except AuthenticationError as error:
            await _unauthenticated(str(error))(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _unauthenticated(message: str) -> JSONResponse:
    # Header values are Latin-1 and quoted: keep the description ASCII and escaped.
    description = message.encode("ascii", "replace").decode().replace("\\", "\\\\")
    description = description.replace('"', '\\"')
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'
        },
    )
