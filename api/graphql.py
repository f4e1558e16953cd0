"""The GraphQL endpoint: Strawberry's ASGI app with our per-request context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.settings import Settings
from documents.principal import ANONYMOUS
from schema import build_schema
from schema.context import Context


class MotcuaGraphQL(GraphQL[Context, None]):
    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        state = request.scope.get("state", {})
        client = request.client.host if request.client else ""
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=state.get("principal", ANONYMOUS),
            request_id=state.get("request_id", ""),
            client_address=client,
        )


def graphql_app(settings: Settings) -> MotcuaGraphQL:
    return MotcuaGraphQL(
        build_schema(),
        graphql_ide="graphiql" if settings.development else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
