"""Webhook deliveries connect only to the address they checked, and tell the owner only
the kind of failure. Real HTTP servers on loopback; the resolver and, where a test needs
a stand-in for "public", the address policy are the adapter's injected dependencies."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from typing import Any

import pytest

from api.settings import Settings
from api.workers.webhooks import WebhookWorker
from documents.webhooks.addresses import IPAddress
from documents.webhooks.delivery import WebhookDelivery
from documents.webhooks.targets import AddressPolicy, Resolver
from tests.catalogue import WARD, submission
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import SUBMIT

HOST = "hooks.example.test"
REGISTER = """
mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { webhook { webhookId } errors { message } }
}
"""
DELIVERIES = """
query($id: String!) {
  webhookDeliveries(webhookId: $id) { edges { node { attempts { httpStatus error } } } }
}
"""
INTERNAL = IPv4Address("127.0.0.1")


def public_stand_in(address: IPAddress) -> bool:
    """In these tests 127.0.0.1 plays the internal network and the rest of loopback the
    public Internet, so that no packet leaves the machine."""
    return address != INTERNAL


@dataclass
class Server:
    """A receiver on one loopback address: records requests, answers `status` after
    `delay` seconds."""

    address: str
    port: int = 0
    status: int = 200
    delay: float = 0.0
    hosts: list[str] = field(default_factory=list)


@contextmanager
def serving(address: str, port: int = 0, **kwargs: Any) -> Iterator[Server]:
    found = Server(address, **kwargs)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            found.hosts.append(self.headers["host"])
            time.sleep(found.delay)
            self.send_response(found.status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((address, port), Handler)
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def public_and_internal() -> Iterator[tuple[Server, Server]]:
    """Two receivers on one port: the "public" one on 127.0.0.2, the internal one on
    127.0.0.1, so one URL reaches either, as the name resolves."""
    with serving("127.0.0.2") as public, serving("127.0.0.1", public.port) as internal:
        yield public, internal


def scripted(*answers: list[str]) -> tuple[Resolver, list[str]]:
    """A resolver that gives each answer in turn, then the last one forever."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    return resolve, asked


async def deliver_one(
    gql: GraphQLClient,
    settings: Settings,
    url: str,
    resolver: Resolver,
    permitted: AddressPolicy | None = public_stand_in,
) -> str:
    """Register `url`, submit a dossier, run one worker round; the webhook's id."""
    admin = gql.as_role("system_admin")
    data = await admin.data(REGISTER, {"input": {"url": url}})
    webhook_id: str = data["registerWebhook"]["webhook"]["webhookId"]
    await gql.as_role("officer:reception", agency=WARD).data(SUBMIT, {"input": submission()})
    quiet = settings.model_copy(update={"webhook_poll_seconds": 3600.0})
    worker = WebhookWorker(quiet, resolver=resolver, permitted=permitted)
    await worker.start()
    try:
        assert await worker.run_once() == 1
    finally:
        await worker.stop()
    return webhook_id


async def errors_seen(gql: GraphQLClient, webhook_id: str) -> list[tuple[int | None, str | None]]:
    data = await gql.as_role("system_admin").data(DELIVERIES, {"id": webhook_id})
    [edge] = data["webhookDeliveries"]["edges"]
    return [(a["httpStatus"], a["error"]) for a in edge["node"]["attempts"]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The app's own worker is off; registration accepts names that only the tests'
    # resolvers know. Each test's worker gets its address policy explicitly.
    fast = {
        "background_services": False,
        "allow_private_webhook_targets": True,
        "webhook_read_timeout_seconds": 0.5,
        "webhook_connect_timeout_seconds": 0.5,
    }
    return settings.model_copy(update=fast)


async def test_webhook_targets_rebinding_answer_after_the_check_is_never_used(
    gql: GraphQLClient, tiny_catalogue: None, settings: Settings
) -> None:
    with public_and_internal() as (public, internal):
        resolver, asked = scripted(["127.0.0.2"], ["127.0.0.1"])
        await deliver_one(gql, settings, f"http://{HOST}:{public.port}/hook", resolver)
    assert internal.hosts == []
    assert public.hosts == [f"{HOST}:{public.port}"]  # the name, not the address
    assert asked == [HOST]  # resolved once, for the connection that was checked


async def test_webhook_targets_name_with_an_internal_answer_is_refused_whole(
    gql: GraphQLClient, tiny_catalogue: None, settings: Settings
) -> None:
    with public_and_internal() as (public, internal):
        resolver, _ = scripted(["127.0.0.2", "127.0.0.1"])
        hook = await deliver_one(gql, settings, f"http://{HOST}:{public.port}/hook", resolver)
    assert public.hosts == internal.hosts == []
    assert await errors_seen(gql, hook) == [(None, "refused target")]


@pytest.mark.parametrize("target", [HOST, "127.0.0.1", "[::ffff:127.0.0.1]"])
async def test_webhook_targets_loopback_refused_by_the_default_policy_at_delivery(
    gql: GraphQLClient, tiny_catalogue: None, settings: Settings, target: str
) -> None:
    # Registered while private targets were allowed; delivered with them not allowed.
    strict = settings.model_copy(update={"allow_private_webhook_targets": False})
    with serving("127.0.0.1") as internal:
        resolver, _ = scripted(["127.0.0.1"])
        url = f"http://{target}:{internal.port}/hook"
        hook = await deliver_one(gql, strict, url, resolver, permitted=None)
    assert internal.hosts == []
    assert await errors_seen(gql, hook) == [(None, "refused target")]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return int(sock.getsockname()[1])


async def _nxdomain(host: str, port: int) -> list[str]:
    raise socket.gaierror(-2, "Name or service not known (asked 10.0.0.53)")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda: {"status": 503}, (503, "HTTP 5xx")),
        (lambda: {"status": 404}, (404, "HTTP 4xx")),
        (lambda: {"status": 302}, (302, "HTTP 3xx")),
        (lambda: {"delay": 1.0}, (None, "timeout")),
        (lambda: {"closed": True}, (None, "unreachable")),
        (lambda: {"nxdomain": True}, (None, "unreachable")),
    ],
    ids=["5xx", "4xx", "redirect", "timeout", "refused-connection", "nxdomain"],
)
async def test_webhook_targets_owner_sees_only_the_kind_of_failure(
    gql: GraphQLClient,
    tiny_catalogue: None,
    settings: Settings,
    setup: Callable[[], dict[str, Any]],
    expected: tuple[int | None, str],
) -> None:
    options = setup()
    resolver, _ = scripted(["127.0.0.2"])
    with serving(
        "127.0.0.2", status=options.get("status", 200), delay=options.get("delay", 0)
    ) as s:
        port = _closed_port() if options.get("closed") else s.port
        hook = await deliver_one(
            gql,
            settings,
            f"http://{HOST}:{port}/hook",
            _nxdomain if options.get("nxdomain") else resolver,
        )
    assert await errors_seen(gql, hook) == [expected]
    stored = await WebhookDelivery.find_one({"webhook_id": hook})
    assert stored is not None
    raw = await WebhookDelivery.get_pymongo_collection().find_one({"_id": stored.id})
    assert raw is not None
    # What is stored is what is shown: no exception text, address or DNS detail.
    assert [a["error"] for a in raw["attempts"]] == [expected[1]]
