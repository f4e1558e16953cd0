"""What administrators send to create an integrator's API key."""

from __future__ import annotations

import strawberry

from schema.core.enums import Operation


@strawberry.input(description="A new integrator API key.")
class CreateApiKeyInput:
    name: str
    operations: list[Operation] = strawberry.field(description="What it may do.")
    agencies: list[str] = strawberry.field(default_factory=list)
    procedures: list[str] = strawberry.field(default_factory=list)
