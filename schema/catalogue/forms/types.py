"""Forms, their display hints and the form payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.scalars import JSON

from documents.access.policy import AdminArea
from documents.catalogue.forms.definition import DisplayHints, FieldHint, FormSchema
from documents.catalogue.forms.definition import FormStatus as FormState
from schema.core.context import Info
from schema.core.enums import FormStatus
from schema.core.errors import UserError
from schema.core.scalars import as_json


@strawberry.type(name="FieldHint")
class FieldHintType:
    pointer: str = strawberry.field(description="JSON pointer of the field in the form data.")
    label_vi: str
    label_en: str | None
    sensitive: bool
    help_vi: str | None
    profile_attribute: str | None

    @classmethod
    def from_model(cls, hint: FieldHint) -> FieldHintType:
        return cls(**hint.model_dump())


@strawberry.type(name="FormHints")
class FormHintsType:
    order: list[str]
    fields: list[FieldHintType]

    @classmethod
    def from_model(cls, hints: DisplayHints) -> FormHintsType:
        return cls(order=hints.order, fields=[FieldHintType.from_model(f) for f in hints.fields])


@strawberry.type(name="Form")
class FormType(relay.Node):
    form_id: relay.NodeID[str]
    key: str
    version: int | None = strawberry.field(description="Null while the form is a draft.")
    title: str
    status: FormStatus
    schema: JSON = strawberry.field(
        description="The JSON Schema (draft 2020-12) the server validates data with."
    )
    hints: FormHintsType
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None

    @classmethod
    def from_document(cls, form: FormSchema) -> FormType:
        return cls(
            form_id=str(form.id),
            key=form.key,
            version=form.version,
            title=form.title,
            status=form.status,
            schema=as_json(form.json_schema),
            hints=FormHintsType.from_model(form.hints),
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


@strawberry.type
class FormError(UserError):
    pass


@strawberry.type
class FormPayload:
    form: FormType | None = None
    errors: list[FormError] = strawberry.field(default_factory=list)
