"""Dossiers as a given viewer may see them: hidden, masked, or whole."""

from __future__ import annotations

import asyncio

from documents.dossiers.dossier import Dossier
from documents.dossiers.privacy import mask_applicant, mask_fields
from schema.core.context import Info
from schema.dossiers.types import DossierType


async def present(info: Info, dossier: Dossier | None) -> DossierType | None:
    """None unless the viewer may see the dossier; personal data and the form's
    sensitive fields masked unless the viewer is the applicant or a handling officer."""
    if dossier is None:
        return None
    access = await info.context.access()
    if not access.can_view(dossier):
        return None
    if access.sees_personal_data(dossier):
        return DossierType.from_document(dossier)
    form = await info.context.loaders.form_by_version.load((dossier.form_key, dossier.form_version))
    sensitive = form.hints.sensitive_pointers() if form else []
    masked = dossier.model_copy(
        update={
            "applicant": mask_applicant(dossier.applicant),
            "data": mask_fields(dossier.data, sensitive),
        }
    )
    return DossierType.from_document(masked)


async def present_all(info: Info, dossiers: list[Dossier | None]) -> list[DossierType | None]:
    # Concurrently, so the form look-ups for masking share one loader batch.
    return list(await asyncio.gather(*(present(info, dossier) for dossier in dossiers)))
