"""With its database away, the API fails fast and says so: every request ends within the
operation limit with a typed UNAVAILABLE error (503 outside GraphQL), never
INTERNAL_ERROR, and the API recovers by itself once the database is back.

"Hangs" is the database process stopped with SIGSTOP (it accepts connections and never
answers); "gone" is the process killed with SIGKILL (connections are refused).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.embedded import EmbeddedDatabase
from api.settings import Settings
from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from tests.api.restarts import own_database, restart_on_the_same_port
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.realtime import bearer, serving, subscriber

__all__ = ["own_database"]  # a fixture

LIMIT = 3.0  # the operation limit of these apps, short so the tests are
MARGIN = 1.0  # what answering may add to it on a loaded machine
AGENCIES = "{ agencies { code } }"
SUBMIT = """mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code } } }"""


def settings_on(embedded: EmbeddedDatabase, tmp_path: Path) -> Settings:
    return Settings(
        mongodb_uri=embedded.uri,
        database="unavailable",
        data_dir=tmp_path / "var",
        dev_mode=True,
        operation_timeout_seconds=LIMIT,
    )


@pytest.fixture
async def gql(own_database: EmbeddedDatabase, tmp_path: Path) -> AsyncIterator[GraphQLClient]:
    """A reception officer of the ward, on an app (background services on) whose
    database the test may stop, kill and restart."""
    settings = settings_on(own_database, tmp_path)
    async for _, http in running_app(settings):
        await load_tiny_catalogue()
        yield GraphQLClient(http, settings).as_role("officer:reception", WARD)


@contextmanager
def hanging(embedded: EmbeddedDatabase) -> Iterator[None]:
    """The database process stopped (SIGSTOP) for the block, then continued."""
    assert embedded.pid is not None
    os.kill(embedded.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(embedded.pid, signal.SIGCONT)


def killed(embedded: EmbeddedDatabase) -> None:
    assert embedded.pid is not None
    os.kill(embedded.pid, signal.SIGKILL)
    embedded.stop()  # reaps it


async def timed(request: Any) -> tuple[float, Any]:
    started = time.monotonic()
    result = await request
    return time.monotonic() - started, result


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def recovered(gql: GraphQLClient, within: float = 20.0) -> dict[str, Any]:
    """The first answer without errors, polling until `within` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        body = await gql.execute(AGENCIES)
        if "errors" not in body:
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.2)


def assert_unavailable(elapsed: float, body: dict[str, Any]) -> None:
    assert elapsed < LIMIT + MARGIN, f"answered after {elapsed:.1f} s"
    assert codes(body), body
    assert set(codes(body)) == {"UNAVAILABLE"}, body
    assert "Traceback" not in str(body)


async def test_a_query_while_the_database_hangs_is_unavailable_within_the_limit(
    gql: GraphQLClient, own_database: EmbeddedDatabase
) -> None:
    await recovered(gql)
    with hanging(own_database):
        elapsed, body = await timed(gql.execute(AGENCIES))
        assert_unavailable(elapsed, body)
        # Each request has the whole limit, the next one as the first.
        elapsed, body = await timed(gql.execute(AGENCIES))
        assert_unavailable(elapsed, body)
    assert (await recovered(gql))["data"]["agencies"]


async def test_a_mutation_while_the_database_hangs_is_unavailable_and_writes_nothing(
    gql: GraphQLClient, own_database: EmbeddedDatabase
) -> None:
    counters = await Counter.find_all().to_list()
    with hanging(own_database):
        elapsed, body = await timed(gql.execute(SUBMIT, {"input": submission()}))
        assert_unavailable(elapsed, body)
    await recovered(gql)
    assert await Dossier.count() == 0
    assert await Counter.find_all().to_list() == counters
    # And the same submission goes through once the database is back.
    payload = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
    assert payload["errors"] == []
    assert payload["dossier"]["code"].endswith("-0001")


async def test_while_the_database_is_gone_every_route_answers_unavailable_then_recovers(
    gql: GraphQLClient, own_database: EmbeddedDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]["dossier"]["code"]
    headers = {"authorization": f"Bearer {gql.token}"}
    http: httpx.AsyncClient = gql.http
    killed(own_database)

    elapsed, body = await timed(gql.execute(AGENCIES))
    assert_unavailable(elapsed, body)
    elapsed, body = await timed(gql.execute(SUBMIT, {"input": submission()}))
    assert_unavailable(elapsed, body)
    # A request error under the GraphQL-over-HTTP media type is a 503, with a hint.
    elapsed, keyed = await timed(
        http.post("/graphql", json={"query": AGENCIES}, headers={"x-api-key": "mck_someone_secret"})
    )
    assert_unavailable(elapsed, keyed.json())
    assert keyed.status_code == 503
    assert keyed.headers["retry-after"]
    # The dossier pages: a plain 503, not a 500.
    for path in (f"/dossiers/{code}/receipt", f"/dossiers/{code}/attachments/0"):
        elapsed, page = await timed(http.get(path, headers=headers))
        assert elapsed < LIMIT + MARGIN, path
        assert page.status_code == 503, (path, page.text)
        assert page.headers["retry-after"]
        assert "Traceback" not in page.text

    await restart_on_the_same_port(own_database, monkeypatch)
    await recovered(gql)
    receipt = await http.get(f"/dossiers/{code}/receipt", headers=headers)
    assert receipt.status_code == 200


async def test_a_websocket_query_while_the_database_hangs_is_unavailable_within_the_limit(
    own_database: EmbeddedDatabase, tmp_path: Path
) -> None:
    settings = settings_on(own_database, tmp_path)
    async with serving(settings) as served:
        token = served.client(settings).as_role("officer:reception", WARD).token
        async with subscriber(served.ws_url, bearer(token)) as sub:
            with hanging(own_database):
                await sub.send({"id": "1", "type": "subscribe", "payload": {"query": AGENCIES}})
                elapsed, message = await timed(sub.receive(LIMIT + 5))
                assert message["type"] == "next", message
                assert_unavailable(elapsed, message["payload"])
            assert (await sub.receive())["type"] == "complete"
            # The same connection answers again once the database is back.
            deadline = time.monotonic() + 20
            for op in itertools.count(2):
                subscribe = {"query": AGENCIES}
                await sub.send({"id": str(op), "type": "subscribe", "payload": subscribe})
                message = await sub.receive(LIMIT + 5)
                assert (await sub.receive())["type"] == "complete"
                if "errors" not in message["payload"]:
                    break
                assert time.monotonic() < deadline, message
