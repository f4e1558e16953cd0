"""Reading forms, every version of a key or one version."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.catalogue.forms.definition import forms_with_key
from schema.catalogue.forms.types import FormType, visible_forms
from schema.core.context import Info


@strawberry.type
class FormQueries:
    @strawberry.field(
        description="Every version of the form `key`; drafts (last) for administrators only."
    )
    async def forms(self, info: Info, key: str) -> list[FormType]:
        return [
            FormType.from_document(f) for f in await visible_forms(info, await forms_with_key(key))
        ]

    @strawberry.field(
        description="One version of a form; null when unknown or not yours to see (a draft)."
    )
    async def form(
        self,
        info: Info,
        key: Annotated[str, strawberry.argument(description="The form's key.")],
        version: Annotated[int, strawberry.argument(description="The version number, from 1.")],
    ) -> FormType | None:
        found = await info.context.loaders.form_by_version.load((key, version))
        shown = await visible_forms(info, [found])
        return FormType.from_document(shown[0]) if shown else None
