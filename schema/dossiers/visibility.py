"""Dossiers as the viewer may know them: hidden, masked or whole, and by code."""

from __future__ import annotations

import asyncio

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.privacy import mask_applicant, mask_fields
from schema.core.context import Info


async def visible_dossier(info: Info, code: str) -> Dossier:
    """The dossier, if the viewer may see it: unknown and invisible dossiers are the
    same NOT_FOUND, since codes are guessable."""
    access = await info.context.access()
    dossier = await load_dossier(code)
    if not access.can_view(dossier):
        raise DomainError(ErrorCode.NOT_FOUND, f"dossier {code!r} does not exist", "code")
    return dossier


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
