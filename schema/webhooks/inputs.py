"""What clients send to register a webhook."""

from __future__ import annotations

import strawberry

from documents.dossiers.feed import EventFilter
from schema.core.input_checks import FREE_TEXT_MAX_LENGTH, text
from schema.dossiers.inputs import DossierEventFilter


@strawberry.input(description="A new webhook.")
class RegisterWebhookInput:
    url: str = text(FREE_TEXT_MAX_LENGTH)
    filter: DossierEventFilter | None = strawberry.field(
        default=None, description="Which events it receives; all you may see when null."
    )
    secret: str | None = strawberry.field(
        default=None, description="At least 16 characters; generated when left out."
    )

    def stored_filter(self) -> EventFilter:
        return self.filter.to_domain() if self.filter else EventFilter()
