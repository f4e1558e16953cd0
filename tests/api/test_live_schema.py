"""The live schema in one process: publishing a form rebuilds the schema the API serves,
a failed rebuild keeps the previous one, and running requests keep theirs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from api.http.graphql import MotcuaGraphQL
from api.settings import Settings
from api.workers import schema_watcher
from api.workers.hub import ChangeStream, ResumeToken
from api.workers.schema_watcher import SchemaWatcher
from documents.catalogue.forms.definition import FormSchema
from tests.conftest import GraphQLClient, running_app
from tests.schema.catalogue.test_form_lifecycle import CREATE_DRAFT, PET_SCHEMA, PUBLISH

PUBLISHED = "{ publishedForms }"


def listing_schema(forms: Sequence[FormSchema]) -> strawberry.Schema:
    """A small schema that lists the forms it was built from, standing in for the
    generated one so these tests watch the machinery, whatever the types look like."""
    keys = sorted({f"{form.key} v{form.version}" for form in forms})

    @strawberry.type
    class Query:
        @strawberry.field
        def published_forms(self) -> list[str]:
            return keys

    return strawberry.Schema(query=Query)


def endpoint(app: Starlette) -> MotcuaGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            assert isinstance(route.endpoint, MotcuaGraphQL)
            return route.endpoint
    raise AssertionError("no /graphql route")


async def publish(admin: GraphQLClient, key: str = "pet") -> None:
    variables = {"input": {"key": key, "title": "Pet licence", "schema": PET_SCHEMA}}
    created = await admin.data(CREATE_DRAFT, variables)
    published = await admin.data(PUBLISH, {"id": created["createFormDraft"]["form"]["id"]})
    assert published["publishForm"]["errors"] == []


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 5.0) -> None:
    """Waits until `check()` holds, failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {seconds:g} s")


async def test_publishing_a_form_rebuilds_the_schema_from_the_change_stream(
    gql: GraphQLClient,
) -> None:
    served: list[strawberry.Schema] = []
    # A check every minute: only the change stream can make it within the test's 5 s.
    watcher = SchemaWatcher(served.append, build=listing_schema, check_seconds=60)
    await watcher.start()
    try:
        assert watcher.stream_open
        await publish(gql.as_role("system_admin"))

        async def rebuilt() -> bool:
            return bool(served)

        await eventually(rebuilt)
    finally:
        await watcher.stop()
    answer = await served[-1].execute(PUBLISHED)
    assert answer.data == {"publishedForms": ["pet v1"]}
    assert watcher.rebuilds == 1


class SilentStream:
    """A change stream that opens and never reports a change."""

    resume_token = None

    async def next(self) -> Mapping[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def close(self) -> None:
        return None


async def silent(resume_after: ResumeToken | None) -> ChangeStream:
    del resume_after
    return SilentStream()


async def test_the_periodic_check_rebuilds_when_the_stream_misses_a_publish(
    gql: GraphQLClient,
) -> None:
    served: list[strawberry.Schema] = []
    watcher = SchemaWatcher(served.append, build=listing_schema, watch=silent, check_seconds=0.2)
    await watcher.start()
    try:
        await publish(gql.as_role("system_admin"))

        async def rebuilt() -> bool:
            return bool(served)

        await eventually(rebuilt)
    finally:
        await watcher.stop()
    assert (await served[-1].execute(PUBLISHED)).data == {"publishedForms": ["pet v1"]}


async def test_a_failed_rebuild_keeps_the_previous_schema_and_is_retried(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[int] = []

    def flaky(forms: Sequence[FormSchema]) -> strawberry.Schema:
        attempts.append(len(forms))
        if len(attempts) == 1:
            raise RuntimeError("the generator tripped")
        return listing_schema(forms)

    monkeypatch.setattr(schema_watcher, "build_for_forms", flaky)
    # Retries back off from 1 s, and the periodic check is out of the way.
    own = settings.model_copy(update={"schema_check_seconds": 60.0})
    async for app, http in running_app(own):
        watcher: SchemaWatcher = app.state.schema_watcher
        watcher.initial_backoff = 0.5
        admin = GraphQLClient(http, own).as_role("system_admin")
        await publish(admin)

        async def failed(watcher: SchemaWatcher = watcher) -> bool:
            return bool(watcher.failures)

        await eventually(failed)
        # Still the full schema: the mutation that published the form is there.
        body = await admin.execute('{ __type(name: "Mutation") { name } }')
        assert body["data"]["__type"] == {"name": "Mutation"}
        # One line, naming what failed, never quoting it.
        logged = [r.getMessage() for r in caplog.records if r.name == "motcua.schema"]
        assert len(logged) == 1
        assert "RuntimeError" in logged[0]
        assert "tripped" not in logged[0]
        assert "\n" not in logged[0]
        ready = (await http.get("/readyz")).json()
        assert ready["status"] == "ready"
        assert ready["schema"]["failedRebuilds"] == 1

        async def retried(watcher: SchemaWatcher = watcher) -> bool:
            return bool(watcher.rebuilds)

        await eventually(retried)
        assert (await admin.data(PUBLISHED)) == {"publishedForms": ["pet v1"]}
        assert (await http.get("/readyz")).json()["schema"]["failingNow"] is False
    assert attempts == [1, 1]


def held_schema(entered: asyncio.Event, release: asyncio.Event) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        async def slow(self) -> str:
            entered.set()
            await release.wait()
            return "first schema"

    return strawberry.Schema(query=Query)


async def test_a_running_request_finishes_on_the_schema_it_started_with(
    settings: Settings,
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    own = settings.model_copy(update={"background_services": False})
    async for app, http in running_app(own):
        graphql = endpoint(app)
        graphql.serve(held_schema(entered, release))
        running = asyncio.create_task(http.post("/graphql", json={"query": "{ slow }"}))
        await entered.wait()
        graphql.serve(listing_schema([]))  # the swap, while `slow` is still resolving
        later = (await http.post("/graphql", json={"query": "{ slow }"})).json()
        release.set()
        first = (await running).json()
        assert first["data"] == {"slow": "first schema"}
        # The request that began after the swap was checked against the new schema.
        assert later["data"] is None
        assert "slow" in later["errors"][0]["message"]
        now = (await http.post("/graphql", json={"query": PUBLISHED})).json()
        assert now["data"] == {"publishedForms": []}


async def test_a_swapped_schema_keeps_the_apps_limits(settings: Settings) -> None:
    own = settings.model_copy(update={"background_services": False, "max_aliases": 1})
    async for app, http in running_app(own):
        graphql = endpoint(app)
        base = listing_schema([])
        graphql.serve(base)
        assert graphql.schema is not base  # a copy, wrapped as the first one was
        aliased = "{ a: publishedForms b: publishedForms }"
        body = (await http.post("/graphql", json={"query": aliased})).json()
        assert "data" not in body or body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
        # The operations kit's metrics (outermost) still count the new schema's operations.
        assert (await http.post("/graphql", json={"query": PUBLISHED})).status_code == 200
        metrics = (await http.get("/metrics")).text
        assert 'operation="publishedForms",outcome="ok"' in metrics


async def test_readiness_reports_the_live_schema(settings: Settings) -> None:
    async for _, http in running_app(settings):
        ready = (await http.get("/readyz")).json()
    assert ready["schema"] == {
        "formVersions": 0,
        "rebuilds": 0,
        "failedRebuilds": 0,
        "failingNow": False,
        "changeStream": "ok",
    }
