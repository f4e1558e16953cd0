"""Forms, their display hints and the form payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.scalars import JSON

from documents.access.policy import AdminArea
from documents.catalogue.forms.definition import (
    DisplayHints,
    FieldHint,
    FormSchema,
    OptionHint,
    SectionHint,
)
from documents.catalogue.forms.definition import FormStatus as FormState
from documents.catalogue.forms.hints import options_of
from schema.catalogue.forms.widgets import Widget
from schema.core.context import Info
from schema.core.enums import FormStatus
from schema.core.errors import UserError
from schema.core.global_ids import derived_id
from schema.core.scalars import as_json


@strawberry.type(name="FieldOption", description="A labelled value of a field.")
class FieldOptionType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its form's id, its field hint's number and its own."
    )
    value: JSON = strawberry.field(description="The value stored in the form data.")
    label_vi: str = strawberry.field(description="The option's label in Vietnamese.")
    label_en: str | None = strawberry.field(description="The option's label in English.")

    @classmethod
    def from_model(cls, option: OptionHint, id: strawberry.ID) -> FieldOptionType:
        return cls(
            id=id, value=as_json(option.value), label_vi=option.label_vi, label_en=option.label_en
        )


@strawberry.type(name="FieldHint", description="How to show one field of a form.")
class FieldHintType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its form's id and the hint's number in the form's hints."
    )
    pointer: str = strawberry.field(
        description="JSON pointer of the field in the form data; `*` is every item of an array."
    )
    label_vi: str = strawberry.field(description="The field's label in Vietnamese (`ui:title`).")
    label_en: str | None = strawberry.field(description="The field's label in English.")
    sensitive: bool = strawberry.field(
        description="Masked for viewers who are not the applicant or a handling officer."
    )
    help_vi: str | None = strawberry.field(description="Help under the field (`ui:help`).")
    help_en: str | None = strawberry.field(description="The help in English.")
    placeholder_vi: str | None = strawberry.field(description="`ui:placeholder` in Vietnamese.")
    placeholder_en: str | None = strawberry.field(description="`ui:placeholder` in English.")
    widget: Widget | None = strawberry.field(description="How the field is entered.")
    paper_slot: str | None = strawberry.field(
        description="With the FILE widget: the slot of the procedure's required papers."
    )
    options: list[FieldOptionType] = strawberry.field(
        description="The allowed values with their labels: the hint's, else the schema's "
        "`title` of each `const`."
    )
    profile_attribute: str | None = strawberry.field(
        description="The applicant profile attribute that prefills the field."
    )

    @classmethod
    def from_model(
        cls, hint: FieldHint, schema: dict[str, Any], form_id: str, n: int
    ) -> FieldHintType:
        return cls(
            id=derived_id("FieldHint", form_id, n),
            pointer=hint.pointer,
            label_vi=hint.label_vi,
            label_en=hint.label_en,
            sensitive=hint.sensitive,
            help_vi=hint.help_vi,
            help_en=hint.help_en,
            placeholder_vi=hint.placeholder_vi,
            placeholder_en=hint.placeholder_en,
            widget=hint.widget,
            paper_slot=hint.paper_slot,
            options=[
                FieldOptionType.from_model(o, derived_id("FieldOption", form_id, n, m))
                for m, o in enumerate(options_of(schema, hint), start=1)
            ],
            profile_attribute=hint.profile_attribute,
        )


@strawberry.type(name="FormSection", description="A titled group of fields.")
class FormSectionType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its form's id and the section's number in the form's hints."
    )
    key: str = strawberry.field(description="Names the section, unique in its form.")
    title_vi: str = strawberry.field(description="The section's title in Vietnamese.")
    title_en: str | None = strawberry.field(description="The section's title in English.")
    order: int = strawberry.field(description="Sections show in ascending order.")
    fields: list[str] = strawberry.field(description="Pointers of its fields, in order.")

    @classmethod
    def from_model(cls, section: SectionHint, id: strawberry.ID) -> FormSectionType:
        return cls(
            id=id,
            key=section.key,
            title_vi=section.title_vi,
            title_en=section.title_en,
            order=section.order,
            fields=section.fields,
        )


@strawberry.type(name="FormHints", description="How to show a form (docs/forms.md).")
class FormHintsType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its form's id (one set of hints per form version)."
    )
    order: list[str] = strawberry.field(
        description="Top-level fields in display order (`ui:order`); `*` is the rest."
    )
    fields: list[FieldHintType] = strawberry.field(description="One hint per labelled field.")
    sections: list[FormSectionType] = strawberry.field(description="In ascending `order`.")

    @classmethod
    def from_model(cls, hints: DisplayHints, schema: dict[str, Any], form_id: str) -> FormHintsType:
        # Numbered in the order the form stores them, so sorting does not move an id.
        numbered = enumerate(hints.sections, start=1)
        sections = sorted(numbered, key=lambda pair: pair[1].order)
        return cls(
            id=derived_id("FormHints", form_id),
            order=hints.order,
            fields=[
                FieldHintType.from_model(f, schema, form_id, n)
                for n, f in enumerate(hints.fields, start=1)
            ],
            sections=[
                FormSectionType.from_model(s, derived_id("FormSection", form_id, n))
                for n, s in sections
            ],
        )


@strawberry.type(
    name="Form",
    description="One version of an admin-defined form: a JSON Schema and display hints.",
)
class FormType(relay.Node):
    form_id: relay.NodeID[str]
    key: str = strawberry.field(description="The form's key, shared by all its versions.")
    version: int | None = strawberry.field(description="Null while the form is a draft.")
    title: str = strawberry.field(description="The form's title.")
    status: FormStatus = strawberry.field(description="Draft, published or retired.")
    schema: JSON = strawberry.field(
        description="The JSON Schema (draft 2020-12) the server validates data with."
    )
    hints: FormHintsType = strawberry.field(
        description="How to show the form: labels, help, widgets, sections."
    )
    created_at: datetime = strawberry.field(description="When the draft was created.")
    published_at: datetime | None = strawberry.field(
        description="When it was published; null for a draft."
    )
    retired_at: datetime | None = strawberry.field(
        description="When it was retired; null while in use."
    )

    @classmethod
    def from_document(cls, form: FormSchema) -> FormType:
        return cls(
            form_id=str(form.id),
            key=form.key,
            version=form.version,
            title=form.title,
            status=form.status,
            schema=as_json(form.json_schema),
            hints=FormHintsType.from_model(form.hints, form.json_schema, str(form.id)),
            created_at=form.created_at,
            published_at=form.published_at,
            retired_at=form.retired_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FormType | None]:
        ids = [PydanticObjectId(i) if PydanticObjectId.is_valid(i) else None for i in node_ids]
        found = await visible_forms(
            info, await info.context.loaders.form_by_id.load_many([i for i in ids if i])
        )
        by_id = {f.id: f for f in found}
        return [cls.from_document(by_id[i]) if i in by_id else None for i in ids]


async def visible_forms(info: Info, forms: Iterable[FormSchema | None]) -> list[FormSchema]:
    """The forms the viewer may see: drafts are administrators' work in progress, so
    only those who manage forms see them; to everyone else they do not exist."""
    sees_drafts = (await info.context.access()).can_admin(AdminArea.FORMS)
    return [f for f in forms if f is not None and (sees_drafts or f.status is not FormState.DRAFT)]


def form_or_none(form: FormSchema | None) -> FormType | None:
    return FormType.from_document(form) if form else None


@strawberry.type(description="A form mutation's error; `field` is the input at fault.")
class FormError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class FormPayload:
    form: FormType | None = strawberry.field(
        default=None,
        description="The form as it is now; null when there are errors.",
    )
    errors: list[FormError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
    warnings: list[str] = strawberry.field(
        default_factory=list,
        description="What the change does that may surprise: e.g. a published form whose "
        "schema cannot be typed in GraphQL, so its dossiers answer `UntypedFormData`.",
    )
