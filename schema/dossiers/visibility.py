"""Dossiers as the viewer may know them: hidden, masked or whole, and by code."""

from __future__ import annotations

import asyncio

from graphql import GraphQLError

from documents.common.errors import not_found
from documents.common.tolerant import UnreadableDocumentError
from documents.dossiers.dossier import Dossier, load_dossier, stored_where
from documents.dossiers.privacy import mask_applicant, mask_fields
from schema.core.context import Info
from schema.core.unreadable import unreadable_error


async def visible_dossier(info: Info, code: str) -> Dossier:
    """The dossier, if the viewer may see it: unknown and invisible dossiers are the
    same NOT_FOUND, since codes are guessable."""
    access = await info.context.access()
    try:
        dossier = await load_dossier(code)
    except UnreadableDocumentError:
        if not await stored_where(code, access.dossier_filter()):
            raise not_found("dossier", code, "code") from None
        raise
    if not access.can_view(dossier):
        raise not_found("dossier", code, "code")  # word for word what an unknown code gets
    return dossier


async def unreadable_dossier(
    info: Info, code: str, error: UnreadableDocumentError
) -> GraphQLError | None:
    """The typed error for a dossier this version cannot read, to raise (or return as a
    list item: graphql-core puts it at the item's path); None (as for an unknown code)
    when the viewer may not see that dossier."""
    if error.document is None:
        return None
    access = await info.context.access()
    if not await stored_where(code, access.dossier_filter()):
        return None
    return unreadable_error(
        error.document,
        "this version cannot read the stored dossier",
        None,
        dossierCode=code,
    )


async def loaded_dossiers(
    info: Info, codes: list[str]
) -> list[Dossier | UnreadableDocumentError | None]:
    """Dossiers by code in one loader batch, an unreadable one as its error."""
    loader = info.context.loaders.dossier_by_code
    found = await asyncio.gather(*(loader.load(code) for code in codes), return_exceptions=True)
    for item in found:
        if isinstance(item, BaseException) and not isinstance(item, UnreadableDocumentError):
            raise item
    return found  # type: ignore[return-value]  # only dossiers, None and the errors left


async def as_seen(info: Info, dossier: Dossier | None) -> Dossier | None:
    """None unless the viewer may see the dossier; personal data and the form's
    sensitive fields masked unless the viewer is the applicant or a handling officer."""
    if dossier is None:
        return None
    access = await info.context.access()
    if not access.can_view(dossier):
        return None
    if access.sees_personal_data(dossier):
        return dossier
    form = await info.context.loaders.form_by_version.load((dossier.form_key, dossier.form_version))
    sensitive = form.hints.sensitive_pointers() if form else []
    return dossier.model_copy(
        update={
            "applicant": mask_applicant(dossier.applicant),
            "data": mask_fields(dossier.data, sensitive),
        }
    )


async def all_as_seen(info: Info, dossiers: list[Dossier | None]) -> list[Dossier | None]:
    # Concurrently, so the form look-ups for masking share one loader batch.
    return list(await asyncio.gather(*(as_seen(info, dossier) for dossier in dossiers)))
