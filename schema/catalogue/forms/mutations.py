"""A form's life cycle, for administrators: draft, publish, retire."""

from __future__ import annotations

from typing import Annotated

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from documents.access.policy import AdminArea
from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.definition import FormStatus, forms_with_key
from documents.catalogue.forms.type_names import RESERVED
from documents.common.errors import DomainError, ErrorCode
from schema.catalogue.forms.inputs import CreateFormDraftInput
from schema.catalogue.forms.typed import form_data_types
from schema.catalogue.forms.types import FormError, FormPayload, FormType
from schema.core.context import Info
from schema.core.errors import errors_from
from schema.core.permissions import require_admin


def _failed(error: DomainError) -> FormPayload:
    return FormPayload(errors=errors_from(FormError, error))


@strawberry.type
class FormMutations:
    @strawberry.mutation(description="Create a draft form; its schema is checked first.")
    async def create_form_draft(
        self,
        info: Info,
        input: Annotated[
            CreateFormDraftInput,
            strawberry.argument(description="The key, title, JSON Schema and hints."),
        ],
    ) -> FormPayload:
        await require_admin(info, AdminArea.FORMS)
        try:
            hints = input.hints.to_domain() if input.hints else None
            form = await lifecycle.create_draft(input.key, input.title, input.schema, hints)
        except DomainError as error:
            return _failed(error)
        info.context.audit.change("form", str(form.id), None, form)
        return FormPayload(form=FormType.from_document(form))

    @strawberry.mutation(description="Give a draft the next version number and freeze it.")
    async def publish_form(self, info: Info, id: relay.GlobalID) -> FormPayload:
        await require_admin(info, AdminArea.FORMS)
        if id.type_name != "Form" or not PydanticObjectId.is_valid(id.node_id):
            return _failed(DomainError(ErrorCode.NOT_FOUND, "no form has this id", "id"))
        try:
            form = await lifecycle.publish(PydanticObjectId(id.node_id))
        except DomainError as error:
            return _failed(error)
        before = form.model_copy(update={"status": FormStatus.DRAFT, "version": None})
        info.context.audit.change("form", str(form.id), before, form)
        numbered = [f for f in await forms_with_key(form.key) if f.version is not None]
        warning = form_data_types(numbered, set(RESERVED)).warnings.get(form.key)
        return FormPayload(form=FormType.from_document(form), warnings=[warning] if warning else [])

    @strawberry.mutation(description="Stop new submissions on a published version.")
    async def retire_form(
        self,
        info: Info,
        key: str,
        version: Annotated[
            int, strawberry.argument(description="The published version to retire.")
        ],
    ) -> FormPayload:
        await require_admin(info, AdminArea.FORMS)
        try:
            form = await lifecycle.retire(key, version)
        except DomainError as error:
            return _failed(error)
        before = form.model_copy(update={"status": FormStatus.PUBLISHED, "retired_at": None})
        info.context.audit.change("form", str(form.id), before, form)
        return FormPayload(form=FormType.from_document(form))
