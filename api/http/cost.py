"""The cost of an operation, and the extension that refuses costly ones before they run.

The cost is a worst-case count of the objects an operation resolves (docs/hardening.md);
`nodes(ids:)` is charged per id, and the ids an operation gives it are capped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import orjson
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


@dataclass(frozen=True)
class Measure:
    """What the limiter learnt of a valid operation: the ids it gives list arguments, and
    its cost (None when the ids were already too many for it to be costed)."""

    ids: int
    cost: int | None


# A valid operation whose variables do not coerce: execution refuses it.
BAD_VARIABLES = Measure(ids=0, cost=None)
_MISSING = object()


class MeasureCache:
    """The measures of the last `size` (document, operation, variables) a schema served.

    Validation and costing depend on nothing else (the rules are the schema's, and
    `InputChecks` binds the variables), so a repeated request skips both. Only valid
    operations are kept, and not those whose text exceeds `max_key` characters.
    """

    def __init__(self, size: int = 512, max_key: int = 16_384) -> None:
        self.size = size
        self.max_key = max_key
        self.entries: OrderedDict[Hashable, Measure] = OrderedDict()

    def key(self, query: str | None, operation: str | None, variables: object) -> Hashable:
        """None when the request is not to be kept."""
        if query is None:
            return None
        try:
            given = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
        except TypeError:
            return None  # e.g. uploads
        if len(query) + len(given) > self.max_key:
            return None
        return (query, operation, given)

    def get(self, key: Hashable) -> Measure | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: Hashable, measure: Measure) -> None:
        self.entries[key] = measure
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


# One cache per served schema: a new schema (a published form) starts empty.
_caches: WeakKeyDictionary[object, MeasureCache] = WeakKeyDictionary()


def measure_cache(schema: object) -> MeasureCache:
    cache = _caches.get(schema)
    if cache is None:
        cache = _caches[schema] = MeasureCache()
    return cache


class QueryCostLimiter(SchemaExtension):
    """Refuses operations costing more than `limit`, or given more than `max_ids` ids;
    reports the cost it computed.

    The check needs a valid document, so this runs the validation itself (with every
    rule the other extensions added) and then costs the operation, all before
    Strawberry's own validation step, which it then skips. A refusal is a validation
    error: a request error over HTTP, an `error` message over graphql-transport-ws,
    for queries, mutations and subscriptions alike. A request repeating an earlier valid
    one (same document, operation name and variables) reuses its measure.
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
            cache = measure_cache(context.schema)
            key = cache.key(context.query, context.operation_name, context.variables)
            measure = cache.get(key) if key is not None else None
            errors: list[GraphQLError] = []
            if measure is None:
                schema = context.schema._schema
                errors = validate_document(schema, document, context.validation_rules)
                operation = get_operation_ast(document, context.operation_name)
                if not errors and operation is not None:
                    measure = self.measure(document, operation, schema, context.variables)
                    if measure is None:
                        errors = [too_deep()]
                    elif key is not None:
                        cache.put(key, measure)
            refusal = self.refusal(measure) if measure is not None else None
            # Not None: Strawberry then skips validating a second time.
            context.pre_execution_errors = [refusal] if refusal else errors
        yield

    def measure(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        schema: GraphQLSchema,
        raw_variables: object,
    ) -> Measure | None:
        """The operation's measure; None when it is nested too deeply to walk."""
        inputs = raw_variables if isinstance(raw_variables, dict) else {}
        variables = get_variable_values(schema, operation.variable_definitions or (), inputs)
        if isinstance(variables, list):
            return BAD_VARIABLES
        try:
            ids = IdCount(document, schema, variables, self.list_size).of_operation(operation)
            if ids > self.max_ids:
                return Measure(ids, None)
            cost = QueryCost(document, schema, variables, self.list_size)
            return Measure(ids, cost.of_operation(operation))
        except RecursionError:
            return None

    def refusal(self, measure: Measure) -> GraphQLError | None:
        if measure is BAD_VARIABLES:
            return None  # execution refuses the operation before it runs
        if measure.ids > self.max_ids:
            return GraphQLError(
                f"The operation asks for {measure.ids} ids; at most {self.max_ids} are allowed.",
                extensions={"code": TOO_MANY_IDS, "count": measure.ids, "limit": self.max_ids},
            )
        self.cost = measure.cost
        if self.cost is None or self.cost <= self.limit:
            return None
        return GraphQLError(
            f"The query costs {self.cost}, more than the limit of {self.limit}.",
            extensions={"code": QUERY_TOO_COSTLY, "cost": self.cost, "limit": self.limit},
        )

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}
