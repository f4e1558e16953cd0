"""What a failing form field is told, in Vietnamese and English, from the rule's
parameters only: a message never carries the value that was submitted."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    """The stable reason of one failing field (docs/forms.md, "Validation")."""

    REQUIRED = "REQUIRED"
    WRONG_TYPE = "WRONG_TYPE"
    BAD_FORMAT = "BAD_FORMAT"
    NOT_ALLOWED = "NOT_ALLOWED"
    BAD_PATTERN = "BAD_PATTERN"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    TOO_SMALL = "TOO_SMALL"
    TOO_LARGE = "TOO_LARGE"
    TOO_FEW = "TOO_FEW"
    TOO_MANY = "TOO_MANY"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    INVALID = "INVALID"


# The reason for each JSON Schema keyword that can fail; any other keyword is INVALID.
REASONS: dict[str, Reason] = {
    "required": Reason.REQUIRED,
    "dependentRequired": Reason.REQUIRED,
    "type": Reason.WRONG_TYPE,
    "format": Reason.BAD_FORMAT,
    "enum": Reason.NOT_ALLOWED,
    "const": Reason.NOT_ALLOWED,
    "oneOfConst": Reason.NOT_ALLOWED,  # a oneOf/anyOf whose branches are all `const`s
    "pattern": Reason.BAD_PATTERN,
    "minLength": Reason.TOO_SHORT,
    "maxLength": Reason.TOO_LONG,
    "minimum": Reason.TOO_SMALL,
    "exclusiveMinimum": Reason.TOO_SMALL,
    "maximum": Reason.TOO_LARGE,
    "exclusiveMaximum": Reason.TOO_LARGE,
    "minItems": Reason.TOO_FEW,
    "maxItems": Reason.TOO_MANY,
    "additionalProperties": Reason.UNKNOWN_FIELD,
    "unevaluatedProperties": Reason.UNKNOWN_FIELD,
}

_TYPES_VI = {
    "string": "chuỗi",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "đúng/sai",
    "object": "đối tượng",
    "array": "danh sách",
    "null": "rỗng",
}

# (Vietnamese, English) per keyword, formatted with the error's params. `{name}` is the
# field's own name (a key the form declares), `{limit}` a number from the schema.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Trường {name} là bắt buộc", "'{name}' is required"),
    "dependentRequired": (
        "Trường {name} là bắt buộc khi có {trigger}",
        "'{name}' is required when '{trigger}' is given",
    ),
    "type": ("Phải là {types_vi}", "must be of type {types}"),
    "format": ("Không đúng định dạng {format}", "must be a valid {format}"),
    "enum": ("Phải là một trong các giá trị cho phép", "must be one of the allowed values"),
    "const": ("Phải là giá trị cho phép", "must be the allowed value"),
    "oneOfConst": ("Phải là một trong các giá trị cho phép", "must be one of the allowed values"),
    "pattern": ("Không đúng mẫu {pattern_name}", "must match the pattern {pattern_name}"),
    "minLength": ("Phải có ít nhất {limit} ký tự", "must be at least {limit} characters long"),
    "maxLength": ("Chỉ được tối đa {limit} ký tự", "must be at most {limit} characters long"),
    "minimum": ("Phải lớn hơn hoặc bằng {limit}", "must be at least {limit}"),
    "exclusiveMinimum": ("Phải lớn hơn {limit}", "must be greater than {limit}"),
    "maximum": ("Phải nhỏ hơn hoặc bằng {limit}", "must be at most {limit}"),
    "exclusiveMaximum": ("Phải nhỏ hơn {limit}", "must be less than {limit}"),
    "minItems": ("Phải có ít nhất {limit} mục", "must have at least {limit} items"),
    "maxItems": ("Chỉ được tối đa {limit} mục", "must have at most {limit} items"),
    "uniqueItems": ("Các mục không được trùng nhau", "must not repeat an item"),
    "multipleOf": ("Phải là bội số của {limit}", "must be a multiple of {limit}"),
    "additionalProperties": ("Không phải trường của biểu mẫu", "is not a field of this form"),
    "unevaluatedProperties": ("Không phải trường của biểu mẫu", "is not a field of this form"),
}
_OTHER = (
    "Không thỏa mãn quy tắc {keyword} của biểu mẫu",
    "does not satisfy the form's `{keyword}` rule",
)


def _shown(params: dict[str, Any], keyword: str) -> dict[str, Any]:
    shown = dict(params, keyword=keyword)
    types = params.get("types") or []
    shown["types"] = " or ".join(types)
    shown["types_vi"] = " hoặc ".join(_TYPES_VI.get(t, t) for t in types)
    limit = params.get("limit")
    if isinstance(limit, float) and limit.is_integer():
        shown["limit"] = int(limit)
    return shown


def messages(keyword: str, params: dict[str, Any]) -> tuple[str, str]:
    """(Vietnamese, English) for a failing keyword, said with its params only."""
    vi, en = MESSAGES.get(keyword, _OTHER)
    shown = _shown(params, keyword)
    return vi.format(**shown), en.format(**shown)
