"""Which dossier a code names, as the viewer may know it."""

from __future__ import annotations

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from schema.core.context import Info


async def visible_dossier(info: Info, code: str) -> Dossier:
    """The dossier, if the viewer may see it: unknown and invisible dossiers are the
    same NOT_FOUND, since codes are guessable."""
    access = await info.context.access()
    dossier = await load_dossier(code)
    if not access.can_view(dossier):
        raise DomainError(ErrorCode.NOT_FOUND, f"dossier {code!r} does not exist", "code")
    return dossier
