"""Checks on admin schemas and on submitted form data.

Messages about data name the field and the rule it breaks, never the value: form data
holds names, id numbers and phones, and messages travel further than the data does."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.protocols import Validator

from documents.catalogue.forms import patterns, plain_fields
from documents.catalogue.forms.formats import FORMAT_CHECKER, KNOWN_FORMATS, formats_in
from documents.catalogue.forms.messages import REASONS, Reason, messages
from documents.common.errors import DomainError, ErrorCode, FieldViolation

# ECMA-262 patterns, as Ajv runs them.
ECMA_KEYWORDS = {
    "pattern": patterns.pattern,
    "patternProperties": patterns.pattern_properties,
    "additionalProperties": patterns.additional_properties,
}
# Draft 2020-12 with ECMA-262 patterns (as Ajv) and only the formats both sides know;
# plainly valid fields skip a child validator each.
FormValidator = validators.extend(
    Draft202012Validator,
    validators={**ECMA_KEYWORDS, "properties": plain_fields.properties},
    format_checker=FORMAT_CHECKER,
)

# The metaschema's own formats (`$id`, `$ref`…), but patterns are checked as ECMA-262
# below, not by Python's `re`.
_SCHEMA_FORMATS = FormatChecker(
    [name for name in Draft202012Validator.FORMAT_CHECKER.checkers if name != "regex"]
)

MAX_DATA_BYTES = 1024 * 1024
MAX_DEPTH = 20
# What MongoDB stores: a 64-bit integer; a double that is a number.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


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
    """Raise INVALID_SCHEMA unless `schema` is a valid draft 2020-12 schema whose patterns
    are ECMA-262 and whose formats are ones the server and Ajv both check."""
    if not isinstance(schema, dict):
        raise DomainError(ErrorCode.INVALID_SCHEMA, "the schema must be a JSON object", "schema")
    try:
        Draft202012Validator.check_schema(schema, format_checker=_SCHEMA_FORMATS)
    except SchemaError as error:
        where = pointer(error.path)
        raise DomainError(
            ErrorCode.INVALID_SCHEMA, f"{error.message} at {where or '/'}", "schema"
        ) from None
    for at, source in patterns.patterns_in(schema):
        if not patterns.is_ecma_regex(source):
            message = f"not an ECMA-262 regular expression at {pointer(at)}"
            raise DomainError(ErrorCode.INVALID_SCHEMA, message, "schema")
    for at, name in formats_in(schema):
        if name not in KNOWN_FORMATS:
            known = ", ".join(sorted(KNOWN_FORMATS))
            message = f"unknown format {name!r} at {pointer(at)}; known: {known}"
            raise DomainError(ErrorCode.INVALID_SCHEMA, message, "schema")


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
        elif (wrong := _unstorable(value)) is not None:
            # The field's pointer only now: built for every value it was a sixth of a
            # 700-field validation.
            raise DomainError(ErrorCode.VALIDATION_FAILED, wrong, "data" + where(path, known))


def _unstorable(value: Any) -> str | None:
    """What is wrong with a number MongoDB cannot store or JSON cannot carry back: NaN or
    infinity, an integer beyond 64 bits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        return "an integer beyond 64 bits"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number that is not finite"
    return None


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _enum_of_consts(branches: Any) -> list[Any] | None:
    """The values of a `oneOf`/`anyOf` written as an enum (each branch a `const`)."""
    if not isinstance(branches, list) or not branches:
        return None
    if not all(isinstance(b, dict) and "const" in b for b in branches):
        return None
    return [b["const"] for b in branches]


# Parameters per keyword, from the schema's side only (the failing keyword's value).
_PARAMS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "enum": lambda v: {"allowed": [_shown(x) for x in v]},
    "const": lambda v: {"allowed": [_shown(v)]},
    "type": lambda v: {"types": [v] if isinstance(v, str) else list(v)},
    "format": lambda v: {"format": v},
}


