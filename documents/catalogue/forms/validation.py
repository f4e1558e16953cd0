"""Checks on admin schemas and on submitted form data.

Messages about data name the field and the rule it breaks, never the value: form data
holds names, id numbers and phones, and messages travel further than the data does."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from documents.common.errors import DomainError, ErrorCode, FieldViolation

MAX_DATA_BYTES = 1024 * 1024
MAX_DEPTH = 20
# What MongoDB stores: a 64-bit integer; a double that is a number.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Stable codes for clients, keyed by the JSON Schema keyword that failed.
_CODES = {
    "required": "REQUIRED",
    "dependentRequired": "REQUIRED",
    "type": "WRONG_TYPE",
    "format": "BAD_FORMAT",
    "enum": "NOT_ALLOWED",
    "const": "NOT_ALLOWED",
    "pattern": "BAD_PATTERN",
    "minLength": "TOO_SHORT",
    "maxLength": "TOO_LONG",
    "minimum": "TOO_SMALL",
    "exclusiveMinimum": "TOO_SMALL",
    "maximum": "TOO_LARGE",
    "exclusiveMaximum": "TOO_LARGE",
    "minItems": "TOO_FEW",
    "maxItems": "TOO_MANY",
    "additionalProperties": "UNKNOWN_FIELD",
    "unevaluatedProperties": "UNKNOWN_FIELD",
}


def _allowed(value: object) -> str:
    return "the allowed value" if not isinstance(value, list) else "one of the allowed values"


# What a failing keyword says, from the schema's side only (its `validator_value`).
_RULES: dict[str, Callable[[Any], str]] = {
    "type": lambda t: f"must be of type {t if isinstance(t, str) else ' or '.join(t)}",
    "format": lambda f: f"must be a valid {f}",
    "enum": lambda _: "must be one of the allowed values",
    "const": lambda c: f"must be {_allowed(c)}",
    "pattern": lambda p: f"must match the pattern {p}",
    "minLength": lambda n: f"must be at least {n} characters long",
    "maxLength": lambda n: f"must be at most {n} characters long",
    "minimum": lambda n: f"must be at least {n}",
    "exclusiveMinimum": lambda n: f"must be greater than {n}",
    "maximum": lambda n: f"must be at most {n}",
    "exclusiveMaximum": lambda n: f"must be less than {n}",
    "minItems": lambda n: f"must have at least {n} items",
    "maxItems": lambda n: f"must have at most {n} items",
    "uniqueItems": lambda _: "must not repeat an item",
    "multipleOf": lambda n: f"must be a multiple of {n}",
}


def _rule(error: ValidationError) -> str:
    said = _RULES.get(str(error.validator))
    if said is not None:
        return said(error.validator_value)
    return f"does not satisfy the form's `{error.validator}` rule"


def pointer(parts: Any) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)


def declared_names(schema: Any) -> frozenset[str]:
    """Every property name a form schema declares, at any depth."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for keyword in ("properties", "dependentRequired", "dependentSchemas"):
                if isinstance(node.get(keyword), dict):
                    found.update(str(name) for name in node[keyword])
            if isinstance(node.get("required"), list):
                found.update(str(name) for name in node["required"])
            stack.extend(node.values())
    return frozenset(found)


def where(parts: Any, known: frozenset[str]) -> str:
    """A pointer into submitted data that names only keys the form declares: any other
    key is whatever the client typed (a phone, a name) and is written `*`."""
    return pointer(p if isinstance(p, int) or p in known else "*" for p in parts)


def check_schema(schema: Any) -> None:
    """Raise INVALID_SCHEMA unless `schema` is a valid draft 2020-12 schema."""
    if not isinstance(schema, dict):
        raise DomainError(ErrorCode.INVALID_SCHEMA, "the schema must be a JSON object", "schema")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = pointer(error.path)
        raise DomainError(
            ErrorCode.INVALID_SCHEMA, f"{error.message} at {where or '/'}", "schema"
        ) from None


def guard_data(data: Any, known: frozenset[str] = frozenset()) -> None:
    """Reject data that is too big, too deep, carries keys MongoDB would interpret, or
    numbers it cannot store. `known`: the form's field names, which paths may show."""
    if not isinstance(data, dict):
        raise DomainError(ErrorCode.VALIDATION_FAILED, "form data must be a JSON object", "data")
    size = len(json.dumps(data, ensure_ascii=False).encode())
    if size > MAX_DATA_BYTES:
        raise DomainError(
            ErrorCode.DATA_TOO_LARGE, f"form data is {size} bytes; the limit is 1 MiB", "data"
        )
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise DomainError(
                ErrorCode.DATA_TOO_DEEP,
                f"form data is nested deeper than {MAX_DEPTH} levels",
                "data" + where(path, known),
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if "$" in key or "." in key or "\x00" in key:
                    raise DomainError(
                        ErrorCode.FORBIDDEN_KEY,
                        "a key may not contain '$', '.' or NUL",
                        "data" + where((*path, key), known),
                    )
                stack.append((child, depth + 1, (*path, key)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1, (*path, i)) for i, child in enumerate(value))
        else:
            _guard_number(value, "data" + where(path, known))


def _guard_number(value: Any, field: str) -> None:
    """Numbers MongoDB can store and JSON can carry back: no NaN or infinity, no integer
    beyond 64 bits."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise DomainError(ErrorCode.VALIDATION_FAILED, "an integer beyond 64 bits", field)
    if isinstance(value, float) and not math.isfinite(value):
        raise DomainError(ErrorCode.VALIDATION_FAILED, "a number that is not finite", field)


def _violations(error: ValidationError, known: frozenset[str]) -> Iterator[FieldViolation]:
    code = _CODES.get(str(error.validator), "INVALID")
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield FieldViolation(where([*base, name], known), f"{name!r} is required", code)
        return
    if error.validator == "dependentRequired" and isinstance(error.instance, dict):
        for trigger, needed in error.validator_value.items():
            if trigger not in error.instance:
                continue
            for name in needed:
                if name not in error.instance:
                    message = f"{name!r} is required when {trigger!r} is given"
                    yield FieldViolation(where([*base, name], known), message, code)
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                yield FieldViolation(
                    where([*base, name], known), "is not a field of this form", code
                )
        return
    yield FieldViolation(where(base, known), _rule(error), code)


def validate_data(schema: dict[str, Any], data: dict[str, Any]) -> list[FieldViolation]:
    """Every violation of `schema` by `data`, one per failing field, in document order."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    known = declared_names(schema)
    found: dict[tuple[str, str], FieldViolation] = {}
    for error in validator.iter_errors(data):
        for violation in _violations(error, known):
            found.setdefault((violation.path, violation.code), violation)
    return sorted(found.values(), key=lambda v: v.path)


def ensure_valid(schema: dict[str, Any], data: dict[str, Any]) -> None:
    guard_data(data, declared_names(schema))
    violations = validate_data(schema, data)
    if violations:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            f"{len(violations)} field(s) failed validation",
            "data",
            violations,
        )
