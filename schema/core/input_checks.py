"""Checks on every input of an operation, before it executes: text within its length
limit, global ids naming a type that has nodes, and literal values reported without
being quoted (`input_errors`).

Every String or ID argument and input field has a limit: the `max_length` it was
declared with (`text(...)`, `text_argument(...)`), or `DEFAULT_MAX_LENGTH`. The limit is
written into the field's description when the schema is built (`describe_limits`), so
the SDL states it, and checked here on literals and variables alike, so no resolver
needs to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Annotated, Any

import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    IntValueNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    value_from_ast_untyped,
)
from graphql.language import SKIP, ArgumentNode, VisitorAction
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension
from strawberry.relay import GlobalID, GlobalIDValueError
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument, StrawberryArgumentAnnotation
from strawberry.types.base import StrawberryList, StrawberryOptional

from schema.core.input_errors import INVALID_ID, LiteralValuesRule

MAX_LENGTH = "max_length"
# Set with MAX_LENGTH when the resolver itself answers a wrong length (as a payload error).
LENGTH_CHECKED_BY_RESOLVER = "length_checked_by_resolver"
# Codes, keys, ids, cursors, a person's name: anything that is not a sentence.
DEFAULT_MAX_LENGTH = 200
NAME_MAX_LENGTH = 500  # names and titles of procedures, forms, agencies; addresses
FREE_TEXT_MAX_LENGTH = 2000  # reasons, notes, comments, help texts, URLs
TEXT_TOO_LONG = "TEXT_TOO_LONG"
_TEXT_SCALARS = frozenset({"String", "ID"})

Position = GraphQLArgument | GraphQLInputField


def text(max_length: int, description: str | None = None, **options: Any) -> Any:
    """An input field of text with its own length limit."""
    return strawberry.field(description=description, metadata={MAX_LENGTH: max_length}, **options)


def text_argument(max_length: int, description: str | None = None) -> StrawberryArgumentAnnotation:
    """For `Annotated[str, text_argument(2000)]`: an argument with its own length limit."""
    return strawberry.argument(description=description, metadata={MAX_LENGTH: max_length})


# For arguments: `reason: FreeText`, `note: OptionalFreeText = None`.
FreeText = Annotated[str, text_argument(FREE_TEXT_MAX_LENGTH)]
OptionalFreeText = Annotated[str | None, text_argument(FREE_TEXT_MAX_LENGTH)]
Name = Annotated[str, text_argument(NAME_MAX_LENGTH)]


def _declared(position: Position) -> Any:
    return (position.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)


def max_length(position: Position) -> int | None:
    """The limit of a String or ID position; None for other types."""
    if get_named_type(position.type).name not in _TEXT_SCALARS:
        return None
    declared = getattr(_declared(position), "metadata", None) or {}
    limit = declared.get(MAX_LENGTH, DEFAULT_MAX_LENGTH)
    return int(limit)


def takes_global_ids(position: Position) -> bool:
    declared = _declared(position)
    if not isinstance(declared, StrawberryArgument):
        return False
    type_ = declared.type
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    return type_ is GlobalID


@cache  # one schema per process (and a few in tests)
def node_type_names(schema: GraphQLSchema) -> frozenset[str]:
    """The object types a global id may name: those implementing Node."""
    return frozenset(
        t.name
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    )


def describe_limits(schema: GraphQLSchema) -> None:
    """Writes each text position's limit into its description (once per schema)."""
    for position in _positions(schema):
        limit = max_length(position)
        if limit is None:
            continue
        each = "Each item at most" if is_list_type(_nullable(position.type)) else "At most"
        sentence = f"{each} {limit:,} characters."
        if sentence not in (position.description or ""):
            position.description = f"{position.description or ''} {sentence}".strip()


