"""CORS: none unless origins are configured; then preflights from those origins pass with
the headers the API reads, and the CSRF preflight rule still holds for simple POSTs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.settings import Settings
from tests.conftest import running_app

PORTAL = "https://portal.example.vn"
ELSEWHERE = "https://evil.example"
QUERY = {"query": "{ __typename }"}


def preflight(
    origin: str, headers: str = "authorization, content-type, x-motcua-csrf"
) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": headers,
    }


@pytest.fixture
async def cors(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    allowed = settings.model_copy(
        update={"background_services": False, "cors_origins": [PORTAL], "rate_limit_burst": 3}
    )
    async for _, http in running_app(allowed):
        yield http


async def test_no_cors_headers_unless_origins_are_configured(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json=QUERY, headers={"origin": PORTAL})
    assert response.status_code == 200
    assert not any(name.startswith("access-control-") for name in response.headers)
    refused = await http.options("/graphql", headers=preflight(PORTAL))
    assert "access-control-allow-origin" not in refused.headers


async def test_preflight_from_an_allowed_origin_succeeds_with_the_api_headers(
    cors: httpx.AsyncClient,
) -> None:
    response = await cors.options(
        "/graphql",
        headers=preflight(PORTAL, "authorization, content-type, x-api-key, x-motcua-csrf"),
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-api-key", "x-motcua-csrf"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_preflight_from_another_origin_is_refused(cors: httpx.AsyncClient) -> None:
    response = await cors.options("/graphql", headers=preflight(ELSEWHERE))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    simple = await cors.post("/graphql", json=QUERY, headers={"origin": ELSEWHERE})
    assert "access-control-allow-origin" not in simple.headers


async def test_allowed_origin_reads_the_answer_and_its_request_id(cors: httpx.AsyncClient) -> None:
    response = await cors.post("/graphql", json=QUERY, headers={"origin": PORTAL})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "x-request-id" in response.headers["access-control-expose-headers"]


async def test_csrf_preflight_rule_still_refuses_simple_posts_from_an_allowed_origin(
    cors: httpx.AsyncClient,
) -> None:
    response = await cors.post(
        "/graphql",
        content='{"query": "{ __typename }"}',
        headers={"origin": PORTAL, "content-type": "text/plain"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"
    # The browser may read why: the refusal carries the CORS headers too.
    assert response.headers["access-control-allow-origin"] == PORTAL


async def test_rate_limit_refusals_carry_cors_headers(cors: httpx.AsyncClient) -> None:
    statuses = [
        (await cors.post("/graphql", json=QUERY, headers={"origin": PORTAL})) for _ in range(5)
    ]
    refused = [r for r in statuses if r.status_code == 429]
    assert refused
    assert refused[0].headers["access-control-allow-origin"] == PORTAL
