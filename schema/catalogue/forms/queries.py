"""Reading forms, every version of a key or one version."""

from __future__ import annotations

import strawberry

from documents.catalogue.forms.definition import forms_with_key
from schema.catalogue.forms.types import FormType, form_or_none
from schema.core.context import Info


@strawberry.type
class FormQueries:
    @strawberry.field(description="Every version of the form `key`, drafts last.")
    async def forms(self, key: str) -> list[FormType]:
        return [FormType.from_document(f) for f in await forms_with_key(key)]

    @strawberry.field
    async def form(self, info: Info, key: str, version: int) -> FormType | None:
        return form_or_none(await info.context.loaders.form_by_version.load((key, version)))
