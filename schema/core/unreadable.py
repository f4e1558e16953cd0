"""Documents this version cannot read, as the client hears of them: a GraphQL error with
`extensions.code` UNREADABLE_DOCUMENT that names the document by its collection and
`_id` (and a dossier by its code), never by anything it holds.

An item left out of a list is reported by an error whose `path` is the list: resolvers
record it with `leave_out`, and `LeftOutErrors` adds it to the result once execution
ends, beside the data the rest of the list gave (docs/durability.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from documents.common.errors import ErrorCode
from documents.common.tolerant import Unreadable
from schema.core.context import Info

UNREADABLE_DOCUMENT = ErrorCode.UNREADABLE_DOCUMENT.value
# A request reports at most this many left-out items; the rest are only counted.
MAX_LEFT_OUT = 100


def unreadable_error(
    item: Unreadable, message: str, path: Sequence[str | int] | None, **extra: str | None
) -> GraphQLError:
    extensions: dict[str, Any] = {"code": UNREADABLE_DOCUMENT, "collection": item.collection}
    if item.id is not None:
        extensions["id"] = item.id
    extensions |= {name: value for name, value in extra.items() if value is not None}
    return GraphQLError(message, path=path, extensions=extensions)


def leave_out(info: Info, error: GraphQLError) -> None:
    """Report an item left out of the list this resolver returns."""
    recorded = info.context.left_out
    if len(recorded) < MAX_LEFT_OUT:
        recorded.append(error)


class LeftOutErrors(SchemaExtension):
    """Adds the errors of the items resolvers left out to the operation's result."""

    def on_execute(self) -> Iterator[None]:
        yield
        recorded: list[GraphQLError] | None = getattr(
            self.execution_context.context, "left_out", None
        )
        result = self.execution_context.result
        if recorded and isinstance(result, ExecutionResult):
            result.errors = [*(result.errors or []), *recorded]
            recorded.clear()
