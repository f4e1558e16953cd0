"""Recording every mutation request in the audit log, after it has run: codes and
paths, never the values sent (docs/access.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
)
from pydantic import BaseModel
from strawberry.extensions import SchemaExtension

from documents.access.audit import AdminChange, AuditRecord
from documents.access.principals import PrincipalKind
from documents.dossiers.codes import has_code_shape


@dataclass
class AuditDraft:
    """What resolvers add to the request's audit record while they run."""

    targets: list[str] = field(default_factory=list)
    changes: list[AdminChange] = field(default_factory=list)

    def change(
        self,
        target: str,
        key: str,
        before: BaseModel | None,
        after: BaseModel | None,
        exclude: set[str] | None = None,
    ) -> None:
        hidden = {"revision_id", *(exclude or set())}

        def state(model: BaseModel | None) -> dict[str, Any] | None:
            return model.model_dump(mode="json", exclude=hidden) if model else None

        change = AdminChange(target=target, key=key, before=state(before), after=state(after))
        self.targets.append(f"{target}:{key}")
        self.changes.append(change)


def _chosen_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None


def _root_fields(operation: OperationDefinitionNode) -> list[str]:
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]


def _payload_errors(data: dict[str, Any] | None) -> list[str]:
    """Each payload error as its code and where, from what the client selected; a
    payload error whose code was not selected is PAYLOAD_ERROR."""
    found = []
    for value in (data or {}).values():
        if isinstance(value, dict):
            for error in value.get("errors") or []:
                where = f"{error.get('field') or ''}{error.get('path') or ''}"
                found.append(_entry(str(error.get("code") or "PAYLOAD_ERROR"), where))
    return found


def _top_level_error(error: GraphQLError) -> str:
    extensions = error.extensions or {}
    where = extensions.get("at") or ".".join(str(p) for p in error.path or ())
    return _entry(str(extensions.get("code") or "ERROR"), str(where))


def _target(named: str) -> str:
    """A dossier mutation names its target from the `code` argument, before looking it
    up: the code is kept when shaped like one (a probe for codes is worth recording),
    and any other text (it could be a phone or a name) becomes `dossier:?`."""
    kind, _, key = named.partition(":")
    return f"{kind}:?" if kind == "dossier" and not has_code_shape(key) else named


def _entry(code: str, where: str) -> str:
    """`VALIDATION_FAILED at data/floors`: codes and paths, never a message or a value."""
    return f"{code} at {where}" if where else code


def _did_nothing(result: Any) -> bool:
    """Refused before it ran (parse, validation, limits), or refused at every root
    field (e.g. FORBIDDEN): the request has errors and no root field has a value."""
    if result is None or not result.errors:
        return False
    return not any(value is not None for value in (result.data or {}).values())


class AuditExtension(SchemaExtension):
    """One record per mutation request: who, what it named, and how it failed as codes
    and paths. An anonymous request that did nothing (refused before it ran, or at
    every root field) is not recorded, so anonymous clients cannot flood the log."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        operation = _chosen_operation(document, context.operation_name) if document else None
        if operation is None or operation.operation is not OperationType.MUTATION:
            return
        request = context.context
        result = context.result
        principal = request.principal
        if principal.kind is PrincipalKind.ANONYMOUS and _did_nothing(result):
            return
        top_level = [_top_level_error(e) for e in (result.errors or [])] if result else []
        payload = _payload_errors(result.data if result else None)
        await AuditRecord(
            actor_kind=principal.kind.value,
            actor=principal.subject,
            actor_agency=principal.agency_code,
            request_id=request.request_id,
            operations=_root_fields(operation),
            targets=[_target(t) for t in request.audit.targets],
            succeeded=not top_level and not payload,
            errors=top_level + payload,
            changes=request.audit.changes,
        ).insert()
