"""OpenTelemetry tracing, off unless configured (`MOTCUA_OTEL_ENABLED`, or the standard
`OTEL_EXPORTER_OTLP_ENDPOINT`). Its packages are the optional `tracing` extra, imported
only when tracing is on, so the base install stays lean."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pymongo.monitoring import CommandListener
from strawberry.extensions import SchemaExtension

from api.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

SERVICE_NAME = "motcua"


class TracingUnavailableError(RuntimeError):
    """Tracing is configured but the `tracing` extra is not installed."""

    def __str__(self) -> str:
        return (
            "tracing is configured (MOTCUA_OTEL_ENABLED or OTEL_EXPORTER_OTLP_ENDPOINT) but "
            "its packages are missing: pip install 'motcua[tracing]'"
        )


def configured_provider(settings: Settings) -> TracerProvider | None:
    """A provider exporting over OTLP/HTTP when tracing is configured, else None. The
    exporter and the resource read the standard OTEL_* variables (endpoint, headers,
    service name) themselves."""
    if not settings.tracing:
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415
    except ImportError as error:
        raise TracingUnavailableError from error
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def tracing_hooks(
    provider: TracerProvider,
) -> tuple[Callable[[], SchemaExtension], CommandListener]:
    """The schema extension and the PyMongo listener that make spans with `provider`."""
    from api.observability.spans import QuietOpenTelemetryExtension, command_tracer  # noqa: PLC0415

    return (lambda: QuietOpenTelemetryExtension(provider)), command_tracer(provider)
