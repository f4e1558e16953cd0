"""The spans: Strawberry's OpenTelemetry extension and the PyMongo command tracer, cut
down to what carries no personal data (needs the `tracing` extra).

Strawberry's extension records the query text and every resolver's arguments, and the
path with the client's aliases; the PyMongo tracer records a failed command's error
message, which can quote a document. Here an operation span is named by its type and
first root field, a resolver span carries its type and field name, and a database span
its command and collection, with the error's code name only.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

from graphql import GraphQLResolveInfo
from opentelemetry import trace
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pymongo.monitoring import CommandFailedEvent
from strawberry.extensions import LifecycleStep
from strawberry.extensions.tracing import OpenTelemetryExtension

from api.http.errors import error_code
from api.observability.metrics import error_label
from api.observability.operations import NOT_EXECUTED, operation_type, root_field


def _no_arguments(arguments: dict[str, Any], info: GraphQLResolveInfo) -> dict[str, Any]:
    return {}


class QuietOpenTelemetryExtension(OpenTelemetryExtension):
    def __init__(self, provider: TracerProvider) -> None:
        super().__init__(arg_filter=_no_arguments, tracer_provider=provider)
        self._root_field = NOT_EXECUTED

    def on_execute(self) -> Iterator[None]:
        self._root_field = root_field(self.execution_context)  # validated by now
        yield

    def on_operation(self) -> Generator[None, None, None]:
        span = self._tracer.start_span("GraphQL", kind=SpanKind.SERVER)
        span.set_attribute("component", "graphql")
        self._span_holder[LifecycleStep.OPERATION] = span
        try:
            yield
        finally:
            kind = operation_type(self.execution_context)
            span.update_name(f"GraphQL {kind} {self._root_field}")
            span.set_attribute("graphql.operation.type", kind)
            result = self.execution_context.result
            if result is not None and result.errors:
                codes = sorted({error_label(error_code(e)) for e in result.errors})
                span.set_status(Status(StatusCode.ERROR, ",".join(codes)))
            span.end()

    def add_tags(self, span: Span, info: GraphQLResolveInfo, kwargs: Any) -> None:
        span.set_attribute("component", "graphql")
        span.set_attribute("graphql.parentType", info.parent_type.name)
        span.set_attribute("graphql.field", info.field_name)


def _failure_code(span: Span, event: CommandFailedEvent) -> None:
    """Replaces the error message the tracer put in the status with its code name."""
    span.set_status(Status(StatusCode.ERROR, str(event.failure.get("codeName", "error"))))


def command_tracer(provider: TracerProvider) -> CommandTracer:
    tracer = trace.get_tracer("opentelemetry.instrumentation.pymongo", tracer_provider=provider)
    return CommandTracer(tracer, failed_hook=_failure_code, capture_statement=False)
