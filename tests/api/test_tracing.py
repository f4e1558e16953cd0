"""Tracing: off unless configured; when on, GraphQL and database spans are made, and none
carries the query text, a variable, an argument, an alias or a document."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from api.observability.tracing import TracingUnavailableError, configured_provider
from api.settings import Settings
from tests.catalogue import APPLICANT_ID
from tests.conftest import GraphQLClient, client_of

SECRET_NAME = "Nguyễn Thị Bí Mật"
LOOKUP = """
query Lookup($code: String!, $last4: String!) {
  secretAlias: agencies { code }
  publicDossierStatus(code: $code, applicantIdLast4: $last4) { __typename }
}
"""
INLINE = '{ dossiers(first: 5, filter: {applicantId: "%s"}) { edges { node { code } } } }'
IN_A_STRING = '{ procedures(field: "%s") { code } }'


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exported = InMemorySpanExporter()
    yield exported
    exported.clear()


def everything_said(spans: tuple[ReadableSpan, ...]) -> str:
    parts = []
    for span in spans:
        parts.append(span.name)
        parts.extend(f"{key}={value}" for key, value in (span.attributes or {}).items())
        parts.append(str(span.status.description))
        parts.extend(event.name for event in span.events)
    return "\n".join(parts)


async def test_spans_carry_no_query_text_variables_arguments_or_aliases(
    settings: Settings, exporter: InMemorySpanExporter
) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    quiet = settings.model_copy(update={"background_services": False})
    app = create_app(quiet, tracer_provider=provider)
    assert app.state.settings.tracing is False  # given a provider, not configured
    async with app.router.lifespan_context(app), client_of(app) as http:
        client = GraphQLClient(http, quiet).as_role("officer:reception")
        await client.data(LOOKUP, {"code": APPLICANT_ID, "last4": APPLICANT_ID[-4:]})
        await client.data(INLINE % APPLICANT_ID)
        await client.data(IN_A_STRING % SECRET_NAME)
    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert "GraphQL query agencies" in names
    assert any(name.startswith("GraphQL Resolving:") for name in names)
    assert any((span.attributes or {}).get("db.system") == "mongodb" for span in spans)
    said = everything_said(spans)
    for secret in (APPLICANT_ID, APPLICANT_ID[-4:], SECRET_NAME, "secretAlias", "Lookup"):
        assert secret not in said
    assert "query=" not in said
    assert "graphql.param" not in said
    provider.shutdown()


def test_tracing_is_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MOTCUA_OTEL_ENABLED", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().tracing is False
    assert configured_provider(Settings()) is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert Settings().tracing is True
    monkeypatch.setenv("MOTCUA_OTEL_ENABLED", "false")
    assert Settings().tracing is False


def test_configured_tracing_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)
    with pytest.raises(TracingUnavailableError, match=r"pip install 'motcua\[tracing\]'"):
        configured_provider(Settings(otel_enabled=True))


def test_configured_tracing_builds_an_otlp_provider_named_motcua() -> None:
    provider = configured_provider(Settings(otel_enabled=True))
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "motcua"
    provider.shutdown()  # nothing was recorded, so nothing is sent
