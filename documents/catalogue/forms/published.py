"""The numbered versions of every form: what the GraphQL schema types form data from."""

from __future__ import annotations

from documents.catalogue.forms.definition import FormSchema, FormStatus
from documents.common.tolerant import readable


async def published_forms() -> list[FormSchema]:
    """Every published and retired version (dossiers of both exist), by key and version.

    One GraphQL type serves all versions of a key, so the type is built from all of them.
    """
    found = await readable(FormSchema.find({"status": {"$ne": FormStatus.DRAFT.value}}))
    return sorted(found, key=lambda f: (f.key, f.version or 0))
