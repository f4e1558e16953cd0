"""How the API reports errors: stable codes, masking in production, request ids."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from starlette.responses import JSONResponse, PlainTextResponse
from strawberry.extensions import MaskErrors

from schema.core.errors_processing import (
    INTERNAL_ERROR,
    PARSE_FAILED,
    UNAVAILABLE,
    error_code,
    is_unexpected,
)
from schema.core.input_errors import VALIDATION_FAILED, without_input

UNEXPECTED_MESSAGE = "Unexpected error."
TIMEOUT = "TIMEOUT"
# The database could not be reached or did not answer in time (docs/durability.md).
UNAVAILABLE_MESSAGE = "The database is unavailable; try again in a moment."
STOPPING_MESSAGE = "The server is stopping; try again in a moment."
RETRY_AFTER_SECONDS = 5

__all__ = [
    "INTERNAL_ERROR",
    "PARSE_FAILED",
    "TIMEOUT",
    "UNAVAILABLE",
    "VALIDATION_FAILED",
    "ErrorPolicy",
    "error_code",
    "error_response",
    "presented",
    "unavailable_page",
    "unavailable_response",
]

_SUGGESTION = re.compile(r"\s*Did you mean .*\Z", re.DOTALL)


def rebuilt(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def presented(
    error: GraphQLError, production: bool, request_id: str, schema: GraphQLSchema | None = None
) -> GraphQLError:
    """The error as the client sees it: coded; never quoting the input it is about; in
    production masked if unexpected (`Schema.process_errors` has logged it) and without
    suggestions, so the schema cannot be guessed field by field. Masked errors pass
    through unchanged, so applying this twice is safe.
    """
    if is_unexpected(error) and production:
        return GraphQLError(
            UNEXPECTED_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": INTERNAL_ERROR, "requestId": request_id},
        )
    code = error_code(error)  # before rewording, which keeps no syntax error's class
    if code == UNAVAILABLE and "code" not in (error.extensions or {}):
        # The driver's message names hosts and timeouts: the client needs none of it.
        extensions = {"code": UNAVAILABLE, "retryAfter": RETRY_AFTER_SECONDS}
        return rebuilt(error, UNAVAILABLE_MESSAGE, extensions | {"requestId": request_id})
    if schema is not None:
        error = without_input(error, schema)
    message = _SUGGESTION.sub("", error.message) if production else error.message
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", code)
    if message == error.message and extensions == (error.extensions or {}):
        return error
    return rebuilt(error, message, extensions)


class ErrorPolicy(MaskErrors):
    """Applies `presented` to every error of every result, plain or streamed."""

    def __init__(self, production: bool) -> None:
        # MaskErrors walks results and streams; `anonymise_error` decides per error.
        super().__init__(should_mask_error=lambda _: True)
        self.production = production

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context
        request_id = str(getattr(context.context, "request_id", ""))
        return presented(error, self.production, request_id, context.schema._schema)


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    request_id: str = "",
    headers: dict[str, str] | None = None,
    media_type: str = "application/json",
) -> JSONResponse:
    """A refusal outside GraphQL execution, shaped like a GraphQL error response."""
    extensions: dict[str, str] = {"code": code or HTTPStatus(status).name}
    if request_id:
        extensions["requestId"] = request_id
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)


def unavailable_response(request_id: str = "", message: str = UNAVAILABLE_MESSAGE) -> JSONResponse:
    """A GraphQL request the database failed before it ran: 503, with Retry-After."""
    return error_response(
        503,
        message,
        UNAVAILABLE,
        request_id,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def unavailable_page() -> PlainTextResponse:
    """A page or download that cannot be answered now: 503 in plain words, with
    Retry-After."""
    return PlainTextResponse(
        "The service is unavailable for a moment; please try again.\n",
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )
