"""Prometheus metrics: per app, bounded labels without personal data, and each family
counting what it says."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from beanie import PydanticObjectId
from prometheus_client.parser import text_string_to_metric_families
from pymongo.errors import OperationFailure

from api.app import create_app
from api.observability.metrics import Metrics
from api.settings import Settings
from api.workers.hub import EventHub
from documents.dossiers.events import DossierEvent, EventType
from documents.webhooks.delivery import DeliveryStatus, WebhookDelivery
from tests.conftest import GraphQLClient, client_of, running_app

AGENCIES = "{ agencies { code } }"
NAMED_BY_THE_CLIENT = "query NguyenVanAn001099012345 { agencies { code } }"


def value(text: str, name: str, **labels: str) -> float:
    """The sample `name` with exactly `labels` (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


async def scrape(http: httpx.AsyncClient) -> str:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_operations_are_counted_by_first_root_field_never_by_client_chosen_name(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await gql.data(AGENCIES)
    await gql.data(NAMED_BY_THE_CLIENT)
    await gql.execute("{ agencies { noSuchField } }")
    text = await scrape(http)
    ok = {"type": "query", "operation": "agencies", "outcome": "ok"}
    assert value(text, "motcua_graphql_operations_total", **ok) == 2
    rejected = {"type": "query", "operation": "-", "outcome": "rejected"}
    assert value(text, "motcua_graphql_operations_total", **rejected) == 1
    assert value(text, "motcua_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    latency = {"type": "query", "operation": "agencies"}
    assert value(text, "motcua_graphql_operation_duration_seconds_count", **latency) == 2
    assert "NguyenVanAn" not in text
    assert "001099012345" not in text


async def test_http_requests_are_labelled_by_route_template_not_path(
    http: httpx.AsyncClient,
) -> None:
    await http.get("/dossiers/HN-260101-0001/receipt")
    await http.request("BREW", "/no/such/page")
    text = await scrape(http)
    routes = {
        s.labels["route"]
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "motcua_http_requests_total"
    }
    assert "/dossiers/{code}/receipt" in routes
    assert "unmatched" in routes
    assert "HN-260101-0001" not in text
    assert (
        value(text, "motcua_http_requests_total", route="unmatched", method="OTHER", status="404")
        == 1
    )


async def test_two_apps_in_one_process_keep_their_own_metrics(
    settings: Settings, http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    other = create_app(settings.model_copy(update={"background_services": False}))
    await gql.data(AGENCIES)  # through the first app, after the other was built
    ok = {"type": "query", "operation": "agencies", "outcome": "ok"}
    assert value(await scrape(http), "motcua_graphql_operations_total", **ok) == 1
    async with client_of(other) as other_http:
        assert value(await scrape(other_http), "motcua_graphql_operations_total", **ok) == 0


async def test_rate_limit_refusals_and_database_failures_are_counted(settings: Settings) -> None:
    strict = settings.model_copy(update={"background_services": False, "rate_limit_burst": 1})
    async for _, http in running_app(strict):
        for _ in range(3):
            await http.post("/graphql", json={"query": "{ __typename }"})
        with pytest.raises(OperationFailure):
            await DossierEvent.get_pymongo_collection().find_one({"$bogus": 1})
        text = await scrape(http)
    assert value(text, "motcua_rate_limit_refusals_total", transport="http") == 2
    assert value(text, "motcua_database_command_failures_total", command="find") == 1
    assert "$bogus" not in text


async def test_backlog_dead_letters_and_hub_lag_are_read_from_the_database(
    http: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC)

    def delivery(status: DeliveryStatus, due_in: timedelta) -> WebhookDelivery:
        return WebhookDelivery(
            event_id=PydanticObjectId(),
            webhook_id="w",
            status=status,
            created_at=now,
            retry_since=now,
            next_attempt_at=now + due_in,
        )

    await WebhookDelivery.insert_many(
        [
            delivery(DeliveryStatus.PENDING, timedelta(minutes=-5)),
            delivery(DeliveryStatus.PENDING, timedelta(minutes=-1)),
            delivery(DeliveryStatus.PENDING, timedelta(hours=1)),  # not due yet
            delivery(DeliveryStatus.DEAD, timedelta(0)),
        ]
    )
    hub = EventHub()
    hub.opened_at = now - timedelta(minutes=10)
    waiting = DossierEvent(
        dossier_code="D-1", type=EventType.RECEIVED, at=now - timedelta(seconds=30), position=1
    )
    await waiting.insert()

    metrics = Metrics()

    def lag() -> float:
        return metrics.registry.get_sample_value("motcua_hub_lag_seconds") or 0.0

    await metrics.refresh(hub)
    assert metrics.registry.get_sample_value("motcua_webhook_backlog") == 2
    assert metrics.registry.get_sample_value("motcua_webhook_dead_letters") == 1
    assert 29 <= lag() < 60  # the hub has not published it

    hub.last_position = waiting.position
    await metrics.refresh(hub)
    assert lag() == 0


async def test_subscribers_and_the_hub_are_read_when_scraped(settings: Settings) -> None:
    quiet = settings.model_copy(update={"background_services": False})
    async for app, http in running_app(quiet):
        hub = app.state.hub
        async with hub.subscribe(), hub.subscribe():
            text = await scrape(http)
    assert value(text, "motcua_subscribers") == 2
    assert value(text, "motcua_hub_stream_open") == 0  # background services are off here
    assert value(text, "motcua_hub_history_lost_total") == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_metrics_port_serves_the_metrics_apart_from_the_api(settings: Settings) -> None:
    port = free_port()
    apart = settings.model_copy(update={"background_services": False, "metrics_port": port})
    async for _, http in running_app(apart):
        await http.post("/graphql", json={"query": AGENCIES})
        assert (await http.get("/metrics")).status_code == 404
        async with httpx.AsyncClient() as scraper:
            response = await scraper.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        assert "motcua_graphql_operations_total" in response.text
    with socket.socket() as sock:  # the listener stopped with the app
        assert sock.connect_ex(("127.0.0.1", port)) != 0
