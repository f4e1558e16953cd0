"""Dossiers as GraphQL objects, as a given viewer may see them (see `visibility`)."""

from __future__ import annotations

from documents.dossiers.dossier import Dossier
from schema.core.context import Info
from schema.dossiers.types import DossierType
from schema.dossiers.visibility import all_as_seen, as_seen


def _shown(dossier: Dossier | None) -> DossierType | None:
    return DossierType.from_document(dossier) if dossier is not None else None


async def present(info: Info, dossier: Dossier | None) -> DossierType | None:
    """None unless the viewer may see the dossier; masked as the viewer's access requires."""
    return _shown(await as_seen(info, dossier))


async def present_all(info: Info, dossiers: list[Dossier | None]) -> list[DossierType | None]:
    return [_shown(seen) for seen in await all_as_seen(info, dossiers)]
