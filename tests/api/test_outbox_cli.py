"""`motcua outbox status` and `motcua outbox redeliver ID`, run as an operator runs them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from pymongo import MongoClient
from typer.testing import CliRunner

from api.cli.main import cli


@pytest.fixture
def database(mongodb_uri: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    name = f"outbox_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", name)
    monkeypatch.setenv("MOTCUA_PORTAL_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("MOTCUA_PORTAL_SECRET", "s")
    with MongoClient(mongodb_uri, tz_aware=True) as client:
        yield client[name]
        client.drop_database(name)


def stored(destination: str, status: str, minutes_ago: float = 0) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "_id": ObjectId(),
        "destination": destination,
        "key": "000.00.00.H26-250101-0001",
        "sequence": 1,
        "kind": "status",
        "payload": {},
        "status": status,
        "attempts": [],
        "created_at": at,
        "retry_since": at,
        "next_attempt_at": at,
        "lease_owner": None,
        "answer": None,
    }


def row(output: str, destination: str) -> list[str]:
    line = next(li for li in output.splitlines() if f" {destination} " in li)
    return [cell.strip() for cell in line.strip("│┃ ").split("│")]


def test_status_shows_each_destination_and_redeliver_sends_a_dead_letter_again(
    database: Any,
) -> None:
    dead = stored("PORTAL", "DEAD")
    database.outbox.insert_many(
        [stored("PORTAL", "PENDING", minutes_ago=30), dead, stored("SMS", "DELIVERED")]
    )
    runner = CliRunner()
    shown = runner.invoke(cli, ["outbox", "status"], env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.output
    assert row(shown.output, "PORTAL") == ["PORTAL", "yes", "1", "1", "0", "30 min"]
    assert row(shown.output, "SMS") == ["SMS", "no", "0", "0", "1", "-"]
    assert row(shown.output, "ZALO") == ["ZALO", "no", "0", "0", "0", "-"]
    assert "1 dead letters" in shown.output
    # In development mode `motcua serve` starts a simulator for an unset endpoint.
    dev = runner.invoke(cli, ["outbox", "status"], env={"COLUMNS": "120", "MOTCUA_DEV_MODE": "1"})
    assert row(dev.output, "PORTAL")[1] == "yes"
    assert row(dev.output, "SMS")[1] == "simulator"
    assert row(dev.output, "EMAIL")[1] == "no"

    again = runner.invoke(cli, ["outbox", "redeliver", str(dead["_id"])])
    assert again.exit_code == 0, again.output
    assert f"PORTAL message {dead['_id']} is due again" in again.output
    assert database.outbox.find_one({"_id": dead["_id"]})["status"] == "PENDING"
    after = runner.invoke(cli, ["outbox", "status"], env={"COLUMNS": "120"})
    assert row(after.output, "PORTAL")[2:4] == ["2", "0"]

    for refused, code in ((str(dead["_id"]), "CONFLICT"), ("0" * 24, "NOT_FOUND")):
        result = runner.invoke(cli, ["outbox", "redeliver", refused])
        assert result.exit_code == 1
        assert code in result.output
