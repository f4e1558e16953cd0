"""Free-form JSON values (form data, schemas) as GraphQL scalars."""

from __future__ import annotations

from typing import Any, cast

from strawberry.scalars import JSON


def as_json(value: Any) -> JSON:
    """Values read from MongoDB are plain JSON-compatible data."""
    return cast("JSON", value)
