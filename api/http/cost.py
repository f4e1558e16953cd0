"""The cost of an operation, and the extension that refuses costly ones before they run.

The cost is a worst-case count of the objects an operation resolves (docs/hardening.md);
`nodes(ids:)` is charged per id, and the ids an operation gives it are capped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from documents.common.paging import DEFAULT_PAGE, MAX_PAGE, page_size

# Lists without a `first`/`last` argument are assumed to hold this many items.
DEFAULT_LIST_SIZE = 10

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
TOO_MANY_IDS = "TOO_MANY_NODE_IDS"


def too_deep() -> GraphQLError:
    return GraphQLError("The document is nested too deeply.", extensions={"code": QUERY_TOO_DEEP})


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

    Each object-typed field costs 1. A list field given a list of ids (`nodes(ids:)`)
    costs 1 plus, per id, 1 and the subtree. Otherwise a connection field multiplies its
    subtree by `first`; a list field by `first`/`last`, else by `list_size`; the `edges`
    of a connection do not multiply again. Arguments are read as the resolver will get
    them: literals, variables, the variables' defaults, then the field's defaults
    (`variables` are the operation's coerced variable values). Leaves and introspection
    are free.
    """

    def __init__(
        self,
        document: DocumentNode,
        schema: GraphQLSchema,
        variables: VariableValues,
        list_size: int = DEFAULT_LIST_SIZE,
    ) -> None:
        super().__init__(document, schema)
        self.variables = variables
        self.list_size = list_size
        self.per_id = 1

    def of_field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or parent is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        children = self.of_selections(node.selection_set, named)
        ids = self.ids(node, definition)
        if ids is not None:  # each id is an object looked up, then its subtree
            return self.weight(node, definition) + ids * (self.per_id + children)
        multiplier = self.multiplier(node, definition, parent, named)
        return self.weight(node, definition) + multiplier * children

    def weight(self, node: FieldNode, definition: GraphQLField) -> int:
        """What the field costs by itself."""
        return 1

    def multiplier(
        self,
        node: FieldNode,
        definition: GraphQLField,
        parent: GraphQLNamedType,
        named: GraphQLNamedType,
    ) -> int:
        is_connection = named.name.endswith("Connection")
        if not is_connection and not _is_list(definition.type):
            return 1
        if parent.name.endswith("Connection"):
            return 1  # the connection field already multiplied its edges
        arguments = self.arguments(node, definition)
        size = _integer(arguments.get("first"))
        if size is None:
            size = _integer(arguments.get("last"))
        if size is None and is_connection and "last" in definition.args:
            size = DEFAULT_PAGE  # read either way, neither given: the first DEFAULT_PAGE
        if size is None:
            size = MAX_PAGE if is_connection else self.list_size
        return page_size(size)

    def ids(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """How many ids a list field's list argument holds (`nodes(ids:)`), None for
        other fields."""
        lists = [name for name, a in definition.args.items() if _is_list(a.type)]
        if not lists or not _is_list(definition.type):
            return None
        arguments = self.arguments(node, definition)
        return max((len(v) for n in lists if isinstance(v := arguments.get(n), list)), default=0)

    def arguments(self, node: FieldNode, definition: GraphQLField) -> dict[str, Any]:
        if not definition.args:
            return {}
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return {}  # validation has reported it


class IdCount(QueryCost):
    """How many ids an operation's list arguments hold, counted as the resolvers will
    get them: once per time their field runs."""

    def __init__(
        self,
        document: DocumentNode,
        schema: GraphQLSchema,
        variables: VariableValues,
        list_size: int = DEFAULT_LIST_SIZE,
    ) -> None:
        super().__init__(document, schema, variables, list_size)
        self.per_id = 0

    def weight(self, node: FieldNode, definition: GraphQLField) -> int:
        return self.ids(node, definition) or 0


def _is_list(type_: GraphQLInputType | GraphQLOutputType) -> bool:
    return is_list_type(get_nullable_type(type_))


def _integer(value: object) -> int | None:
    # Booleans are ints to Python but not to GraphQL; execution refuses them.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class QueryCostLimiter(SchemaExtension):
    """Refuses operations costing more than `limit`, or given more than `max_ids` ids;
    reports the cost it computed.

    The check needs a valid document, so this runs the validation itself (with every
    rule the other extensions added) and then costs the operation, all before
    Strawberry's own validation step, which it then skips. A refusal is a validation
    error: a request error over HTTP, an `error` message over graphql-transport-ws,
    for queries, mutations and subscriptions alike.
    """

    def __init__(self, limit: int, max_ids: int, list_size: int = DEFAULT_LIST_SIZE) -> None:
        self.limit = limit
        self.max_ids = max_ids
        self.list_size = list_size
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            errors = validate_document(schema, document, context.validation_rules)
            operation = get_operation_ast(document, context.operation_name)
            if not errors and operation is not None:
                refusal = self.check(document, operation, schema, context.variables)
                errors = [refusal] if refusal else []
            # Not None: Strawberry then skips validating a second time.
            context.pre_execution_errors = errors
        yield

    def check(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        schema: GraphQLSchema,
        raw_variables: object,
    ) -> GraphQLError | None:
        inputs = raw_variables if isinstance(raw_variables, dict) else {}
        variables = get_variable_values(schema, operation.variable_definitions or (), inputs)
        if isinstance(variables, list):
            return None  # bad variables: execution refuses the operation before it runs
        try:
            ids = IdCount(document, schema, variables, self.list_size).of_operation(operation)
            if ids > self.max_ids:
                return GraphQLError(
                    f"The operation asks for {ids} ids; at most {self.max_ids} are allowed.",
                    extensions={"code": TOO_MANY_IDS, "count": ids, "limit": self.max_ids},
                )
            cost = QueryCost(document, schema, variables, self.list_size)
            self.cost = cost.of_operation(operation)
        except RecursionError:
            return too_deep()
        if self.cost <= self.limit:
            return None
        return GraphQLError(
            f"The query costs {self.cost}, more than the limit of {self.limit}.",
            extensions={"code": QUERY_TOO_COSTLY, "cost": self.cost, "limit": self.limit},
        )

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}
