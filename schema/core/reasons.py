"""The `reason` of a payload error, as an enum, and a failing form field's parameters."""

from __future__ import annotations

from enum import Enum

import strawberry

from documents.catalogue.forms.messages import Reason as FormReason
from documents.merges.checks import Reason as MergeReason


@strawberry.enum(description="Why an error happened, more precisely than its `code`.")
class ErrorReason(Enum):
    REQUIRED = strawberry.enum_value(
        FormReason.REQUIRED.value, description="A required field is missing."
    )
    WRONG_TYPE = strawberry.enum_value(
        FormReason.WRONG_TYPE.value, description="The value has the wrong JSON type."
    )
    BAD_FORMAT = strawberry.enum_value(
        FormReason.BAD_FORMAT.value,
        description="The value is not of the field's `format` (e.g. email, date).",
    )
    NOT_ALLOWED = strawberry.enum_value(
        FormReason.NOT_ALLOWED.value,
        description="The value is not an allowed one (`enum`, `const`, a `oneOf` of `const`s).",
    )
    BAD_PATTERN = strawberry.enum_value(
        FormReason.BAD_PATTERN.value,
        description="The text does not match the field's pattern (ECMA-262).",
    )
    TOO_SHORT = strawberry.enum_value(
        FormReason.TOO_SHORT.value, description="The text is shorter than `minLength`."
    )
    TOO_LONG = strawberry.enum_value(
        FormReason.TOO_LONG.value, description="The text is longer than `maxLength`."
    )
    TOO_SMALL = strawberry.enum_value(
        FormReason.TOO_SMALL.value, description="The number is below the minimum."
    )
    TOO_LARGE = strawberry.enum_value(
        FormReason.TOO_LARGE.value, description="The number is above the maximum."
    )
    TOO_FEW = strawberry.enum_value(
        FormReason.TOO_FEW.value, description="The list has fewer items than `minItems`."
    )
    TOO_MANY = strawberry.enum_value(
        FormReason.TOO_MANY.value, description="The list has more items than `maxItems`."
    )
    UNKNOWN_FIELD = strawberry.enum_value(
        FormReason.UNKNOWN_FIELD.value,
        description="The data has a field the form does not declare.",
    )
    INVALID = strawberry.enum_value(
        FormReason.INVALID.value, description="Any other rule of the form failed."
    )
    NO_SOURCES = strawberry.enum_value(
        MergeReason.NO_SOURCES.value, description="A merge names no source agency."
    )
    NOT_ACTIVE = strawberry.enum_value(
        MergeReason.NOT_ACTIVE.value, description="An agency named is not active."
    )
    CYCLE = strawberry.enum_value(
        MergeReason.CYCLE.value, description="The change would make the agency tree a cycle."
    )
    TARGET_IS_SOURCE = strawberry.enum_value(
        MergeReason.TARGET_IS_SOURCE.value, description="The target is also a source."
    )
    TOO_FEW_TARGETS = strawberry.enum_value(
        MergeReason.TOO_FEW_TARGETS.value,
        description="A split needs at least two distinct targets.",
    )
    NOT_VALID_ON_DATE = strawberry.enum_value(
        MergeReason.NOT_VALID_ON_DATE.value,
        description="An agency is not valid on the effective date.",
    )
    BACKDATED_CONFLICT = strawberry.enum_value(
        MergeReason.BACKDATED_CONFLICT.value,
        description="A back-dated change contradicts existing dossiers.",
    )
    UNASSIGNED_DOSSIERS = strawberry.enum_value(
        MergeReason.UNASSIGNED_DOSSIERS.value,
        description="A split leaves open dossiers with no target.",
    )
    NOT_MOVING = strawberry.enum_value(
        MergeReason.NOT_MOVING.value,
        description="A dossier named to move is not an open dossier of the source.",
    )
    HAS_CHILDREN = strawberry.enum_value(
        MergeReason.HAS_CHILDREN.value, description="The agency still has active agencies under it."
    )
    FUTURE_DATE = strawberry.enum_value(
        MergeReason.FUTURE_DATE.value, description="The date is in the future."
    )
    ALREADY_SCHEDULED = strawberry.enum_value(
        MergeReason.ALREADY_SCHEDULED.value,
        description="A change is already scheduled for these agencies.",
    )
    NOT_SCHEDULED = strawberry.enum_value(
        MergeReason.NOT_SCHEDULED.value, description="No scheduled change matches."
    )


@strawberry.type(description="A failing form field's rule, from the form's side (never the value).")
class FieldErrorParams:
    limit: float | None = strawberry.field(
        default=None, description="The bound that was crossed: a length, a count or a number."
    )
    allowed: list[str] | None = strawberry.field(
        default=None,
        description="The allowed values (`enum`, `const`, a `oneOf` of `const`s): strings as "
        "they are, other values as JSON.",
    )
    format: str | None = strawberry.field(default=None, description="The `format` the value fails.")
    pattern: str | None = strawberry.field(
        default=None, description="The ECMA-262 pattern the text fails."
    )
    pattern_name: str | None = strawberry.field(
        default=None,
        description="What to call the pattern: the field schema's `title`, else its pointer.",
    )
    types: list[str] | None = strawberry.field(default=None, description="The JSON types allowed.")
