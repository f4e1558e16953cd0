"""One database server per test session; one database and one app start-up per test
module, emptied before each test.

The server is the embedded SecantusDB, or the MongoDB that MONGODB_URI names. Each
module gets a database and, when a test asks for `http` (or `gql`, `admin`,
`tiny_catalogue`), one app start-up (connection, models, indexes) that its tests share;
every collection of the database is emptied before each test. A test whose `settings`
differ from the module's (production mode, other limits, background services) gets an
app of its own: override `settings` or call `running_app`.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from beanie.exceptions import CollectionWasNotInitialized
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.app import create_app
from api.authentication import issue_token
from api.embedded import EmbeddedDatabase
from api.settings import Settings
from documents.access.subtrees import SUBTREES
from documents.dossiers.dossier import Dossier
from simulators import population
from simulators.serving import Running
from tests.catalogue import APPLICANT_ID, CITY, load_tiny_catalogue
from tests.signing import TEST_CA, write_roots

BASE_URL = "http://motcua.test"

# The API refuses a SecantusDB it is not told syncs every commit (docs/durability.md).
# Every one the tests start (EmbeddedDatabase) does, so say so, for this process and the
# API processes the tests start; a test that starts one without it sets this false, and
# whoever points MONGODB_URI at a SecantusDB declares it themselves.
if not (os.environ.get("MONGODB_URI") or os.environ.get("MOTCUA_MONGODB_URI")):
    os.environ.setdefault("MOTCUA_SECANTUS_SYNC_ON_COMMIT", "true")


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("MONGODB_URI") or os.environ.get("MOTCUA_MONGODB_URI")
    if configured:
        yield configured
        return
    with EmbeddedDatabase(tmp_path_factory.mktemp("secantus") / "db") as embedded:
        yield embedded.uri


@pytest.fixture(scope="session")
def population_url() -> Iterator[str]:
    """The shipped population database simulator, a real HTTP server on loopback for the
    whole session (its table: simulators/data/population.json). A short `slow_seconds`
    keeps the SLOW fault's answers quick to wait out."""
    with Running(population.create_app(slow_seconds=1.0), "population simulator") as url:
        yield url


@pytest.fixture(scope="session")
async def janitor(mongodb_uri: str) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    """A client of the tests' own, apart from any app's, that empties and drops databases."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_uri)
    yield client
    await client.close()


async def empty_database(database: AsyncDatabase[dict[str, Any]]) -> None:
    """Deletes every document of every collection (GridFS, counters and idempotency
    records included) and keeps the collections and their indexes, which an app
    start-up would otherwise rebuild."""
    names = await database.list_collection_names(filter={"type": "collection"})
    await asyncio.gather(
        *(database[name].delete_many({}) for name in names if not name.startswith("system."))
    )
    SUBTREES.clear()  # the janitor's deletes are not seen by the apps' agency-write listener


@pytest.fixture(scope="module")
async def module_settings(
    mongodb_uri: str,
    tmp_path_factory: pytest.TempPathFactory,
    janitor: AsyncMongoClient[dict[str, Any]],
    population_url: str,
) -> AsyncIterator[Settings]:
    """The module's database and data directory; the database is dropped after it."""
    settings = Settings(
        mongodb_uri=mongodb_uri,
        database=f"test_{uuid.uuid4().hex[:12]}",
        dev_mode=True,
        data_dir=tmp_path_factory.mktemp("var"),
        population_url=population_url,
        # Results signed by the test CA (tests/signing.py) are trusted.
        trust_roots_dir=write_roots(tmp_path_factory.mktemp("trust-roots"), TEST_CA),
    )
    yield settings
    await janitor.drop_database(settings.database)


@pytest.fixture
async def settings(
    module_settings: Settings, janitor: AsyncMongoClient[dict[str, Any]]
) -> Settings:
    """The module's settings, with its database emptied: no test sees another's data.
    Override it (e.g. `settings.model_copy(update=...)`) for an app of the test's own."""
    for attempt in range(3):
        try:
            await empty_database(janitor[module_settings.database])
            break
        except ConnectionFailure:  # a pooled connection the loaded server dropped
            if attempt == 2:
                raise
    return module_settings


