"""Background failures: one log line each, no traceback, exponential backoff with a cap,
and a recovery line; nothing a failure quotes (documents, personal data) is logged."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from pathlib import Path

import pytest
from pymongo.errors import AutoReconnect, DuplicateKeyError

from api.embedded import EmbeddedDatabase
from api.workers.failures import describe
from api.workers.periodic import Periodic
from tests.api.restarts import app_on, own_database, poll_readiness, restart_on_the_same_port

__all__ = ["own_database"]  # a fixture, used by name below

NEXT_TRY = re.compile(r"next try in ([0-9.]+) s")
ID_NUMBER = "001099012345"


def failure_lines(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "api.workers.periodic" and r.getMessage().startswith(name)
    ]


def waits(records: list[logging.LogRecord]) -> list[float]:
    found = [NEXT_TRY.search(r.getMessage()) for r in records]
    return [float(m[1]) for m in found if m is not None]


def assert_one_line_each(records: list[logging.LogRecord]) -> None:
    for record in records:
        assert record.exc_info is None, "a traceback was logged"
        assert "\n" not in record.getMessage()


async def test_a_failing_round_logs_one_line_and_backs_off_exponentially_to_the_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    rounds_run: list[float] = []

    async def failing() -> None:
        rounds_run.append(asyncio.get_running_loop().time())
        if len(rounds_run) <= 5:
            raise ValueError(f"bad value {ID_NUMBER}")  # as pydantic quotes its input

    rounds = Periodic("test job", 0.02, failing, max_backoff=0.16)
    rounds.start()
    for _ in range(300):
        if len(rounds_run) >= 7:
            break
        await asyncio.sleep(0.01)
    await rounds.stop()

    failed = [r for r in failure_lines(caplog, "test job") if "round failed" in r.getMessage()]
    assert len(failed) == 5
    assert_one_line_each(failed)
    assert waits(failed) == [0.04, 0.08, 0.16, 0.16, 0.16]
    gaps = [b - a for a, b in itertools.pairwise(rounds_run)]
    assert gaps[2] > gaps[0] * 1.5  # the waits really grew
    assert ID_NUMBER not in caplog.text
    assert "ValueError at tests/api/test_worker_failures.py" in failed[0].getMessage()
    recovered = [r for r in failure_lines(caplog, "test job") if "recovered" in r.getMessage()]
    assert [r.getMessage() for r in recovered] == ["test job: recovered after 5 failed rounds"]
    assert rounds.failures == 0
    assert rounds.total_failures == 5


def test_failures_are_described_without_what_they_quote() -> None:
    duplicate = DuplicateKeyError(
        f"E11000 duplicate key error dup key: {{ id_number: {ID_NUMBER} }}",
        11000,
        {"codeName": "DuplicateKey", "keyValue": {"id_number": ID_NUMBER}},
    )
    assert describe(duplicate) == "DuplicateKeyError (code 11000, DuplicateKey)"
    down = AutoReconnect("db1:27017: [Errno 111] Connection refused")
    assert describe(down) == "AutoReconnect: db1:27017: [Errno 111] Connection refused"
    assert describe(KeyError(ID_NUMBER)) == "KeyError"


async def test_webhook_worker_logs_one_line_per_failed_round_while_the_database_is_down(
    own_database: EmbeddedDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async for app, http in app_on(own_database, tmp_path):
        await poll_readiness(http, 200, within=10)
        name = app.state.webhooks.rounds.name
        await asyncio.to_thread(own_database.stop)
        for _ in range(200):  # until four rounds have failed
            failed = [r for r in failure_lines(caplog, name) if "round failed" in r.getMessage()]
            if len(failed) >= 4:
                break
            await asyncio.sleep(0.05)
        assert_one_line_each(failed)
        assert waits(failed)[:4] == [0.2, 0.4, 0.8, 1.6]
        # Database errors name the server they could not reach, in one line.
        network = ("AutoReconnect", "Timeout", "ConnectionFailure", "NotPrimary")
        assert all(any(kind in r.getMessage() for kind in network) for r in failed)

        await restart_on_the_same_port(own_database, monkeypatch)
        await poll_readiness(http, 200, within=30)
        for _ in range(100):
            if any("recovered" in r.getMessage() for r in failure_lines(caplog, name)):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the worker did not log its recovery")
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)


async def test_rate_limiter_logs_one_line_per_outage_not_one_per_request(
    own_database: EmbeddedDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async for _, http in app_on(own_database, tmp_path):
        await poll_readiness(http, 200, within=10)
        await asyncio.to_thread(own_database.stop)
        for _ in range(4):  # each fails on the database, after the limiter let it through
            await http.post("/graphql", json={"query": "{ agencies { code } }"})
        limiter = [r for r in caplog.records if r.getMessage().startswith("rate limit")]
        assert [r.getMessage() for r in limiter] == [
            f"rate limit not applied: {limiter[0].getMessage().split(': ', 1)[1]}"
        ]
        await restart_on_the_same_port(own_database, monkeypatch)
        await poll_readiness(http, 200, within=30)
        await http.post("/graphql", json={"query": "{ agencies { code } }"})
        limiter = [r.getMessage() for r in caplog.records if r.getMessage().startswith("rate")]
        assert limiter[1:] == ["rate limit applied again"]
    assert "Traceback" not in caplog.text
