"""Running a dossier mutation: policy check, idempotency, domain call, payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from documents.access.idempotency import request_hash, run_once
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.errors import UserError, errors_from
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType
from schema.dossiers.visibility import visible_dossier


@strawberry.type
class DossierError(UserError):
    pass


@strawberry.type(description="The dossier after the action, or as it is now if it failed.")
class DossierPayload:
    dossier: DossierType | None = None
    errors: list[DossierError] = strawberry.field(default_factory=list)


IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(
        description="Retrying with the same key returns the first result without doing "
        "anything twice; the same key with a different request is IDEMPOTENCY_CONFLICT."
    ),
]


async def _failed(info: Info, code: str | None, error: DomainError) -> DossierPayload:
    current = None
    if code is not None:
        # The state now lets the client see what changed (CONFLICT) or why the action
        # does not apply (ILLEGAL_TRANSITION).
        try:
            current = await present(info, await load_dossier(code))
        except DomainError:
            current = None
    return DossierPayload(dossier=current, errors=errors_from(DossierError, error))


async def idempotent(
    info: Info,
    key: str | None,
    operation: str,
    arguments: dict[str, Any],
    work: Callable[[], Awaitable[Dossier]],
) -> Dossier:
    """Run `work` once per idempotency key (when given); a replay reads the dossier the
    first run produced."""
    if key is None:
        return await work()
    if not 1 <= len(key) <= 200:
        raise DomainError(ErrorCode.VALIDATION_FAILED, "1 to 200 characters", "idempotencyKey")
    produced: list[Dossier] = []

    async def code_of_work() -> str:
        produced.append(await work())
        return produced[0].code

    principal = info.context.principal
    scope = f"{principal.kind.value}:{principal.subject or info.context.client_address}|{key}"
    code = await run_once(scope, request_hash(operation, arguments), code_of_work)
    return produced[0] if produced else await load_dossier(code)


async def act_on_dossier(
    info: Info,
    code: str,
    action: Action,
    work: Callable[[], Awaitable[Dossier]],
    *,
    key: str | None = None,
    arguments: dict[str, Any] | None = None,
) -> DossierPayload:
    """The policy decides on the dossier as it is: unknown and invisible dossiers are
    the same NOT_FOUND (codes are guessable), visible but forbidden is a top-level error."""
    info.context.audit.targets.append(f"dossier:{code}")
    access = await info.context.access()
    try:
        current = await visible_dossier(info, code)
    except DomainError as error:
        return await _failed(info, None, error)
    if not access.can_act(action, current):
        raise PermissionDeniedError(f"you may not {action.value.lower().replace('_', ' ')} it")
    try:
        done = await idempotent(info, key, action.value, {"code": code, **(arguments or {})}, work)
    except DomainError as error:
        return await _failed(info, code, error)
    return DossierPayload(dossier=await present(info, done))
