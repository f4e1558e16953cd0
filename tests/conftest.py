"""One database server per test session, a fresh database per test.

The server is the embedded SecantusDB, or the MongoDB that MONGODB_URI names.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.app import create_app
from api.embedded import EmbeddedDatabase
from api.middleware.authentication import issue_token
from api.settings import Settings
from tests.catalogue import APPLICANT_ID, CITY, load_tiny_catalogue


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("MONGODB_URI") or os.environ.get("MOTCUA_MONGODB_URI")
    if configured:
        yield configured
        return
    with EmbeddedDatabase(tmp_path_factory.mktemp("secantus") / "db") as embedded:
        yield embedded.uri


@pytest.fixture
def settings(mongodb_uri: str, tmp_path: Path) -> Settings:
    return Settings(
        mongodb_uri=mongodb_uri,
        database=f"test_{uuid.uuid4().hex[:12]}",
        dev_mode=True,
        data_dir=tmp_path / "var",
    )


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


async def running_app(
    settings: Settings, listeners: list[CommandListener] | None = None
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings, command_listeners=listeners or [])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://motcua.test") as http:
            yield app, http
    assert settings.mongodb_uri is not None
    cleanup: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    await cleanup.drop_database(settings.database)
    await cleanup.close()


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for _, client in running_app(settings):
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
