"""Mutations on an existing dossier: their payload, and the field extension that loads
the dossier named by `code`, checks that the viewer sees it and the policy allows the
change, and presents it after (or as it is now, when the change failed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry

from documents.access.policy import Access
from documents.common.errors import DomainError
from documents.dossiers.dossier import Dossier, load_dossier
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.errors import UserError
from schema.core.mutations import PayloadMutation, payload_mutation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType
from schema.dossiers.visibility import visible_dossier

T = TypeVar("T")


@strawberry.type(description="A dossier mutation's error; `field` is the input at fault.")
class DossierError(UserError):
    pass


@strawberry.type(description="The dossier after the action, or as it is now if it failed.")
class DossierPayload:
    dossier: DossierType | None = strawberry.field(
        default=None,
        description="The dossier as it is now; null when there are errors.",
    )
    errors: list[DossierError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@dataclass(frozen=True)
class Rule:
    """What the access policy must allow on the dossier, and what a refusal says."""

    allows: Callable[[Access, Dossier], bool]
    refusal: str


def may(action: Action) -> Rule:
    return Rule(
        lambda access, dossier: access.can_act(action, dossier),
        f"you may not {action.value.lower().replace('_', ' ')} it",
    )


# A fixed rule or workflow action, or one chosen from the arguments.
Policy = Rule | Action | Callable[[Mapping[str, Any]], Rule | Action]


async def as_now(info: Info, code: str) -> DossierType | None:
    """The dossier as the viewer may see it now, or None: after a failed change it shows
    what changed meanwhile (CONFLICT) or why the change does not apply."""
    try:
        return await present(info, await load_dossier(code))
    except DomainError:
        return None


class OnDossier(PayloadMutation[T]):
    """The checks every mutation of an existing dossier shares. Unknown and invisible
    dossiers are the same NOT_FOUND payload error (codes are guessable); visible but
    not allowed is a top-level FORBIDDEN."""

    error = DossierError

    def __init__(self, policy: Policy, *, idempotent: bool = True) -> None:
        super().__init__(idempotent=idempotent)
        self.policy = policy

    def rule(self, arguments: Mapping[str, Any]) -> Rule:
        chosen = self.policy(arguments) if callable(self.policy) else self.policy
        return chosen if isinstance(chosen, Rule) else may(chosen)

    def target(self, arguments: Mapping[str, Any], produced: T | None) -> str:
        return f"dossier:{arguments['code']}"

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        access = await info.context.access()
        dossier = await visible_dossier(info, arguments["code"])
        rule = self.rule(arguments)
        if not rule.allows(access, dossier):
            raise PermissionDeniedError(rule.refusal)

    async def failed(
        self, info: Info, arguments: Mapping[str, Any], errors: list[UserError]
    ) -> Any:
        return self.payload(dossier=await as_now(info, arguments["code"]), errors=errors)


class ReturnsDossier(PayloadMutation[Dossier]):
    """A mutation whose resolver returns the dossier it changed or created; an
    idempotency record keeps its code."""

    def remember(self, produced: Dossier) -> str:
        return produced.code

    async def recall(self, remembered: str) -> Dossier:
        return await load_dossier(remembered)

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        # A submission's transaction returns the new dossier; a change names it by `code`.
        if isinstance(returned, Dossier):
            return returned.code
        code = arguments.get("code")
        return code if isinstance(code, str) else None

    async def succeeded(self, info: Info, arguments: Mapping[str, Any], produced: Dossier) -> Any:
        return self.payload(dossier=await present(info, produced))


class DossierMutation(OnDossier[Dossier], ReturnsDossier):
    """A change to the dossier named by `code`, answered with a DossierPayload."""

    payload = DossierPayload


def dossier_mutation(
    policy: Policy, description: str | None = None, *, idempotent: bool = True
) -> Any:
    """Declares a mutation of the dossier named by its `code` argument, answered with a
    DossierPayload; the resolver only does the change and returns the dossier."""
    return payload_mutation(DossierMutation(policy, idempotent=idempotent), description)
