"""Recording every mutation request in the audit log, after it has run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, FieldNode, OperationDefinitionNode, OperationType
from pydantic import BaseModel
from strawberry.extensions import SchemaExtension

from documents.access.audit import AdminChange, AuditRecord


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
    found = []
    for value in (data or {}).values():
        if isinstance(value, dict):
            found += [str(e.get("code") or e.get("message")) for e in value.get("errors") or []]
    return found


class AuditExtension(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        operation = _chosen_operation(document, context.operation_name) if document else None
        if operation is None or operation.operation is not OperationType.MUTATION:
            return
        request = context.context
        result = context.result
        top_level = [e.message for e in (result.errors or [])] if result else []
        payload = _payload_errors(result.data if result else None)
        principal = request.principal
        await AuditRecord(
            actor_kind=principal.kind.value,
            actor=principal.subject,
            actor_agency=principal.agency_code,
            request_id=request.request_id,
            operations=_root_fields(operation),
            targets=request.audit.targets,
            succeeded=not top_level and not payload,
            errors=top_level + payload,
            changes=request.audit.changes,
        ).insert()
