"""`motcua stats verify` and `motcua stats rebuild`, run as an operator runs them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from api.cli.main import cli


@pytest.fixture
def database(mongodb_uri: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    name = f"stats_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", name)
    with MongoClient(mongodb_uri, tz_aware=True) as client:
        yield client[name]
        client.drop_database(name)


def test_stats_verify_passes_after_seeding_fails_on_drift_and_rebuild_fixes_it(
    database: Any,
) -> None:
    runner = CliRunner()
    seeded = runner.invoke(cli, ["seed", "--dossiers", "15"])
    assert seeded.exit_code == 0, seeded.output
    clean = runner.invoke(cli, ["stats", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "agree" in clean.output

    row = database.stats_days.find_one({"received": {"$gt": 0}})
    database.stats_days.update_one({"_id": row["_id"]}, {"$inc": {"received": 7}})
    drifted = runner.invoke(cli, ["stats", "verify"])
    assert drifted.exit_code == 1
    assert f"{row['day']} received: stored {row['received'] + 7}" in drifted.output

    rebuilt = runner.invoke(cli, ["stats", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert runner.invoke(cli, ["stats", "verify"]).exit_code == 0
