"""Expected failures are part of the schema: payloads carry `errors`, never exceptions."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from pydantic import ValidationError

from documents.common.errors import DomainError, FieldViolation
from schema.core.enums import ErrorCode
from schema.core.reasons import ErrorReason, FieldErrorParams


@strawberry.interface(
    description="A mistake in a mutation's input or a rule it breaks: nothing was changed."
)
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if any.")
    message: str = strawberry.field(description="What went wrong, in English, for people.")
    code: ErrorCode = strawberry.field(
        description="What went wrong, for programs: stable across releases."
    )
    path: str | None = strawberry.field(
        default=None, description="JSON pointer into the form data, for form data errors."
    )
    reason: ErrorReason | None = strawberry.field(
        default=None,
        description="Stable reason: per failing form field (e.g. REQUIRED, BAD_FORMAT), or "
        "why a merge or split was refused.",
    )
    message_vi: str | None = strawberry.field(
        default=None,
        description="A failing form field's message in Vietnamese; it never repeats the "
        "submitted value.",
    )
    message_en: str | None = strawberry.field(
        default=None,
        description="A failing form field's message in English (the same as `message`); "
        "it never repeats the submitted value.",
    )
    params: FieldErrorParams | None = strawberry.field(
        default=None,
        description="A failing form field's rule parameters, for a client's own message.",
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="When set (e.g. IN_PROGRESS): seconds to wait before retrying the request.",
    )


E = TypeVar("E", bound=UserError)


def _params(violation: FieldViolation) -> FieldErrorParams | None:
    said: dict[str, Any] = violation.params
    if not said:
        return None
    return FieldErrorParams(
        limit=said.get("limit"),
        allowed=said.get("allowed"),
        format=said.get("format"),
        pattern=said.get("pattern"),
        pattern_name=said.get("pattern_name"),
        types=said.get("types"),
    )


def errors_from(error_type: type[E], error: DomainError) -> list[E]:
    """One error per failing field when the domain reports several."""
    if error.violations:
        return [
            error_type(
                field=error.field,
                message=v.message,
                code=error.code,
                path=v.path,
                reason=ErrorReason(v.code),
                message_vi=v.message_vi or None,
                message_en=v.message,
                params=_params(v),
            )
            for v in error.violations
        ]
    return [
        error_type(
            field=error.field,
            message=error.message,
            code=error.code,
            retry_after_seconds=error.retry_after_seconds,
        )
    ]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def errors_from_validation(
    error_type: type[E], error: ValidationError, prefix: str = ""
) -> list[E]:
    """Pydantic's complaints about an input, named the way the client spelled them."""
    found = []
    for issue in error.errors():
        location = ".".join(_camel(str(part)) for part in issue["loc"])
        field = f"{prefix}.{location}" if prefix and location else prefix or location
        found.append(
            error_type(field=field, message=issue["msg"], code=ErrorCode.VALIDATION_FAILED)
        )
    return found
