"""ECMA-262 regular expressions for `pattern` and `patternProperties`, as Ajv runs them.

JSON Schema says patterns are ECMA-262; Python's `re` differs (`\\d` matches fullwidth
digits, `$` matches before a trailing newline). `regress` is an ECMAScript engine; the
`u` flag is the one Ajv 8 compiles with (`unicodeRegExp`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regress
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

FLAGS = "u"


@lru_cache(maxsize=4096)
def compiled(source: str) -> regress.Regex:
    """The pattern compiled once; raises `regress.RegressError` if it is not ECMA-262."""
    return regress.Regex(source, FLAGS)


def is_ecma_regex(source: object) -> bool:
    if not isinstance(source, str):
        return False
    try:
        compiled(source)
    except regress.RegressError:
        return False
    return True


def search(source: str, text: str) -> bool:
    """Whether `source` matches anywhere in `text` (JSON Schema patterns are unanchored)."""
    return compiled(source).find(text) is not None


# jsonschema keyword functions: the library's own, with `re.search` replaced.


def pattern(validator: Validator, source: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not search(source, instance):
        yield ValidationError("does not match the pattern")


def _additional(instance: dict[str, Any], schema: dict[str, Any]) -> Iterator[str]:
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    for name in instance:
        if name not in properties and not any(search(p, name) for p in patterns):
            yield name


def pattern_properties(
    validator: Validator, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for source, subschema in patterns.items():
        for name, value in instance.items():
            if search(source, name):
                yield from validator.descend(value, subschema, path=name, schema_path=source)


def additional_properties(
    validator: Validator, allowed: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    extras = list(_additional(instance, schema))
    if validator.is_type(allowed, "object"):
        for name in extras:
            yield from validator.descend(instance[name], allowed, path=name)
    elif not allowed and extras:
        yield ValidationError("has fields the form does not declare")


def patterns_in(schema: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every regular expression a schema holds, with the path of keywords to it."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from patterns_in(item, (*at, str(index)))
    elif isinstance(schema, dict):
        for keyword, value in schema.items():
            here = (*at, keyword)
            if keyword == "pattern" and isinstance(value, str):
                yield here, value
            elif keyword == "patternProperties" and isinstance(value, dict):
                for source in value:
                    yield (*here, source), source
            if keyword not in ("const", "enum", "default", "examples"):
                yield from patterns_in(value, here)