def _params(error: ValidationError, field: str) -> tuple[str, dict[str, Any]]:
    """The keyword that failed, as messages know it, and its parameters (schema side)."""
    keyword, value = str(error.validator), error.validator_value
    if keyword in ("oneOf", "anyOf"):
        allowed = _enum_of_consts(value)
        if allowed is not None:
            return "oneOfConst", {"allowed": [_shown(v) for v in allowed]}
        return keyword, {}
    if keyword in _PARAMS:
        return keyword, _PARAMS[keyword](value)
    if keyword == "pattern":
        title = error.schema.get("title") if isinstance(error.schema, dict) else None
        name = title if isinstance(title, str) and title else field or "/"
        return keyword, {"pattern": value, "pattern_name": name}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return keyword, {"limit": float(value)}
    return keyword, {}


def _violation(path: str, keyword: str, params: dict[str, Any]) -> FieldViolation:
    reason = REASONS.get(keyword, Reason.INVALID)
    vi, en = messages(keyword, params)
    shown = {k: v for k, v in params.items() if k not in ("name", "trigger")}
    return FieldViolation(path, en, reason.value, shown, vi)


def _violations(error: ValidationError, known: frozenset[str]) -> Iterator[FieldViolation]:
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield _violation(where([*base, name], known), "required", {"name": name})
        return
    if error.validator == "dependentRequired" and isinstance(error.instance, dict):
        for trigger, needed in error.validator_value.items():
            if trigger not in error.instance:
                continue
            for name in needed:
                if name not in error.instance:
                    params = {"name": name, "trigger": trigger}
                    yield _violation(where([*base, name], known), "dependentRequired", params)
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                yield _violation(where([*base, name], known), "additionalProperties", {})
        return
    field = where(base, known)
    keyword, params = _params(error, field)
    yield _violation(field, keyword, params)


# A published form version never changes, so its identity names its schema: no need
# to serialise a 700-field schema on every submission to find its validator.
FormIdentity = Hashable
_MAX_FORMS = 256
_by_form: dict[FormIdentity, tuple[Validator, frozenset[str]]] = {}
_compiled_count = [0]


def _compile(schema: dict[str, Any]) -> tuple[Validator, frozenset[str]]:
    _compiled_count[0] += 1
    return FormValidator(schema, format_checker=FORMAT_CHECKER), declared_names(schema)


def compilations() -> int:
    """How many validators this process has built (a test's and a bench's probe)."""
    return _compiled_count[0]


@lru_cache(maxsize=256)
def _compiled(schema_text: str) -> tuple[Validator, frozenset[str]]:
    return _compile(json.loads(schema_text))


def validator_for(
    schema: dict[str, Any], form: FormIdentity | None = None
) -> tuple[Validator, frozenset[str]]:
    """The form's validator and declared names, built once per form version: `form`
    identifies a published version (`published_identity`); without it the schema's text
    is its identity."""
    if form is None:
        return _compiled(json.dumps(schema, sort_keys=True, ensure_ascii=False))
    found = _by_form.get(form)
    if found is None:
        if len(_by_form) >= _MAX_FORMS:  # the oldest goes; versions in use come back
            del _by_form[next(iter(_by_form))]
        found = _by_form[form] = _compile(schema)
    return found


def validate_data(
    schema: dict[str, Any], data: dict[str, Any], form: FormIdentity | None = None
) -> list[FieldViolation]:
    """Every violation of `schema` by `data`, one per failing field, in document order."""
    return violations_of(validator_for(schema, form), data)


def violations_of(
    compiled: tuple[Validator, frozenset[str]], data: dict[str, Any]
) -> list[FieldViolation]:
    validator, known = compiled
    found: dict[tuple[str, str], FieldViolation] = {}
    for error in validator.iter_errors(data):
        for violation in _violations(error, known):
            found.setdefault((violation.path, violation.code), violation)
    return sorted(found.values(), key=lambda v: v.path)


def ensure_valid(
    schema: dict[str, Any], data: dict[str, Any], form: FormIdentity | None = None
) -> None:
    compiled = validator_for(schema, form)
    guard_data(data, compiled[1])
    violations = violations_of(compiled, data)
    if violations:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            f"{len(violations)} field(s) failed validation",
            "data",
            violations,
        )
