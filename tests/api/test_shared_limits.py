"""Rate limits are one limit however many API processes share the database."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.authentication import issue_token
from api.settings import Settings
from bench.processes import api_process
from tests.api.conftest import AGENCIES, codes
from tests.conftest import running_app

LOOKUP = {
    "query": 'query($c: String!) { publicDossierStatus(code: $c, applicantIdLast4: "0000") '
    "{ code } }",
    "variables": {"c": "000.00.00.H26-260101-0001"},
}


async def test_two_apps_on_one_database_share_the_request_and_lookup_limits(
    settings: Settings,
) -> None:
    limited = settings.model_copy(
        update={
            "rate_limit_burst": 4,
            "rate_limit_per_minute": 1,
            "public_lookups_per_minute": 2,
            "background_services": False,
        }
    )
    async for _, first in running_app(limited):
        async for _, second in running_app(limited):
            answers = [await http.post("/graphql", json=AGENCIES) for http in [first, second] * 3]
            assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
            assert [a.headers["ratelimit-remaining"] for a in answers[:4]] == ["3", "2", "1", "0"]
            token = issue_token(limited, "officer:reception", sub="apps", agency="X")
            signed_in = {"authorization": f"Bearer {token}"}
            lookups = [
                (await http.post("/graphql", json=LOOKUP, headers=signed_in)).json()
                for http in (first, second, first)
            ]
            assert [codes(body) if "errors" in body else [] for body in lookups] == [
                [],
                [],
                ["RATE_LIMITED"],
            ]


async def test_two_processes_give_one_limit(
    mongodb_uri: str, settings: Settings, tmp_path: Path
) -> None:
    token = issue_token(settings, "officer:reception", sub="processes", agency="X")
    env = {"rate_limit_burst": "4", "rate_limit_per_minute": "1"}
    headers = {"authorization": f"Bearer {token}"}
    async with (
        api_process(mongodb_uri, settings.database, settings.data_dir, **env) as one,
        api_process(mongodb_uri, settings.database, settings.data_dir, **env) as two,
        httpx.AsyncClient(headers=headers) as http,
    ):
        statuses = [
            (await http.post(f"{process.base}/graphql", json=AGENCIES)).status_code
            for process in [one, two] * 3
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]
