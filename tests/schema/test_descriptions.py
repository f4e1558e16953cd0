"""Every type, field, argument, input field and enum value of the schema has a
description, so a frontend developer reads in GraphiQL or generated code what each
means without asking."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_scalar_types,
)

from schema import build_schema


def _blank(description: str | None) -> bool:
    return description is None or not description.strip()


def undescribed(schema: GraphQLSchema) -> list[str]:
    """The coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) of
    every item of `schema` without a description; introspection's own types and
    GraphQL's built-in scalars are not ours to describe."""
    missing: list[str] = []
    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in specified_scalar_types:
            continue
        if _blank(kind.description):
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if _blank(field.description):
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg}:)"
                    for arg, argument in field.args.items()
                    if _blank(argument.description)
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [
                f"{name}.{field_name}"
                for field_name, field in kind.fields.items()
                if _blank(field.description)
            ]
        elif isinstance(kind, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in kind.values.items()
                if _blank(value.description)
            ]
    return missing


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    missing = undescribed(build_schema()._schema)
    assert not missing, f"{len(missing)} items need a description:\n" + "\n".join(missing)
