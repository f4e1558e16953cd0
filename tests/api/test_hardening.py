"""Hostile requests, refused before anything runs; production's quieter errors."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from api.http.cost import QueryCost
from api.settings import Settings
from tests.api.conftest import AGENCIES, App, codes, serve

READS = {"find", "aggregate", "count", "distinct", "getMore"}
GRAPHQL_RESPONSE = "application/graphql-response+json"
COSTLY = "{ dossiers(first: 100) { edges { node { timeline(first: 100) { edges { node { type } } } } } } }"


def fragments(template: str, count: int) -> str:
    return " ".join(template.format(i=i, previous=i - 1, next=i + 1) for i in range(1, count + 1))


HOSTILE = {
    "deep": ("{ agencies " + "{ children " * 30 + "{ code }" + " }" * 31, "QUERY_TOO_DEEP"),
    "deep through fragments": (
        "{ agencies { ...L1 } } fragment L16 on Agency { code } "
        + fragments("fragment L{i} on Agency {{ children {{ ...L{next} }} }}", 15),
        "QUERY_TOO_DEEP",
    ),
    "aliases": (
        "{ " + " ".join(f"a{i}: __typename" for i in range(500)) + " }",
        "TOO_MANY_ALIASES",
    ),
    "tokens": ("{ agencies { " + "code " * 3100 + "} }", "TOO_MANY_TOKENS"),
    "circular fragments": (
        "{ agencies { ...A } } fragment A on Agency { children { ...B } } "
        "fragment B on Agency { children { ...A } }",
        "GRAPHQL_VALIDATION_FAILED",  # "Cannot spread fragment 'A' within itself via 'B'."
    ),
    # Each fragment spreads the previous one twice: 2**40 fields once expanded.
    "fragment bomb": (
        "{ agencies { ...F40 } } fragment F0 on Agency { code } "
        + fragments("fragment F{i} on Agency {{ ...F{previous} ...F{previous} }}", 40),
        "QUERY_TOO_LARGE",
    ),
    "50 operations": (
        " ".join(f"query Q{i} {{ agencies {{ code }} }}" for i in range(50)),
        "TOO_MANY_OPERATIONS",
    ),
    "costly": (COSTLY, "QUERY_TOO_COSTLY"),
}


@pytest.mark.parametrize(("query", "code"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_limits_refuse_hostile_documents_before_execution(
    prod: App, query: str, code: str
) -> None:
    started = time.perf_counter()
    assert codes(await prod.refused(query)) == [code]
    assert time.perf_counter() - started < 2


async def test_limits_refuse_batches_with_a_clean_400(prod: App) -> None:
    await prod.post(AGENCIES)
    assert prod.commands.reads() > 0  # the listener sees what executes
    prod.commands.names.clear()
    batch = await prod.post([AGENCIES] * 300)
    assert batch.status_code == 400
    assert batch.json()["errors"][0]["message"] == "Batching is not enabled"
    assert prod.commands.reads() == 0


async def test_cost_refuses_costly_queries_and_reports_the_cost(prod: App) -> None:
    [error] = (await prod.refused(COSTLY))["errors"]
    # dossiers: 1 + 100 × (edges 1 + node 1 + timeline (1 + 100 × (edges 1 + node 1)))
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 20301, "limit": 20000}
    variables = COSTLY.replace("100", "$n").replace("{ dossiers", "query($n: Int!) { dossiers", 1)
    by_variable = await prod.refused(variables, variables={"n": 100})
    assert codes(by_variable) == ["QUERY_TOO_COSTLY"]

    cheap = (await prod.post({"query": variables, "variables": {"n": 10}})).json()
    assert "errors" not in cheap
    assert cheap["extensions"] == {"cost": 231}
    lists = (await prod.post({"query": "{ agencies { code children { code } } }"})).json()
    assert lists["extensions"] == {"cost": 11}  # 1 + 10 (default list size) × 1


async def test_timeout_cancels_slow_operations(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancelled = asyncio.Event()

    async def slow_roots(*_: object) -> list[Any]:
        try:
            await asyncio.sleep(10)
        finally:
            cancelled.set()
        return []

    monkeypatch.setattr("schema.catalogue.agencies.queries.root_agencies", slow_roots)
    async for app in serve(settings, operation_timeout_seconds=0.05):
        started = time.perf_counter()
        body = (await app.post(AGENCIES)).json()
        assert time.perf_counter() - started < 2
        assert cancelled.is_set()
        assert body["data"] is None
        assert codes(body) == ["TIMEOUT"]
        strict = await app.post(AGENCIES, accept=GRAPHQL_RESPONSE)
        assert strict.status_code == 504
        assert "data" not in strict.json()


@pytest.mark.parametrize("production", [True, False])
async def test_errors_mask_introspect_and_suggest_by_mode(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    production: bool,
) -> None:
    def broken_roots(*_: object) -> list[Any]:
        raise RuntimeError("mongodb://secret@db is unreachable")

    monkeypatch.setattr("schema.catalogue.agencies.queries.root_agencies", broken_roots)
    async for app in serve(settings, dev_mode=not production):
        with caplog.at_level(logging.ERROR, logger="motcua.errors"):
            response = await app.post(AGENCIES, **{"x-request-id": "req-42"})
        [error] = response.json()["errors"]
        assert "Traceback" not in response.text
        if production:
            assert error["message"] == "Unexpected error."
            assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "req-42"}
            assert "secret" not in response.text
        else:
            assert error["message"] == "mongodb://secret@db is unreachable"
        [record] = [r for r in caplog.records if r.name == "motcua.errors"]
        # One line with the request id, the code and the exception's type and stack,
        # without its message (docs/hardening.md).
        assert "req-42" in record.getMessage()
        assert "INTERNAL_ERROR" in record.getMessage()
        assert "RuntimeError" in record.getMessage()
        assert "RuntimeError: mongodb" not in record.getMessage()  # no "Type: message" line
        assert record.exc_info is None

        # Expected errors keep their message in both modes.
        negative = await app.post({"query": "{ dossiers(first: -1) { edges { cursor } } }"})
        assert negative.json()["errors"][0]["message"] == "first must not be negative"
        syntax = (await app.post({"query": "{ agencies {"})).json()
        assert codes(syntax) == ["GRAPHQL_PARSE_FAILED"]

        introspect = await app.refused("{ __schema { queryType { name } } }")
        assert ("errors" in introspect) is production
        typo = (await app.post({"query": "{ agencies { nam } }"})).json()["errors"][0]
        assert ("Did you mean 'name'?" in typo["message"]) is not production
        page = await app.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == (404 if production else 200)

        # A bug in an extension escapes Strawberry's extension hooks; the view catches it.
        monkeypatch.setattr(QueryCost, "of_operation", broken_roots)
        [escaped] = (await app.post({"query": "{ __typename }"})).json()["errors"]
        assert escaped["extensions"]["code"] == "INTERNAL_ERROR"
        assert ("secret" in escaped["message"]) is not production


async def test_graphql_over_http_status_codes_follow_the_accept_header(dev: App) -> None:
    cases = {
        "{ agencies { code } }": (200, True),
        "{ agencies {": (400, False),  # parse
        "{ agencies { nope } }": (400, False),  # validation
        "{ dossiers(first: -1) { edges { cursor } } }": (200, True),  # field error, data null
    }
    for query, (status, has_data) in cases.items():
        strict = await dev.post({"query": query}, accept=GRAPHQL_RESPONSE)
        assert (strict.status_code, "data" in strict.json()) == (status, has_data), query
        assert strict.headers["content-type"] == GRAPHQL_RESPONSE
        legacy = await dev.post({"query": query}, accept="application/json")
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == "application/json"
    refused = await dev.post([AGENCIES], accept=GRAPHQL_RESPONSE)
    assert (refused.status_code, refused.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
