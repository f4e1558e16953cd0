"""Who may see and redeliver the outbox: system administrators only."""

from __future__ import annotations

from documents.access.principals import PrincipalKind
from schema.core.context import Info
from schema.core.permissions import PermissionDeniedError


def require_operator(info: Info) -> None:
    if info.context.principal.kind is not PrincipalKind.SYSTEM_ADMIN:
        raise PermissionDeniedError("the outbox is for system administrators")
