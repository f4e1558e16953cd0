"""urql's normalised cache (graphcache) with no `keys` configuration, against the API
served on loopback: the README's dossier list on the demo data caches every object by
its `id`, so graphcache prints no warning (docs/relay.md)."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.authentication import issue_token
from api.settings import Settings
from demo.agencies import CITY
from demo.seeding import seed_catalogue, seed_dossiers
from documents.calendar.working_calendar import OfficeHours
from tests.conftest import ModuleApp
from tests.node import run_node

README = Path(__file__).parents[2] / "README.md"

# urql's Client with graphcache and no `keys`; every console.warn is kept and printed.
URQL = """
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(0, 'utf8'));
const warnings = [];
console.warn = (...args) => warnings.push(args.map(String).join(' '));
const client = new Client({
  url: input.url,
  exchanges: [cacheExchange({}), fetchExchange],
  fetchOptions: { headers: { Authorization: `Bearer ${input.token}` } },
});
const first = await client.query(input.query, {}).toPromise();
const again = await client.query(input.query, {}, { requestPolicy: 'cache-only' }).toPromise();
console.log(JSON.stringify({
  warnings,
  data: first.data ?? null,
  error: first.error ? String(first.error) : null,
  cached: again.data ?? null,
}));
"""


# Every part of a dossier that is not itself a catalogue entity, each with its id.
DOSSIER_PARTS = """
{ dossiers(first: 50) { edges { node { id
  applicant { id } controlSlip { id } supplements { id items { id } } apology { id }
  payments { id } paymentOrders { id lines { id } } lookups { id }
  requiredPapers { id } reusedPapers { id } attachments { id signature { id } }
  rating { id } feedback { id } events(last: 2) { id }
} } } }
"""


# The catalogue's value objects and the statistics rows, each with its id.
CATALOGUE_AND_STATISTICS = """
{ procedures { id code timeRules { id } competentAuthority { id }
    fee { id kind rows { id } lines { id } }
    steps { id key } requiredPapers { id slot satisfiedByResult { id } }
    form { id hints { id fields { id options { id } } sections { id } } } }
  procedureGroups { id members { id mapping { id } } feeds { id fields { id } } }
  statistics(from: "2026-01-01", to: "2026-12-31") {
    id totals { id ratings { id } } series { id indicators { id ratings { id } } } }
  publicStatistics(from: "2026-01-01", to: "2026-12-31", granularity: QUARTER) {
    id totals { id } series { id indicators { id } } }
  agencyRanking(from: "2026-01-01", to: "2026-12-31") {
    id agency { id } indicators { id } groups { id } }
  procedureTable(from: "2026-01-01", to: "2026-12-31") {
    id procedure { id } indicators { id ratings { id } } }
  groupStatistics(from: "2026-01-01", to: "2026-12-31") { id groupCode }
}
"""


def readme_dossier_list() -> str:
    """The dossier list query the README gives officers to paste into GraphiQL."""
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if "dossiers(first:" in b)


@pytest.fixture
async def served(shared_app: ModuleApp | None) -> AsyncIterator[str]:
    """The module's app served by uvicorn on a free loopback port, in this event loop."""
    assert shared_app is not None
    app = await shared_app.fresh_app()
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[bound]))
        while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{bound.getsockname()[1]}/graphql"
        server.should_exit = True
        await task


def officer_token(settings: Settings) -> str:
    return issue_token(settings, "officer:reception", sub="urql-officer", agency=CITY)


async def urql(url: str, token: str, query: str) -> dict[str, Any]:
    stdin = {"url": url, "token": token, "query": query}
    done = await asyncio.to_thread(run_node, URQL, stdin)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def test_urql_graphcache_without_keys_caches_the_readme_dossier_list_silently(
    served: str, settings: Settings
) -> None:
    await seed_catalogue()
    await seed_dossiers(12, OfficeHours())
    query = readme_dossier_list()

    result = await urql(served, officer_token(settings), query)

    assert result["error"] is None
    assert result["warnings"] == []
    edges = result["data"]["dossiers"]["edges"]
    assert edges, "the demo has dossiers in progress"
    assert all(e["node"]["controlSlip"] and e["node"]["applicant"]["id"] for e in edges)
    assert result["cached"] == result["data"]  # read back from the normalised cache

    parts = await urql(served, officer_token(settings), DOSSIER_PARTS)
    assert parts["error"] is None
    assert parts["warnings"] == []
    shown = [e["node"] for e in parts["data"]["dossiers"]["edges"]]
    assert any(d["supplements"] and d["controlSlip"] for d in shown)


async def test_urql_graphcache_warns_for_an_object_without_id(
    served: str, settings: Settings
) -> None:
    # The checks above can fail: the same cache does warn about an object selected
    # without its `id` (here a procedure's fee schedule).
    await seed_catalogue()
    query = "{ procedures { id code fee { kind amount } } }"

    result = await urql(served, officer_token(settings), query)

    assert result["error"] is None
    assert any("Invalid key" in w and "FeeSchedule" in w for w in result["warnings"])


async def test_urql_graphcache_without_keys_caches_procedures_and_statistics_silently(
    served: str, settings: Settings
) -> None:
    await seed_catalogue()
    await seed_dossiers(12, OfficeHours())

    result = await urql(served, officer_token(settings), CATALOGUE_AND_STATISTICS)

    assert result["error"] is None
    assert result["warnings"] == []
    data = result["data"]
    procedures = data["procedures"]
    assert any(p["fee"]["rows"] and p["steps"] and p["requiredPapers"] for p in procedures)
    assert any(paper["satisfiedByResult"] for p in procedures for paper in p["requiredPapers"])
    assert data["statistics"]["series"]
    assert data["agencyRanking"]
    assert data["procedureTable"]
    assert result["cached"] == data  # read back from the normalised cache
