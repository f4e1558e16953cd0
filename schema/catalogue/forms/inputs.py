"""What administrators send to draft a form: its schema and display hints."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from documents.catalogue.forms.definition import (
    DisplayHints,
    FieldHint,
    OptionHint,
    SectionHint,
)
from schema.catalogue.forms.widgets import Widget
from schema.core.input_checks import FREE_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, text


@strawberry.input(description="The labels of one value a field allows.")
class FieldOptionInput:
    value: JSON = strawberry.field(description="A value the schema allows at the field.")
    label_vi: str = text(NAME_MAX_LENGTH, "The option's label in Vietnamese.")
    label_en: str | None = text(NAME_MAX_LENGTH, "The option's label in English.", default=None)

    def to_domain(self) -> OptionHint:
        return OptionHint(value=self.value, label_vi=self.label_vi, label_en=self.label_en)


@strawberry.input(description="How to show one field (docs/forms.md, Display hints).")
class FieldHintInput:
    pointer: str = strawberry.field(
        description="JSON pointer of the field, e.g. `/child/name`; `*` is every item of an "
        "array (`/children/*/fullName`), and pointers follow the schema's `$ref`."
    )
    label_vi: str = text(NAME_MAX_LENGTH, "The field's label in Vietnamese (`ui:title`).")
    label_en: str | None = text(NAME_MAX_LENGTH, "The field's label in English.", default=None)
    sensitive: bool = strawberry.field(
        default=False, description="Mask it for viewers other than applicant and officers."
    )
    help_vi: str | None = text(
        FREE_TEXT_MAX_LENGTH, "Help in Vietnamese (`ui:help`).", default=None
    )
    help_en: str | None = text(FREE_TEXT_MAX_LENGTH, "Help in English.", default=None)
    placeholder_vi: str | None = text(
        NAME_MAX_LENGTH, "`ui:placeholder` in Vietnamese.", default=None
    )
    placeholder_en: str | None = text(NAME_MAX_LENGTH, "`ui:placeholder` in English.", default=None)
    widget: Widget | None = strawberry.field(
        default=None, description="How the field is entered; it must suit the field."
    )
    paper_slot: str | None = strawberry.field(
        default=None, description="With the FILE widget: a slot of the procedure's papers."
    )
    options: list[FieldOptionInput] = strawberry.field(
        default_factory=list, description="Labels of the values the schema allows."
    )
    profile_attribute: str | None = strawberry.field(
        default=None, description="The applicant profile attribute that prefills the field."
    )

    def to_domain(self) -> FieldHint:
        return FieldHint(
            **{name: value for name, value in vars(self).items() if name != "options"},
            options=[option.to_domain() for option in self.options],
        )


@strawberry.input(description="A titled group of fields.")
class FormSectionInput:
    key: str = strawberry.field(description="Names the section, unique in its form.")
    title_vi: str = text(NAME_MAX_LENGTH, "The section's title in Vietnamese.")
    title_en: str | None = text(NAME_MAX_LENGTH, "The section's title in English.", default=None)
    order: int = strawberry.field(default=0, description="Sections show in ascending order.")
    fields: list[str] = strawberry.field(
        default_factory=list, description="Pointers of the section's fields, in order."
    )

    def to_domain(self) -> SectionHint:
        return SectionHint(**vars(self))


@strawberry.input(description="How to show a form; checked against its schema.")
class FormHintsInput:
    order: list[str] = strawberry.field(
        default_factory=list, description="Top-level fields in display order; `*` is the rest."
    )
    fields: list[FieldHintInput] = strawberry.field(
        default_factory=list, description="One hint per labelled field."
    )
    sections: list[FormSectionInput] = strawberry.field(
        default_factory=list, description="Titled groups of fields."
    )

    def to_domain(self) -> DisplayHints:
        return DisplayHints(
            order=self.order,
            fields=[hint.to_domain() for hint in self.fields],
            sections=[section.to_domain() for section in self.sections],
        )


@strawberry.input(description="A new form draft.")
class CreateFormDraftInput:
    key: str
    title: str = text(NAME_MAX_LENGTH)
    schema: JSON = strawberry.field(description="A JSON Schema, draft 2020-12.")
    hints: FormHintsInput | None = strawberry.field(
        default=None, description="How to show it; none when null."
    )
