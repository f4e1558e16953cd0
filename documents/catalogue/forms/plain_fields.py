"""`properties` without a validator per field when the field is plainly valid.

jsonschema checks each property by building a child validator (`descend`, `evolve`):
for a 700-field form that was two thirds of a validation. Most fields of a form are
plain, a type and a length; such a field whose value plainly passes is skipped here.
Anything else, and any plain field that might fail, goes through `descend` as before,
so errors, their paths and their messages are jsonschema's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema.protocols import Validator

# Keywords a plain field may have: one type, string lengths, and annotations.
_PLAIN = frozenset({"type", "minLength", "maxLength", "title", "description", "$comment"})


def _is_type(value: Any, name: object) -> bool:
    """Draft 2020-12's types, as jsonschema decides them (a bool is no number)."""
    if name == "string":
        return isinstance(value, str)
    if isinstance(value, bool):
        return name == "boolean"
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float)
    return name == "null" and value is None


def plainly_valid(schema: Any, value: Any) -> bool:
    """True only when `schema` is plain and `value` passes it; False says nothing."""
    if not isinstance(schema, dict) or not schema.keys() <= _PLAIN:
        return False
    if "type" in schema and not _is_type(value, schema["type"]):
        return False
    if isinstance(value, str) and ("minLength" in schema or "maxLength" in schema):
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if not isinstance(low, int) or (high is not None and not isinstance(high, int)):
            return False
        return low <= len(value) and (high is None or len(value) <= high)
    return True


def properties(
    validator: Validator, declared: dict[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    """jsonschema's `properties` keyword, skipping plainly valid fields."""
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in declared.items():
        if name in instance:
            value = instance[name]
            if plainly_valid(subschema, value):
                continue
            yield from validator.descend(value, subschema, path=name, schema_path=name)