def _nullable(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if is_non_null_type(type_) else type_


def _positions(schema: GraphQLSchema) -> Iterator[Position]:
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field in type_.fields.values():
                yield from field.args.values()
        elif is_input_object_type(type_):
            yield from type_.fields.values()


class InputChecksRule(ValidationRule):
    """Text lengths and global ids, on literals and on the variables' values."""

    variables: Mapping[str, Any] = {}
    node_types: frozenset[str] = frozenset()

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.positions: list[tuple[Position | None, str]] = []
        self.defaults: dict[str, ValueNode] = {}

    @classmethod
    def bound(
        cls, variables: Mapping[str, Any], node_types: frozenset[str]
    ) -> type[InputChecksRule]:
        return type("InputChecksRule", (cls,), {"variables": variables, "node_types": node_types})

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        self.defaults = {
            d.variable.name.value: d.default_value
            for d in node.variable_definitions or ()
            if d.default_value is not None
        }

    def enter_variable_definition(self, *_: Any) -> VisitorAction:
        return SKIP  # a default is checked where the variable is used

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.positions.append((self.context.get_argument(), node.name.value))

    def leave_argument(self, *_: Any) -> None:
        self.positions.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        parent = get_named_type(self.context.get_parent_input_type())
        fields = getattr(parent, "fields", {})
        where = self.positions[-1][1] if self.positions else ""
        self.positions.append((fields.get(node.name.value), f"{where}.{node.name.value}"))

    def leave_object_field(self, *_: Any) -> None:
        self.positions.pop()

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.check_literal(node)

    def enter_int_value(self, node: IntValueNode, *_: Any) -> None:
        self.check_literal(node)  # an ID may be written as an Int

    def check_literal(self, node: StringValueNode | IntValueNode) -> None:
        if self.positions:
            position, where = self.positions[-1]
            self.check(position, node.value, where, node)

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if not self.positions:
            return
        position = self.positions[-1][0]
        name = node.name.value
        if name in self.variables:
            self.walk(
                self.variables[name], self.context.get_input_type(), position, f"${name}", node
            )
        elif name in self.defaults:
            default = value_from_ast_untyped(self.defaults[name])
            self.walk(default, self.context.get_input_type(), position, f"${name}", node)

    def walk(
        self,
        value: Any,
        type_: GraphQLInputType | None,
        position: Position | None,
        where: str,
        node: VariableNode,
    ) -> None:
        """A variable's value, field by field; values of the wrong type are left to
        graphql-core's coercion, which reports them."""
        if type_ is None:
            return
        type_ = _nullable(type_)
        if isinstance(value, str | int) and not isinstance(value, bool):
            self.check(position, value, where, node)
        elif isinstance(value, list) and is_list_type(type_):
            for index, item in enumerate(value):
                self.walk(item, type_.of_type, position, f"{where}[{index}]", node)
        elif isinstance(value, dict) and is_input_object_type(type_):
            for name, field in type_.fields.items():
                if name in value:
                    self.walk(value[name], field.type, field, f"{where}.{name}", node)

    def check(self, position: Position | None, value: str | int, where: str, node: Any) -> None:
        if position is None:
            return
        declared = getattr(_declared(position), "metadata", None) or {}
        limit = None if declared.get(LENGTH_CHECKED_BY_RESOLVER) else max_length(position)
        given = str(value)
        if limit is not None and len(given) > limit:
            self.report_error(
                GraphQLError(
                    f"The text at '{where}' is longer than {limit:,} characters.",
                    node,
                    extensions={"code": TEXT_TOO_LONG, "at": where, "maxLength": limit},
                )
            )
        elif takes_global_ids(position) and not self.names_a_node(given):
            self.report_error(
                GraphQLError(
                    f"The value at '{where}' is not an id this API issued.",
                    node,
                    extensions={"code": INVALID_ID, "at": where},
                )
            )

    def names_a_node(self, value: str) -> bool:
        try:
            return GlobalID.from_id(value).type_name in self.node_types
        except GlobalIDValueError:
            return False


class InputChecks(SchemaExtension):
    """Puts `InputChecksRule`, bound to the request's variables, among the validation
    rules, and graphql-core's literal check in the wording of `input_errors`."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        node_types = node_type_names(schema)
        rules = tuple(
            LiteralValuesRule if rule is ValuesOfCorrectTypeRule else rule
            for rule in context.validation_rules
        )
        context.validation_rules = (
            *rules,
            InputChecksRule.bound(context.variables or {}, node_types),
        )
        yield
