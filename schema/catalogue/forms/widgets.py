"""The `Widget` enum of display hints, registered once for the types and the inputs."""

from __future__ import annotations

import strawberry

from documents.catalogue.forms.definition import Widget

strawberry.enum(Widget, name="Widget", description="How a field is entered (`ui:widget`).")

__all__ = ["Widget"]
