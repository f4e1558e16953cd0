"""Whose fault an error is, its `extensions.code`, and the one log line an unexpected
error gets: Strawberry's `Schema.process_errors`, overridden.

Client errors (validation, payload and permission errors, limits, bad ids and cursors)
are answered and not logged. Unexpected ones are logged once, with the request id, the
code, the field path, the exception's type and its stack, but never the exception's
message, the query text or the variables: any of those may carry personal data. A
database that cannot be reached or did not answer in time is nobody's bug: UNAVAILABLE,
one warning line per request, no stack.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WriteConcernError
from strawberry.relay import GlobalIDValueError
from strawberry.types import ExecutionContext

from documents.common.errors import DomainError, ErrorCode
from schema.core.input_errors import INVALID_ID, VALIDATION_FAILED, InputValueError
from schema.core.pagination import InvalidCursorError

logger = logging.getLogger("motcua.errors")

INTERNAL_ERROR = "INTERNAL_ERROR"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INVALID_CURSOR = "INVALID_CURSOR"
UNAVAILABLE = str(ErrorCode.UNAVAILABLE)

# Labels the driver puts on errors it retries; still there when retrying ran out.
_RETRY_LABELS = (
    "TransientTransactionError",
    "UnknownTransactionCommitResult",
    "RetryableWriteError",
)

# Strawberry's and graphql-core's limit errors carry no code; their wording does.
_CODES_BY_MESSAGE = (
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"exceeds maximum operation depth of \d+"), "QUERY_TOO_DEEP"),
    (re.compile(r"\d+ aliases found\. Allowed: \d+"), "TOO_MANY_ALIASES"),
)
# graphql-core's own complaints while completing a result: the schema and the
# resolvers disagree, which is a bug, not the client's doing.
_COMPLETION = re.compile(
    r"Cannot return null for non-nullable field|Expected Iterable|Abstract type|"
    r"Runtime Object type|cannot represent|Expected value of type"
)


def database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached, or did not answer (or journal a write) in time:
    the database server is down, hanging, stepping down or failing over, and the request
    may be tried again later. Errors raised from such an error count as it."""
    while error is not None:
        if isinstance(error, PyMongoError) and (
            isinstance(error, ConnectionFailure | ExecutionTimeout | WriteConcernError)
            or error.timeout
            or any(error.has_error_label(label) for label in _RETRY_LABELS)
        ):
            return True
        error = error.__cause__
    return False


def _field_error_code(original: Exception | None) -> str:
    """The code of an error raised while resolving a field."""
    if isinstance(original, DomainError):
        return str(original.code)
    if isinstance(original, GlobalIDValueError):
        return INVALID_ID
    if isinstance(original, InvalidCursorError):
        return INVALID_CURSOR
    if isinstance(original, GraphQLError):
        return INTERNAL_ERROR if _COMPLETION.search(original.message) else BAD_USER_INPUT
    # Resolvers raise a plain ValueError for bad client input ("first must not be
    # negative"); its subclasses (pydantic, JSON, Unicode errors) come from our code.
    if original is None or type(original) is ValueError or isinstance(original, InputValueError):
        return BAD_USER_INPUT
    return INTERNAL_ERROR


def derived_code(error: GraphQLError) -> str:
    """The code an error without `extensions.code` gets."""
    for pattern, known in _CODES_BY_MESSAGE:
        if pattern.search(error.message):
            return known
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    original = error.original_error
    if not isinstance(original, DomainError) and database_unavailable(original):
        return UNAVAILABLE  # in a field or before execution (an extension's query)
    if error.path is not None:
        return _field_error_code(original)
    # Before execution: validation, variables, limits; or an extension that broke.
    if original is None or isinstance(original, GraphQLError | DomainError | InputValueError):
        return VALIDATION_FAILED
    return INTERNAL_ERROR


def error_code(error: GraphQLError) -> str:
    """Every error has one: its own, or the one `derived_code` gives."""
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else derived_code(error)


def is_unexpected(error: GraphQLError) -> bool:
    """A bug of ours (not yet masked): logged, and masked in production."""
    return "code" not in (error.extensions or {}) and derived_code(error) == INTERNAL_ERROR


def _stack(error: BaseException | None) -> str:
    """Where each exception of the chain was raised, without its message."""
    lines: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.format_list(traceback.extract_tb(error.__traceback__))
        lines = [f"{type(error).__qualname__}, raised at:\n", *frames, *lines]
        error = error.__cause__ or error.__context__
    return "".join(lines)


def log_unexpected(error: GraphQLError, request_id: str) -> None:
    where = ".".join(str(p) for p in error.path) if error.path else "-"
    original = error.original_error
    kind = type(original).__qualname__ if original is not None else "GraphQLError"
    logger.error(
        "Unexpected error [request %s] %s at %s: %s\n%s",
        request_id or "-",
        INTERNAL_ERROR,
        where,
        kind,
        _stack(original),
        extra={"request_id": request_id, "error_code": INTERNAL_ERROR},
    )


def log_unavailable(error: BaseException | None, request_id: str, where: str) -> None:
    """One line, without the error's text (it can name hosts or hold the URI)."""
    logger.warning(
        "Database unavailable [request %s] at %s: %s",
        request_id or "-",
        where,
        type(error).__qualname__,
        extra={"request_id": request_id, "error_code": UNAVAILABLE},
    )


class MotcuaSchema(strawberry.Schema):
    """Strawberry's schema, logging only what is our fault, and that without input."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        request_id = str(getattr(context, "request_id", "") or "")
        unavailable = None
        for error in errors:
            if is_unexpected(error):
                log_unexpected(error, request_id)
            elif unavailable is None and database_unavailable(error.original_error):
                unavailable = error
        if unavailable is not None:
            where = ".".join(str(p) for p in unavailable.path) if unavailable.path else "-"
            log_unavailable(unavailable.original_error, request_id, where)
