"""How the API reports errors: stable codes, masking in production, request ids."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from starlette.responses import JSONResponse
from strawberry.extensions import MaskErrors
from strawberry.relay import GlobalIDValueError

from documents.common.errors import DomainError
from schema.core.pagination import InvalidCursorError
from schema.core.permissions import PermissionDeniedError

logger = logging.getLogger("motcua.errors")

UNEXPECTED_MESSAGE = "Unexpected error."
INTERNAL_ERROR = "INTERNAL_ERROR"
TIMEOUT = "TIMEOUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

# Strawberry's and graphql-core's limit errors carry no code; their wording does.
_CODES_BY_MESSAGE = (
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"exceeds maximum operation depth of \d+"), "QUERY_TOO_DEEP"),
    (re.compile(r"\d+ aliases found\. Allowed: \d+"), "TOO_MANY_ALIASES"),
)
_SUGGESTION = re.compile(r"\s*Did you mean .*\Z", re.DOTALL)

# Exceptions resolvers raise on purpose; their messages are for the client.
_EXPECTED: tuple[type[Exception], ...] = (
    GraphQLError,
    DomainError,
    PermissionDeniedError,
    GlobalIDValueError,
    InvalidCursorError,
)


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, _EXPECTED):
        return False
    # Resolvers raise a plain ValueError for bad client input (cursors, pointers);
    # its subclasses (pydantic, JSON, Unicode errors) come from our own code.
    return type(original) is not ValueError


def error_code(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    for pattern, known in _CODES_BY_MESSAGE:
        if pattern.search(error.message):
            return known
    if is_unexpected(error):
        return INTERNAL_ERROR
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    return VALIDATION_FAILED if error.path is None else None


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


def presented(error: GraphQLError, production: bool, request_id: str) -> GraphQLError:
    """The error as the client sees it: coded, and in production masked if unexpected
    (logged in full) and without suggestions, so the schema cannot be guessed field
    by field. Masked errors pass through unchanged, so applying this twice is safe.
    """
    if is_unexpected(error):
        logger.error(
            "Unexpected error [request %s]: %s",
            request_id,
            error.message,
            exc_info=error.original_error,
        )
        if production:
            return GraphQLError(
                UNEXPECTED_MESSAGE,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": INTERNAL_ERROR, "requestId": request_id},
            )
    message = _SUGGESTION.sub("", error.message) if production else error.message
    extensions = dict(error.extensions or {})
    code = error_code(error)
    if code is not None:
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
        request_id = str(getattr(self.execution_context.context, "request_id", ""))
        return presented(error, self.production, request_id)


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