class GraphQLClient:
    """Posts GraphQL over HTTP through the ASGI app, as a front end would, as one
    principal (a development token) or anonymously."""

    def __init__(
        self, http: httpx.AsyncClient, settings: Settings | None = None, token: str | None = None
    ) -> None:
        self.http = http
        self.settings = settings
        self.token = token
        self.api_key: str | None = None

    def as_role(
        self, role: str, agency: str | None = CITY, id_number: str | None = None
    ) -> GraphQLClient:
        """A client for `role` (e.g. `officer:reception`, `applicant`, `system_admin`)."""
        assert self.settings is not None
        needs_agency = role.startswith(("officer", "agency_admin"))
        token = issue_token(
            self.settings,
            role,
            sub=f"test-{role.replace(':', '-')}",
            agency=agency if needs_agency else None,
            id_number=id_number or (APPLICANT_ID if role == "applicant" else None),
            # Applicants signed in with a VNeID level-2 account, as most will be.
            identity_level=2 if role == "applicant" else None,
        )
        return GraphQLClient(self.http, self.settings, token)

    def anonymous(self) -> GraphQLClient:
        return GraphQLClient(self.http, self.settings)

    def with_api_key(self, key: str) -> GraphQLClient:
        client = GraphQLClient(self.http, self.settings)
        client.api_key = key
        return client

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must have no top-level errors."""
        body = await self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def _models_binding() -> object:
    """What Beanie's models are bound to now: every app start-up (and `connect`, and
    the CLI) binds them anew, process-wide."""
    try:
        return Dossier.get_pymongo_collection()
    except CollectionWasNotInitialized:
        return None


class ModuleApp:
    """One app start-up that a module's tests share, and a fresh app per test on it.

    The start-up (connection, Beanie's models, indexes, domain configuration) is the
    slow part and is shared; the app object is new for each test, so nothing it holds
    in memory (rate-limit buckets, public look-up limits) outlives a test. Background
    services stay off: their tests run an app of their own. When something else has
    rebound the models since (another app, `connect`, a CLI run), it starts again.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.model_copy(update={"background_services": False})
        self._stack = AsyncExitStack()
        self._started: Starlette | None = None
        self._binding: object = None

    async def start(self) -> None:
        app = create_app(self.settings)
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        self._started, self._binding = app, _models_binding()

    async def stop(self) -> None:
        await self._stack.aclose()
        self._started = None

    async def fresh_app(self) -> Starlette:
        if self._started is None or _models_binding() is not self._binding:
            await self.stop()
            await self.start()
        assert self._started is not None
        app = create_app(self.settings)
        app.state = self._started.state  # what the start-up set: the hub, the workers
        return app


@pytest.fixture(scope="module")
async def module_app(module_settings: Settings) -> AsyncIterator[ModuleApp]:
    shared = ModuleApp(module_settings)
    await shared.start()
    yield shared
    await shared.stop()


@pytest.fixture
def shared_app(settings: Settings, request: pytest.FixtureRequest) -> ModuleApp | None:
    """The module's app when the test runs with the module's settings; None when it
    asked for settings of its own. (Synchronous, so it can start `module_app` lazily.)"""
    if settings != request.getfixturevalue("module_settings"):
        return None
    shared: ModuleApp = request.getfixturevalue("module_app")
    return shared


def client_of(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def running_app(
    settings: Settings, listeners: list[CommandListener] | None = None, *, drop: bool = False
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """An app of its own (start-up included) for the length of the iteration. Its
    database is the module's unless `settings` name another; `drop` drops it after."""
    app = create_app(settings, command_listeners=listeners or [])
    async with app.router.lifespan_context(app), client_of(app) as http:
        yield app, http
    if drop:
        assert settings.mongodb_uri is not None
        cleanup: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        await cleanup.drop_database(settings.database)
        await cleanup.close()


@pytest.fixture
async def http(
    settings: Settings, shared_app: ModuleApp | None
) -> AsyncIterator[httpx.AsyncClient]:
    if shared_app is None:
        async for _, client in running_app(settings):
            yield client
        return
    async with client_of(await shared_app.fresh_app()) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    """A reception officer of the city: sees every dossier of the test catalogue and
    can submit at its desks. Use `.as_role(...)` or `.anonymous()` for others."""
    return GraphQLClient(http, settings).as_role("officer:reception")


@pytest.fixture
def admin(gql: GraphQLClient) -> GraphQLClient:
    return gql.as_role("system_admin")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
async def tiny_catalogue(http: httpx.AsyncClient) -> None:
    await load_tiny_catalogue()
