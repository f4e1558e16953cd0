"""What administrators send to draft a form: its schema and display hints."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from documents.catalogue.forms.definition import DisplayHints, FieldHint
from schema.core.input_checks import FREE_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, text


@strawberry.input
class FieldHintInput:
    pointer: str = strawberry.field(description="JSON pointer of the field, e.g. `/child/name`.")
    label_vi: str = text(NAME_MAX_LENGTH)
    label_en: str | None = text(NAME_MAX_LENGTH, default=None)
    sensitive: bool = False
    help_vi: str | None = text(FREE_TEXT_MAX_LENGTH, default=None)
    profile_attribute: str | None = None


@strawberry.input
class FormHintsInput:
    order: list[str] = strawberry.field(default_factory=list)
    fields: list[FieldHintInput] = strawberry.field(default_factory=list)

    def to_domain(self) -> DisplayHints:
        return DisplayHints(
            order=self.order,
            fields=[FieldHint(**vars(hint)) for hint in self.fields],
        )


@strawberry.input
class CreateFormDraftInput:
    key: str
    title: str = text(NAME_MAX_LENGTH)
    schema: JSON = strawberry.field(description="A JSON Schema, draft 2020-12.")
    hints: FormHintsInput | None = None
