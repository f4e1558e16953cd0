"""Errors about input that name the variable or argument, the path and the expected type,
and never quote the value that was sent (it may be an id number, a name or a phone)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLSchema,
    GraphQLSyntaxError,
    ValueNode,
    VariableDefinitionNode,
    get_named_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    type_from_ast,
)
from graphql.language import SKIP, ArgumentNode, VisitorAction
from graphql.utilities.validate_input_value import validate_input_literal
from graphql.validation import ValidationContext, ValuesOfCorrectTypeRule
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.relay import GlobalIDValueError

INVALID_ID = "INVALID_ID"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

_NAME = r"[_A-Za-z][_0-9A-Za-z]*"
# graphql-core's wording for a variable that failed coercion; the path it prints
# holds only field names of the schema and list indexes.
_VARIABLE = re.compile(
    rf"Variable '\$(?P<name>{_NAME})' has invalid (?P<default>default )?value"
    rf"(?: at (?P<path>(?:\.{_NAME}|\[\d+\])+))?: "
)
_PATH_PART = re.compile(rf"\.({_NAME})|\[(\d+)\]")
_REQUIRED_FIELD = re.compile(rf"to include required field '({_NAME})'")
# In syntax errors: a token's value (any length, quotes included) and what follows it.
_TOKEN_VALUE = re.compile(r"\b(Name|String|BlockString|Int|Float|Comment) '.*'", re.DOTALL)
_LONG_QUOTE = re.compile(r"'[^']{4,}'|,? did you mean .*?(?=\.?\Z)", re.DOTALL)


class InputValueError(ValueError):
    """A value refused with a message that names where and why, never the value."""


def path_text(root: str, path: Sequence[str | int]) -> str:
    """`input.applicant.kind`, `ids[2]`: where in an input a value sits."""
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def type_at(type_: GraphQLInputType | None, path: Sequence[str | int]) -> GraphQLInputType | None:
    """The input type expected at `path` inside a value of `type_`."""
    for key in path:
        if type_ is None:
            return None
        inner = type_.of_type if is_non_null_type(type_) else type_
        if isinstance(key, int):
            type_ = inner.of_type if is_list_type(inner) else None
        elif is_input_object_type(inner) and key in inner.fields:
            type_ = inner.fields[key].type
        else:
            type_ = None
    return type_


def _object_reason(message: str, named: GraphQLInputObjectType) -> str | None:
    found = _REQUIRED_FIELD.search(message)
    if found and found[1] in named.fields:
        return f"the required field '{found[1]}' of {named.name} is missing"
    if "unknown field" in message:
        return f"it has a field that {named.name} does not define"
    if "exactly one" in message.lower():
        return f"exactly one field of {named.name} must be given"
    return None


def reason(error: GraphQLError | None, expected: GraphQLInputType | None) -> str:
    """What is wrong, in words that come from the schema only: graphql-core's own
    message is read for its kind, never copied."""
    message = error.message if error is not None else ""
    if error is not None and isinstance(error.original_error, InputValueError):
        return str(error.original_error)
    if "non-null type" in message or "not to be None" in message:
        return "a value is required"
    named = get_named_type(expected) if expected is not None else None
    if isinstance(named, GraphQLInputObjectType) and (said := _object_reason(message, named)):
        return said
    if expected is None:
        return "the value does not fit its type"
    return f"expected a value of type {expected}"


def input_error(
    kind: str,
    root: str,
    path: Sequence[str | int],
    inner: GraphQLError | None,
    expected: GraphQLInputType | None,
    nodes: Any = None,
) -> GraphQLError:
    """The one wording of every input error: `kind` is "Variable '$input'", "Argument
    'reason'" or "Variable '$input' (its default)"; `root` starts the path."""
    where = path_text(root, path)
    at = f" at '{where}'" if path else ""
    return GraphQLError(
        f"{kind} has an invalid value{at}: {reason(inner, type_at(expected, path))}.",
        nodes,
        extensions={"code": VALIDATION_FAILED, "at": where},
    )


def variable_error(error: GraphQLError, schema: GraphQLSchema) -> GraphQLError | None:
    """graphql-core's coercion error for a variable, reworded; None for other errors."""
    found = _VARIABLE.match(error.message)
    if found is None:
        return None
    name = found["name"]
    path: list[str | int] = [
        part[1] or int(part[2]) for part in _PATH_PART.finditer(found["path"] or "")
    ]
    expected: GraphQLInputType | None = None
    node = error.nodes[0] if error.nodes else None
    if isinstance(node, VariableDefinitionNode):
        expected = type_from_ast(schema, node.type)  # type: ignore[assignment]
    inner = error.original_error if isinstance(error.original_error, GraphQLError) else error
    kind = f"Variable '${name}'" + (" (its default)" if found["default"] else "")
    return input_error(kind, f"${name}", path, inner, expected, error.nodes)


def syntax_message(message: str) -> str:
    """A syntax error without the token it stumbled on: the location says where."""
    message = _TOKEN_VALUE.sub(r"\1", message)
    return _LONG_QUOTE.sub("", message)


def without_input(error: GraphQLError, schema: GraphQLSchema) -> GraphQLError:
    """The error with any quoted input removed; the same error if there is none."""
    if isinstance(error, GraphQLSyntaxError):
        message = syntax_message(error.message)
        if message == error.message:
            return error
        return GraphQLError(
            message,
            source=error.source,
            positions=error.positions,
            extensions=error.extensions,
            original_error=error.original_error,
        )
    if isinstance(error.original_error, GlobalIDValueError):
        return GraphQLError(
            "The id is not one this API issued.",
            error.nodes,
            path=error.path,
            extensions={**(error.extensions or {}), "code": INVALID_ID},
        )
    if isinstance(error.original_error, StrawberryInputCoercionError):
        return GraphQLError(
            "An argument does not fit its type.",
            error.nodes,
            path=error.path,
            extensions={**(error.extensions or {}), "code": VALIDATION_FAILED},
        )
    if error.path is None and error.message.startswith("Variable '$"):
        return variable_error(error, schema) or error
    return error


class LiteralValuesRule(ValuesOfCorrectTypeRule):
    """graphql-core's check of literal values, reporting through `input_error`."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.within: tuple[str, str] = ("Argument", "")

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.within = (f"Argument '{node.name.value}'", node.name.value)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        name = node.variable.name.value
        self.within = (f"Variable '${name}' (its default)", f"${name}")

    def is_valid_value_node(
        self, node: ValueNode, input_type: GraphQLInputType | None
    ) -> VisitorAction:
        if input_type is None:
            return SKIP
        kind, root = self.within
        found: list[tuple[GraphQLError, list[str | int]]] = []
        validate_input_literal(
            node, input_type, lambda error, path: found.append((error, path)), None, None, True
        )
        for inner, path in found:
            self.report_error(input_error(kind, root, path, inner, input_type, inner.nodes or node))
        return SKIP
