"""Who acts on a dossier, as the domain records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts; the access-control layer fills it from the request's principal."""

    user: str | None = None
    agency_code: str | None = None
