"""The shape of a form's data as GraphQL can type it: objects, lists, enums and scalars.

`shape_of(schema)` reads a published JSON Schema into a tree of shapes, or raises
`Unmappable` saying why it cannot (a property name that is not a GraphQL name, an
`additionalProperties` schema, a `oneOf` of objects, a value of no single type …).
`merged(a, b)` joins two versions' shapes into one that serves both, or raises
`Incompatible` naming the field whose type changed (docs/forms.md, "Typed form data").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from documents.catalogue.forms.type_names import enum_value_name, is_graphql_name

SCALARS = {"string": "String", "integer": "Int", "number": "Float", "boolean": "Boolean"}
FORMATS = {"date": "Date", "date-time": "DateTime"}
MAX_REFS = 32  # local `$ref`s followed per path: a recursive schema is unmappable


class Unmappable(Exception):  # noqa: N818 - a reason, not a failure
    """The schema cannot be typed; the message says which part and why (no data)."""


class Incompatible(Exception):  # noqa: N818 - a reason, not a failure
    def __init__(self, pointer: str, before: str, after: str) -> None:
        super().__init__(f"{pointer or '/'} was {before} and is now {after}")
        self.pointer, self.before, self.after = pointer, before, after


@dataclass(frozen=True)
class Scalar:
    name: str  # String, Int, Float, Boolean, Date, DateTime


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]  # the JSON values, in order of first appearance


@dataclass(frozen=True)
class Items:
    of: Shape


@dataclass(frozen=True)
class Fields:
    fields: tuple[tuple[str, Shape], ...]  # property name → shape, in schema order


Shape = Scalar | Enum | Items | Fields

# Every generated object type has an `id` of its own (a cache key, docs/relay.md).
RESERVED_PROPERTIES = frozenset({"id"})


def kind(shape: Shape) -> str:
    """A short name of a shape's kind, for messages."""
    if isinstance(shape, Scalar):
        return shape.name
    if isinstance(shape, Items):
        return f"a list of {kind(shape.of)}"
    return "an enum" if isinstance(shape, Enum) else "an object"


def shape_of(schema: dict[str, Any]) -> Fields:
    """The form's top-level object."""
    shape = _shape(schema, schema, "", 0)
    if not isinstance(shape, Fields):
        raise Unmappable("the form's data is not an object")
    return shape


def _resolve(root: dict[str, Any], node: Any, where: str, refs: int) -> tuple[Any, int]:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if refs >= MAX_REFS or not isinstance(ref, str) or not ref.startswith("#/"):
            raise Unmappable(f"{where or '/'}: only local, non-recursive $ref can be typed")
        target: Any = root
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, refs = target, refs + 1
    return node, refs


def _choices(node: dict[str, Any]) -> list[Any] | None:
    """The allowed values of an enum written as `enum`, or as `oneOf`/`anyOf` of `const`."""
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    for word in ("oneOf", "anyOf"):
        branches = node.get(word)
        if (
            isinstance(branches, list)
            and branches
            and all(isinstance(b, dict) and "const" in b for b in branches)
        ):
            return [b["const"] for b in branches]
    return None


def _type(node: dict[str, Any], where: str) -> str | None:
    declared = node.get("type")
    if isinstance(declared, list):
        declared = [t for t in declared if t != "null"]
        declared = declared[0] if len(declared) == 1 else None
        if declared is None:
            raise Unmappable(f"{where or '/'}: a value of several types cannot be typed")
    if declared is None and ("properties" in node or "allOf" in node):
        return "object"
    return declared if isinstance(declared, str) else None


def _shape(root: dict[str, Any], node: Any, where: str, refs: int) -> Shape:
    node, refs = _resolve(root, node, where, refs)
    if not isinstance(node, dict):
        raise Unmappable(f"{where or '/'}: a schema of `true` or `false` cannot be typed")
    choices = _choices(node)
    if choices is not None:
        names = [enum_value_name(c) if isinstance(c, str) else None for c in choices]
        if None in names or len(set(names)) != len(names):
            raise Unmappable(f"{where}: enum values must be texts with distinct GraphQL names")
        return Enum(tuple(choices))
    declared = _type(node, where)
    if declared == "object":
        return _object(root, node, where, refs)
    if declared == "array":
        items = node.get("items")
        if not isinstance(items, dict) or "prefixItems" in node:
            raise Unmappable(f"{where}: only arrays with one `items` schema can be typed")
        return Items(_shape(root, items, where + "/*", refs))
    if declared == "string" and node.get("format") in FORMATS:
        return Scalar(FORMATS[node["format"]])
    if declared in SCALARS:
        return Scalar(SCALARS[declared])
    raise Unmappable(f"{where or '/'}: a value with no single type cannot be typed")


def _object(root: dict[str, Any], node: dict[str, Any], where: str, refs: int) -> Fields:
    if isinstance(node.get("additionalProperties"), dict) or "patternProperties" in node:
        raise Unmappable(f"{where or '/'}: an object with free-form keys cannot be typed")
    if any(word in node for word in ("oneOf", "anyOf")):
        raise Unmappable(f"{where or '/'}: a oneOf/anyOf of objects cannot be typed")
    shape = Fields(())
    for name, child in (node.get("properties") or {}).items():
        if not is_graphql_name(name):
            raise Unmappable(f"{where}/{name}: the property name is not a GraphQL name")
        if name in RESERVED_PROPERTIES:
            raise Unmappable(f"{where}/{name}: `{name}` is kept for the object's own global id")
        field = Fields(((name, _shape(root, child, f"{where}/{name}", refs)),))
        shape = _joined(shape, field, where)
    # Branches add the fields they declare (the same walk as the hints' check).
    branches = [node.get("then"), node.get("else"), *(node.get("allOf") or [])]
    for branch in branches:
        if branch is not None:
            resolved, branch_refs = _resolve(root, branch, where, refs)
            if isinstance(resolved, dict) and "properties" in resolved:
                shape = _joined(shape, _object(root, resolved, where, branch_refs), where)
    return shape


def _joined(a: Fields, b: Fields, where: str) -> Fields:
    joined = merged(a, b, where)
    assert isinstance(joined, Fields)  # two objects merge into an object
    return joined


def merged(a: Shape, b: Shape, where: str = "") -> Shape:
    """One shape that serves data of both; Incompatible where a field changes type."""
    if isinstance(a, Fields) and isinstance(b, Fields):
        fields = dict(a.fields)
        for name, shape in b.fields:
            fields[name] = (
                merged(fields[name], shape, f"{where}/{name}") if name in fields else shape
            )
        return Fields(tuple(fields.items()))
    if isinstance(a, Items) and isinstance(b, Items):
        return Items(merged(a.of, b.of, where + "/*"))
    if isinstance(a, Enum) and isinstance(b, Enum):
        return Enum(tuple(dict.fromkeys(a.values + b.values)))
    if a == b:
        return a
    raise Incompatible(where, kind(a), kind(b))
