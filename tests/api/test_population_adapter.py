"""The population database adapter against the shipped simulator, over real HTTP on
loopback: every answer of the protocol, and every failure as UNAVAILABLE, never an
exception; its logs name what failed and never the person."""

from __future__ import annotations

import logging
import socket

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.adapters.population import PopulationService
from documents.national.population import LookupResult, PopulationQuery
from simulators.serving import Running

KNOWN = PopulationQuery(id_number="001185003721", full_name="Trần Thị Hương")
FAILING = "001090000503"  # the table marks it UNAVAILABLE: the simulator answers 503
SLOW = "001090000504"  # answered after the conftest simulator's 1 s


async def ask(url: str | None, query: PopulationQuery, seconds: float = 3.0) -> LookupResult:
    service = PopulationService(url, seconds)
    try:
        return (await service.lookup(query)).result
    finally:
        await service.aclose()


async def test_a_citizen_in_the_table_is_found_whatever_the_case_and_spacing(
    population_url: str,
) -> None:
    assert await ask(population_url, KNOWN) is LookupResult.FOUND
    loose = PopulationQuery(KNOWN.id_number, "  trần   THỊ hương ")
    assert await ask(population_url, loose) is LookupResult.FOUND


async def test_another_name_is_a_mismatch_and_an_unknown_number_is_not_found(
    population_url: str,
) -> None:
    without_marks = PopulationQuery(KNOWN.id_number, "Tran Thi Huong")
    assert await ask(population_url, without_marks) is LookupResult.MISMATCH
    unknown = PopulationQuery("001099999999", "Trần Thị Hương")
    assert await ask(population_url, unknown) is LookupResult.NOT_FOUND


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_every_failure_is_unavailable_and_logged_without_the_person(
    population_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failing = PopulationQuery(FAILING, "Ngô Văn Lỗi")
    slow = PopulationQuery(SLOW, "Dương Văn Chậm")
    assert await ask(population_url, failing) is LookupResult.UNAVAILABLE  # a 503
    assert await ask(population_url, slow, seconds=0.2) is LookupResult.UNAVAILABLE
    assert await ask(f"http://127.0.0.1:{free_port()}", KNOWN) is LookupResult.UNAVAILABLE
    assert await ask(None, KNOWN) is LookupResult.UNAVAILABLE  # not configured
    # Given time, the slow one answers.
    assert await ask(population_url, slow, seconds=3.0) is LookupResult.FOUND
    said = caplog.text
    assert "HTTP 503" in said
    assert "ReadTimeout" in said or "TimeoutError" in said
    assert "ConnectError" in said
    for secret in ("001090000503", "001090000504", KNOWN.id_number, "Ngô", "Dương", "Trần"):
        assert secret not in said


async def test_an_answer_outside_the_protocol_is_unavailable() -> None:
    async def garbage(request: Request) -> PlainTextResponse:
        return PlainTextResponse('{"result": "PROBABLY"}')

    with Running(Starlette(routes=[Route("/lookups", garbage, methods=["POST"])])) as url:
        assert await ask(url, KNOWN) is LookupResult.UNAVAILABLE


def test_a_query_never_shows_the_person_in_its_repr() -> None:
    shown = repr(KNOWN)
    assert KNOWN.id_number not in shown
    assert KNOWN.full_name not in shown
