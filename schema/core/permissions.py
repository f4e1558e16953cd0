"""Asking the access policy from resolvers; refusals are top-level errors."""

from __future__ import annotations

from graphql import GraphQLError

from documents.access.policy import AdminArea
from schema.core.context import Info


class PermissionDeniedError(GraphQLError):
    """A top-level GraphQL error with `extensions.code` FORBIDDEN; being a GraphQLError,
    production masking leaves its message alone."""

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})


async def require_admin(info: Info, area: AdminArea, agency_codes: list[str] | None = None) -> None:
    access = await info.context.access()
    if not access.can_admin(area, agency_codes):
        raise PermissionDeniedError(
            f"{area.value.lower().replace('_', ' ')} are managed by administrators"
        )
