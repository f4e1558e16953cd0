"""Webhooks end to end: registration over GraphQL, signed POSTs to a real receiver on
127.0.0.1, retries, dead letters, redelivery, leases, scope."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from bson import ObjectId

from api.settings import Settings
from api.workers.webhooks import WebhookWorker
from documents.common.counters import next_value
from documents.dossiers.events import POSITIONS, DossierEvent
from documents.webhooks.delivery import WebhookDelivery
from tests.catalogue import OTHER_WARD, WARD, submission
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import SUBMIT

REGISTER = """
mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) {
    webhook { webhookId url filter { types } }
    secret
    errors { field message code }
  }
}
"""
DELIVERIES = """
query($id: String!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(webhookId: $id, status: $status) {
    edges { node { deliveryId status attempts { httpStatus error durationMs } } }
  }
}
"""
REDELIVER = """
mutation($id: String!) {
  redeliverWebhookDelivery(id: $id) { delivery { status } errors { code } }
}
"""
CREATE_KEY = """
mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }
"""


@dataclass
class Receiver:
    """An HTTP server in a thread: records every POST, answers with scripted statuses."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def event_ids(self) -> list[str]:
        return [json.loads(body)["id"] for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            with lock:
                headers = {k.lower(): v for k, v in self.headers.items()}
                found.received.append(({**headers, ":path": self.path}, body))
                status = found.statuses.pop(0) if found.statuses else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutting the server down waits for one.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield found
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    fast = {
        "allow_private_webhook_targets": True,
        "webhook_poll_seconds": 0.05,
        "webhook_backoff_seconds": 0.05,
        "webhook_retry_hours": 1 / 60,
        "webhook_dispatch_lag_seconds": 5.0,
    }
    return settings.model_copy(update={**fast, **getattr(request, "param", {})})


# The app's own worker off: the test runs a worker's rounds itself.
DRIVEN = pytest.mark.parametrize("settings", [{"background_services": False}], indirect=True)


@asynccontextmanager
async def driven_worker(settings: Settings) -> AsyncIterator[WebhookWorker]:
    """A worker that never runs a round by itself: `run_once()` dispatches the events
    committed so far and attempts every delivery then due, so after it, whatever was
    not delivered will not be."""
    worker = WebhookWorker(settings.model_copy(update={"webhook_poll_seconds": 3600.0}))
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def eventually(check: Callable[[], Awaitable[bool] | bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        outcome = check()
        if await outcome if isinstance(outcome, Awaitable) else outcome:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def register(client: GraphQLClient, url: str, **extra: Any) -> tuple[str, str]:
    data = await client.data(REGISTER, {"input": {"url": url, **extra}})
    payload = data["registerWebhook"]
    assert payload["errors"] == [], payload["errors"]
    return payload["webhook"]["webhookId"], payload["secret"]


async def submit(gql: GraphQLClient) -> str:
    data = await gql.as_role("officer:reception", agency=WARD).data(SUBMIT, {"input": submission()})
    code: str = data["submitDossier"]["dossier"]["code"]
    return code


async def integrator(admin: GraphQLClient, agencies: list[str]) -> GraphQLClient:
    operations = ["READ_DOSSIERS", "SUBSCRIBE"]
    variables = {"input": {"name": "portal", "operations": operations, "agencies": agencies}}
    data = await admin.data(CREATE_KEY, variables)
    return admin.with_api_key(data["createApiKey"]["secret"])


async def test_webhooks_signature_verifies_with_the_secret(
    gql: GraphQLClient, admin: GraphQLClient, tiny_catalogue: None, receiver: Receiver
) -> None:
    _, secret = await register(admin, receiver.url, secret="s" * 32)
    code = await submit(gql)
    await eventually(lambda: len(receiver.received) == 1)
    headers, body = receiver.received[0]
    signed = f"{headers['motcua-timestamp']}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["motcua-signature"], expected)
    event = json.loads(body)
    assert event["dossierCode"] == code
    assert event["type"] == "RECEIVED"
    assert headers["motcua-event-id"] == event["id"]
    fields = {"id", "type", "dossierCode", "fromStatus", "toStatus", "at", "actor", "groupCode"}
    assert set(event) == fields
    assert event["groupCode"] is None  # not a member of a group submission


async def test_webhooks_secret_is_never_returned_after_creation(
    admin: GraphQLClient, receiver: Receiver
) -> None:
    _, secret = await register(admin, receiver.url)
    assert secret.startswith("whsec_")
    body = await admin.execute("{ webhooks { webhookId secret } }")
    assert "errors" in body  # there is no such field


async def test_webhooks_retry_until_the_receiver_accepts(
    gql: GraphQLClient, admin: GraphQLClient, tiny_catalogue: None, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    webhook_id, _ = await register(admin, receiver.url)
    await submit(gql)

    async def delivered() -> bool:
        # The receiver answers before the worker records the attempt.
        data = await admin.data(DELIVERIES, {"id": webhook_id, "status": "DELIVERED"})
        return len(data["webhookDeliveries"]["edges"]) == 1

    await eventually(delivered)
    assert len(receiver.received) == 3
    assert len(set(receiver.event_ids())) == 1
    [stored] = await WebhookDelivery.find({"status": "DELIVERED"}).to_list()
    assert stored.purge_at is not None  # deleted after MOTCUA_DELIVERED_RETENTION_DAYS
    kept = stored.purge_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=29) < kept <= timedelta(days=30)
    data = await admin.data(DELIVERIES, {"id": webhook_id})
    [edge] = data["webhookDeliveries"]["edges"]
    assert edge["node"]["status"] == "DELIVERED"
    assert [a["httpStatus"] for a in edge["node"]["attempts"]] == [500, 500, 200]


@pytest.mark.parametrize("settings", [{"webhook_retry_hours": 0.5 / 3600}], indirect=True)
async def test_webhooks_dead_letter_after_the_retry_window_then_admin_redelivers(
    gql: GraphQLClient, admin: GraphQLClient, tiny_catalogue: None, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 1000
    webhook_id, _ = await register(admin, receiver.url)
    await submit(gql)

    async def dead() -> bool:
        data = await admin.data(DELIVERIES, {"id": webhook_id, "status": "DEAD"})
        return len(data["webhookDeliveries"]["edges"]) == 1

    await eventually(dead)
    data = await admin.data(DELIVERIES, {"id": webhook_id, "status": "DEAD"})
    node = data["webhookDeliveries"]["edges"][0]["node"]
    assert len(node["attempts"]) >= 2
    assert all(a["httpStatus"] == 500 for a in node["attempts"])
    tried = len(receiver.received)

    receiver.statuses = []
    done = await admin.data(REDELIVER, {"id": node["deliveryId"]})
    assert done["redeliverWebhookDelivery"]["delivery"]["status"] == "PENDING"
    await eventually(lambda: len(receiver.received) == tried + 1)

    async def delivered() -> bool:
        data = await admin.data(DELIVERIES, {"id": webhook_id, "status": "DELIVERED"})
        return len(data["webhookDeliveries"]["edges"]) == 1

    await eventually(delivered)


@DRIVEN
async def test_webhooks_two_workers_deliver_each_event_exactly_once(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    settings: Settings,
) -> None:
    await register(admin, receiver.url)
    codes = [await submit(gql) for _ in range(8)]
    workers = [WebhookWorker(settings, owner=f"racer-{n}") for n in range(2)]
    for worker in workers:
        await worker.start()

    async def all_recorded() -> bool:
        return await WebhookDelivery.find({"status": "DELIVERED"}).count() == len(codes)

    try:
        await eventually(all_recorded)
    finally:
        for worker in workers:  # each finishes its round: no attempt is still under way
            await worker.stop()
    ids = receiver.event_ids()
    assert len(ids) == len(codes) == len(set(ids))
    assert await WebhookDelivery.find({"status": "DELIVERED"}).count() == len(codes)


@pytest.mark.parametrize("settings", [{"allow_private_webhook_targets": False}], indirect=True)
async def test_webhooks_private_url_refused_at_registration(
    admin: GraphQLClient, receiver: Receiver
) -> None:
    refused = [
        receiver.url,
        "http://10.1.2.3/hook",
        "http://169.254.169.254/",
        "ftp://x.vn/",
        # What the registries list besides private ranges (docs/webhooks.md).
        "http://100.100.100.200/latest/meta-data/",
        "http://192.88.99.1/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[::ffff:127.0.0.1]:8000/",
    ]
    for url in refused:
        data = await admin.data(REGISTER, {"input": {"url": url}})
        payload = data["registerWebhook"]
        assert payload["webhook"] is None
        assert payload["errors"][0]["field"] == "url"


@DRIVEN
async def test_webhooks_integrator_only_receives_events_in_its_scope(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    settings: Settings,
) -> None:
    inside = await integrator(admin, [WARD])
    outside = await integrator(admin, [OTHER_WARD])
    inside_id, _ = await register(inside, receiver.url + "/inside")
    await register(outside, receiver.url + "/outside")
    await submit(gql)
    async with driven_worker(settings) as worker:
        assert await worker.run_once() == 1
    assert [h[":path"] for h, _ in receiver.received] == ["/hook/inside"]
    # Each sees only its own webhooks.
    data = await inside.data("{ webhooks { webhookId } }")
    assert data["webhooks"] == [{"webhookId": inside_id}]


async def test_webhooks_refused_to_officers_and_keys_without_subscribe(
    gql: GraphQLClient, receiver: Receiver
) -> None:
    body = await gql.execute(REGISTER, {"input": {"url": receiver.url}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@DRIVEN
async def test_webhooks_deleted_webhook_gets_nothing_more(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    settings: Settings,
) -> None:
    webhook_id, _ = await register(admin, receiver.url)
    deleted = await admin.data(
        "mutation($id: String!) { deleteWebhook(webhookId: $id) { errors { code } } }",
        {"id": webhook_id},
    )
    assert deleted["deleteWebhook"]["errors"] == []
    await submit(gql)
    async with driven_worker(settings) as worker:
        assert await worker.run_once() == 0
    assert receiver.received == []
    assert (await admin.data("{ webhooks { webhookId } }"))["webhooks"] == []


@DRIVEN
async def test_webhooks_skip_an_event_type_a_newer_version_wrote_and_deliver_the_rest(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    settings: Settings,
) -> None:
    await register(admin, receiver.url)
    first = await submit(gql)
    # A rolling upgrade: a newer process recorded an event type this version does not know.
    position = await next_value(POSITIONS)  # numbered as the newer process would
    await DossierEvent.get_pymongo_collection().insert_one(
        {"_id": ObjectId(), "position": position, "dossier_code": first,
         "type": "SIGNED_BY_VNEID", "at": datetime.now(UTC), "payload": {}}
    )  # fmt: skip
    second = await submit(gql)
    async with driven_worker(settings) as worker:
        assert await worker.run_once() == 2  # every round used to fail on the unknown one
    delivered = [json.loads(body)["dossierCode"] for _, body in receiver.received]
    assert sorted(delivered) == sorted([first, second])
