"""GraphQL operations in the metrics: count, outcome, duration and error codes.

An operation is named by its first root field (`dossiers`, `submitDossier`): the schema
bounds that set, where a client-chosen operation name is any string a client likes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.http.errors import INTERNAL_ERROR, error_code
from api.observability.metrics import Metrics, error_label

NOT_EXECUTED = "-"
RATE_LIMITED = "RATE_LIMITED"
# Root selections looked at before giving up (fragments nest).
_MAX_SELECTIONS = 50


def root_field(context: ExecutionContext) -> str:
    """The first root field of the operation run; only for a validated document, whose
    field names are the schema's."""
    document = context.graphql_document
    if document is None:
        return NOT_EXECUTED
    operation = get_operation_ast(document, context.operation_name)
    if operation is None:
        return NOT_EXECUTED
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    pending: list[SelectionNode] = list(operation.selection_set.selections)
    for _ in range(_MAX_SELECTIONS):
        if not pending:
            break
        selection = pending.pop(0)
        if isinstance(selection, FieldNode):
            return selection.name.value
        if isinstance(selection, InlineFragmentNode):
            pending[:0] = selection.selection_set.selections
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                pending[:0] = fragment.selection_set.selections
    return NOT_EXECUTED


def operation_type(context: ExecutionContext) -> str:
    try:
        return context.operation_type.value
    except Exception:  # no document, or no operation of that name in it
        return "unknown"


def _code(error: BaseException) -> str:
    if isinstance(error, GraphQLError):
        return error_label(error_code(error))
    return INTERNAL_ERROR


class OperationMetrics(SchemaExtension):
    """Outermost extension, so it sees errors after ErrorPolicy has coded them."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.operation = NOT_EXECUTED

    def on_execute(self) -> Iterator[None]:
        # Runs only once the document parsed and validated.
        self.operation = root_field(self.execution_context)
        yield

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        outcome, codes = "cancelled", list[str]()  # unless the block finishes or raises
        try:
            yield
            outcome, codes = self.judge()
        except Exception as error:  # an extension refused it before execution
            outcome, codes = "rejected", [_code(error)]
            raise
        finally:
            self.record(outcome, codes, time.perf_counter() - started)

    def judge(self) -> tuple[str, list[str]]:
        result = self.execution_context.result
        errors = (result.errors if result is not None else None) or []
        if not errors:
            return "ok", []
        codes = [_code(error) for error in errors]
        assert result is not None
        if result.data is None and all(error.path is None for error in errors):
            return "rejected", codes
        return "error", codes

    def record(self, outcome: str, codes: list[str], seconds: float) -> None:
        kind = operation_type(self.execution_context)
        metrics = self.metrics
        metrics.operations.labels(kind, self.operation, outcome).inc()
        if kind in ("query", "mutation"):  # a subscription lasts as long as it is open
            metrics.operation_duration.labels(kind, self.operation).observe(seconds)
        for code in codes:
            metrics.errors.labels(code).inc()
        if RATE_LIMITED in codes:
            metrics.rate_limited.labels("graphql").inc()
