"""Draft → published (immutable, numbered) → retired."""

from __future__ import annotations

from typing import Any

from beanie import PydanticObjectId, SortDirection
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.forms.compatibility import check_publishable, check_type_name_free
from documents.catalogue.forms.definition import DisplayHints, FormSchema, FormStatus
from documents.catalogue.forms.hints import check_hints
from documents.catalogue.forms.validation import check_schema
from documents.common.clock import utcnow
from documents.common.counters import next_value
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.common.transactions import in_transaction


async def create_draft(
    key: str, title: str, schema: Any, hints: DisplayHints | None = None
) -> FormSchema:
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise DomainError(ErrorCode.VALIDATION_FAILED, "key must be letters, digits, - or _", "key")
    check_schema(schema)
    await check_type_name_free(key)
    hints = hints or DisplayHints()
    check_hints(schema, hints)
    form = FormSchema(key=key, title=title, json_schema=schema, hints=hints, created_at=utcnow())
    await form.insert()
    return form


async def publish(form_id: PydanticObjectId) -> FormSchema:
    """Give the draft the next version of its key and freeze it."""

    async def work(session: AsyncClientSession) -> FormSchema:
        form = await FormSchema.get(form_id, session=session)
        if form is None:
            raise not_found("form", str(form_id), "id")
        if form.status is not FormStatus.DRAFT:
            raise DomainError(
                ErrorCode.ILLEGAL_TRANSITION, f"form is already {form.status.value}", "id"
            )
        earlier = FormSchema.find(
            FormSchema.key == form.key, FormSchema.status != FormStatus.DRAFT, session=session
        )
        check_publishable(form, await earlier.to_list())
        form.version = await next_value(f"form:{form.key}", session)
        form.status = FormStatus.PUBLISHED
        form.published_at = utcnow()
        await form.save(session=session)
        return form

    return await in_transaction(FormSchema, work)


async def retire(key: str, version: int) -> FormSchema:
    form = await FormSchema.find_one(FormSchema.key == key, FormSchema.version == version)
    if form is None:
        raise not_found("form", f"{key} v{version}", "version")
    if form.status is not FormStatus.PUBLISHED:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION, f"form is {form.status.value}, not PUBLISHED", "version"
        )
    form.status = FormStatus.RETIRED
    form.retired_at = utcnow()
    await form.save()
    return form


async def current_form(key: str) -> FormSchema:
    """The newest published version: what new submissions are pinned to."""
    form = (
        await FormSchema.find(FormSchema.key == key, FormSchema.status == FormStatus.PUBLISHED)
        .sort([("version", SortDirection.DESCENDING)])
        .first_or_none()
    )
    if form is None:
        raise DomainError(
            ErrorCode.FORM_NOT_PUBLISHED, f"form {key!r} has no published version", "procedureCode"
        )
    return form
