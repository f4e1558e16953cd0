"""What administrators send to create an integrator's API key."""

from __future__ import annotations

import strawberry

from schema.core.enums import Operation


@strawberry.input
class CreateApiKeyInput:
    name: str
    operations: list[Operation]
    agencies: list[str] = strawberry.field(default_factory=list)
    procedures: list[str] = strawberry.field(default_factory=list)
