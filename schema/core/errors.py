"""Expected failures are part of the schema: payloads carry `errors`, never exceptions."""

from __future__ import annotations

from typing import TypeVar

import strawberry
from pydantic import ValidationError

from documents.common.errors import DomainError
from schema.core.enums import ErrorCode


@strawberry.interface
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if any.")
    message: str
    code: ErrorCode
    path: str | None = strawberry.field(
        default=None, description="JSON pointer into the form data, for form data errors."
    )
    reason: str | None = strawberry.field(
        default=None, description="Stable per-field reason, e.g. REQUIRED or BAD_FORMAT."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="When set (e.g. IN_PROGRESS): seconds to wait before retrying the request.",
    )


E = TypeVar("E", bound=UserError)


def errors_from(error_type: type[E], error: DomainError) -> list[E]:
    """One error per failing field when the domain reports several."""
    if error.violations:
        return [
            error_type(
                field=error.field,
                message=v.message,
                code=error.code,
                path=v.path,
                reason=v.code,
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
