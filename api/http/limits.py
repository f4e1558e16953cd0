"""Limits on a GraphQL document, all checked before anything executes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.settings import Settings
from documents.common.paging import MAX_PAGE, page_size

# Lists without a `first`/`last` argument are assumed to hold this many items.
DEFAULT_LIST_SIZE = 10

TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


class SelectionSum:
    """Sums `of_field` over an operation's fields, through fragments.

    A fragment's sum does not depend on where it is spread, so each is walked
    once: chains like `fragment F2 { ...F1 ...F1 }` stay linear.
    """

    def __init__(self, document: DocumentNode, schema: GraphQLSchema | None = None) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragment_sums: dict[str, int] = {}
        self.visiting: set[str] = set()

    def of_field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        return 1 + self.of_selections(node.selection_set, None)

    def of_operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation) if self.schema else None
        return self.of_selections(operation.selection_set, root)

    def of_selections(
        self, selections: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += self.of_field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.named(condition.name.value) if condition else parent
                total += self.of_selections(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.of_fragment(selection.name.value)
        return total

    def of_fragment(self, name: str) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return 0  # validation reports unknown and cyclic fragments
        if name not in self.fragment_sums:
            self.visiting.add(name)
            condition = self.named(fragment.type_condition.name.value)
            self.fragment_sums[name] = self.of_selections(fragment.selection_set, condition)
            self.visiting.discard(name)
        return self.fragment_sums[name]

    def named(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name) if self.schema else None


class QueryCost(SelectionSum):
    """Worst-case number of objects an operation resolves.

    Each object-typed field costs 1. A connection field multiplies its subtree by
    `first`; a list field by `first`/`last`, else by `list_size`; the `edges` of a
    connection do not multiply again. Leaves and introspection are free.
    """

    def __init__(
        self,
        document: DocumentNode,
        schema: GraphQLSchema,
        variables: Mapping[str, Any],
        list_size: int = DEFAULT_LIST_SIZE,
    ) -> None:
        super().__init__(document, schema)
        self.variables = variables
        self.list_size = list_size

    def of_field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or parent is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        children = self.of_selections(node.selection_set, named)
        return 1 + self.multiplier(node, definition, parent, named) * children

    def multiplier(
        self,
        node: FieldNode,
        definition: GraphQLField,
        parent: GraphQLNamedType,
        named: GraphQLNamedType,
    ) -> int:
        is_connection = named.name.endswith("Connection")
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if not is_connection and not isinstance(field_type, GraphQLList):
            return 1
        if parent.name.endswith("Connection"):
            return 1  # the connection field already multiplied its edges
        size = self.argument(node, definition, "first")
        if size is None:
            size = self.argument(node, definition, "last")
        if size is None:
            size = MAX_PAGE if is_connection else self.list_size
        return page_size(size)

    def argument(self, node: FieldNode, definition: GraphQLField, name: str) -> int | None:
        if name not in definition.args:
            return None
        value: object = definition.args[name].default_value
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, value)
        # Booleans are ints to Python but not to GraphQL; execution refuses them.
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def _too_deep() -> GraphQLError:
    return GraphQLError("The document is nested too deeply.", extensions={"code": QUERY_TOO_DEEP})


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
            return _too_deep()
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
                context.report_error(_too_deep())

    return FailClosed


class QueryCostLimiter(SchemaExtension):
    """Refuses operations costing more than `limit`; reports the cost it computed."""

    def __init__(self, limit: int, list_size: int = DEFAULT_LIST_SIZE) -> None:
        self.limit = limit
        self.list_size = list_size
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None and context.result is None:
            variables = context.variables or {}
            cost = QueryCost(document, context.schema._schema, variables, self.list_size)
            error = self.check(cost, operation)
            if error is not None:
                # A result set here stops Strawberry from executing the operation.
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    def check(self, cost: QueryCost, operation: OperationDefinitionNode) -> GraphQLError | None:
        try:
            self.cost = cost.of_operation(operation)
        except RecursionError:
            return _too_deep()
        if self.cost <= self.limit:
            return None
        return GraphQLError(
            f"The query costs {self.cost}, more than the limit of {self.limit}.",
            extensions={"code": QUERY_TOO_COSTLY, "cost": self.cost, "limit": self.limit},
        )

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, since Strawberry wants fresh extension instances per operation."""
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        # An inline document of max_tokens tokens selects fewer fields than that.
        lambda: DocumentSizeLimiter(settings.max_operations_per_document, settings.max_tokens),
        lambda: SafeQueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: QueryCostLimiter(limit=settings.max_query_cost),
    ]
