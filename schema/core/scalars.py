"""Free-form JSON values (form data, schemas) and uploads as GraphQL scalars, refusing what
JSON or MongoDB cannot hold: NaN and infinities, integers beyond 64 bits, text that is not
Unicode, other objects (a file mapped into a JSON argument), very deep nesting."""

from __future__ import annotations

import math
from typing import Any, cast

from strawberry.file_uploads.scalars import Upload
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition, scalar

from schema.core.input_errors import InputValueError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_JSON_DEPTH = 64


def as_json(value: Any) -> JSON:
    """Values read from MongoDB are plain JSON-compatible data."""
    return cast("JSON", value)


def _depth(path: tuple[str | int, ...]) -> str:
    # Not the keys: in free-form JSON any of them may be a name or a phone.
    return f"{len(path)} levels down" if path else "at the top"


def _valid_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a "\ud800" escape
        return False
    return True


def _refusal(value: Any) -> str | None:
    """Why a leaf cannot be stored, or None; containers are walked by `plain_json`."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT64_MIN <= value <= INT64_MAX else "an integer beyond 64 bits"
    if isinstance(value, float):
        return None if math.isfinite(value) else "a number that is not finite"
    if isinstance(value, str):
        return None if _valid_text(value) else "text that is not valid Unicode"
    return "a value that is not JSON"


def plain_json(value: Any) -> Any:
    """`value` itself when JSON and MongoDB can both hold it; InputValueError (naming
    the place, never the value) otherwise."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        where = _depth(path)
        if len(path) > MAX_JSON_DEPTH:
            raise InputValueError(f"it is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or not _valid_text(key):
                    raise InputValueError(f"it holds a key that is not text, {where}")
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(item))
        elif (refusal := _refusal(item)) is not None:
            raise InputValueError(f"it holds {refusal}, {where}")
    return value


def _upload(value: Any) -> Any:
    if callable(getattr(value, "read", None)) and hasattr(value, "filename"):
        return value
    raise InputValueError("an upload is expected here: a file part of a multipart request")


STRICT_JSON: ScalarDefinition = scalar(
    name="JSON",
    description=(
        "The `JSON` scalar type represents JSON values as specified by [ECMA-404]"
        "(https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf)."
        " Integers fit in 64 bits; NaN and infinities are refused."
    ),
    specified_by_url=(
        "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"
    ),
    serialize=lambda v: v,
    parse_value=plain_json,
)

STRICT_UPLOAD: ScalarDefinition = scalar(
    name="Upload",
    description="Represents a file upload.",
    serialize=lambda v: v,
    parse_value=_upload,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {JSON: STRICT_JSON, Upload: STRICT_UPLOAD}
