"""Checks on admin schemas and on submitted form data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from documents.common.errors import DomainError, ErrorCode, FieldViolation

MAX_DATA_BYTES = 1024 * 1024
MAX_DEPTH = 20

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


def pointer(parts: Any) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)


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


def guard_data(data: Any) -> None:
    """Reject data that is too big, too deep, or carries keys MongoDB would interpret."""
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
                "data" + pointer(path),
            )
        if isinstance(value, dict):
            for key, child in value.items():
                if "$" in key or "." in key or "\x00" in key:
                    raise DomainError(
                        ErrorCode.FORBIDDEN_KEY,
                        f"key {key!r} may not contain '$', '.' or NUL",
                        "data" + pointer((*path, key)),
                    )
                stack.append((child, depth + 1, (*path, key)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1, (*path, i)) for i, child in enumerate(value))


def _violations(error: ValidationError) -> Iterator[FieldViolation]:
    code = _CODES.get(str(error.validator), "INVALID")
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield FieldViolation(pointer([*base, name]), f"{name!r} is required", code)
        return
    if error.validator == "dependentRequired" and isinstance(error.instance, dict):
        for trigger, needed in error.validator_value.items():
            if trigger not in error.instance:
                continue
            for name in needed:
                if name not in error.instance:
                    message = f"{name!r} is required when {trigger!r} is given"
                    yield FieldViolation(pointer([*base, name]), message, code)
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                yield FieldViolation(pointer([*base, name]), f"{name!r} is not a field", code)
        return
    yield FieldViolation(pointer(base), error.message, code)


def validate_data(schema: dict[str, Any], data: dict[str, Any]) -> list[FieldViolation]:
    """Every violation of `schema` by `data`, one per failing field, in document order."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    found: dict[tuple[str, str], FieldViolation] = {}
    for error in validator.iter_errors(data):
        for violation in _violations(error):
            found.setdefault((violation.path, violation.code), violation)
    return sorted(found.values(), key=lambda v: v.path)


def ensure_valid(schema: dict[str, Any], data: dict[str, Any]) -> None:
    guard_data(data)
    violations = validate_data(schema, data)
    if violations:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            f"{len(violations)} field(s) failed validation",
            "data",
            violations,
        )
