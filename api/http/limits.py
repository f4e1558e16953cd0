"""Limits on a GraphQL document, all checked before anything executes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.http.cost import QueryCostLimiter, SelectionSum, too_deep
from api.settings import Settings

TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"


class DocumentSizeLimiter(SchemaExtension):
    """Counts operations, and fields once fragments are expanded, before validation.

    Strawberry's depth and alias limiters walk every spread of every fragment, so a
    chain of fragments each spreading the previous one twice costs them exponential
    time: this refuses such documents before those limiters run.
    """

    def __init__(self, max_operations: int, max_fields: int) -> None:
        self.max_operations = max_operations
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            error = self.check(context.graphql_document)
            # Errors set before validation make Strawberry skip validation.
            context.pre_execution_errors = [error] if error else None
        yield

    def check(self, document: DocumentNode) -> GraphQLError | None:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > self.max_operations:
            return GraphQLError(
                f"The document has {len(operations)} operations; "
                f"at most {self.max_operations} are allowed.",
                extensions={"code": TOO_MANY_OPERATIONS, "limit": self.max_operations},
            )
        try:
            fields = sum(map(SelectionSum(document).of_operation, operations))
        except RecursionError:
            return too_deep()
        if fields <= self.max_fields:
            return None
        return GraphQLError(
            f"The document selects {fields} fields once its fragments are expanded, "
            f"more than the limit of {self.max_fields}.",
            extensions={"code": QUERY_TOO_LARGE, "size": fields, "limit": self.max_fields},
        )


class SafeQueryDepthLimiter(QueryDepthLimiter):
    """Strawberry's depth limiter, made to fail closed where its walk breaks.

    The walk raises KeyError on an unknown fragment (validation reports that one),
    ValueError on an empty selection set (graphql-core 3.3 parses them) and
    RecursionError on very deep documents; the last two must not let the rest of
    the document escape the depth check.
    """

    def __init__(self, max_depth: int) -> None:
        super().__init__(max_depth=max_depth)
        self.validation_rules = [_fail_closed(rule) for rule in self.validation_rules]


def _fail_closed(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    class FailClosed(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            try:
                super().__init__(context)
            except KeyError:
                ValidationRule.__init__(self, context)
            except ValueError:
                ValidationRule.__init__(self, context)
                context.report_error(GraphQLError("Empty selection sets are not supported."))
            except RecursionError:
                ValidationRule.__init__(self, context)
                context.report_error(too_deep())

    return FailClosed


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, since Strawberry wants fresh extension instances per operation."""
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        # An inline document of max_tokens tokens selects fewer fields than that.
        lambda: DocumentSizeLimiter(settings.max_operations_per_document, settings.max_tokens),
        lambda: SafeQueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: QueryCostLimiter(limit=settings.max_query_cost, max_ids=settings.max_node_ids),
    ]
