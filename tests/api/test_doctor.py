"""`motcua doctor`, run as an operator runs it against a configured database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.monitoring import CommandListener, CommandStartedEvent
from typer.testing import CliRunner

from api.cli.deployment_checks import Status, topology
from api.cli.main import cli
from api.cli.query_plans import Server, judge_plan
from api.database import connect
from api.settings import Settings
from documents.dossiers.search import DossierFilter, DossierOrder, Position, search
from documents.dossiers.statuses import DossierStatus
from documents.query_shapes import AGENCY, DOSSIER, NOW, PROCEDURE, query_shapes

WIDE = {"COLUMNS": "250"}  # rich would cut the table's cells at 80 columns


@pytest.fixture
def indexed(mongodb_uri: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database[Any]]:
    """A database as `motcua serve` leaves it: every declared index built."""
    name = f"doctor_{uuid.uuid4().hex[:10]}"
    settings = Settings(mongodb_uri=mongodb_uri, database=name)

    async def build() -> None:
        client = await connect(mongodb_uri, settings)
        await client.close()

    asyncio.run(build())
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", name)
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_uri) as client:
        yield client[name]
        client.drop_database(name)


def _doctor() -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["doctor", "--all"], env=WIDE)
    return result.exit_code, result.output


def _line(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if f" {check} " in line)


def test_doctor_on_a_database_with_every_index_reports_no_problem(indexed: Database[Any]) -> None:
    code, output = _doctor()
    assert code == 0, output
    assert "No problems" in output
    assert "ok" in _line(output, "index webhook_deliveries.due")
    assert "IXSCAN due" in _line(output, "query webhook deliveries: due (lease)")
    assert "IXSCAN status_1_received_at_-1_code_-1" in _line(output, "query dossiers: by status")


def test_doctor_reports_a_dropped_index_and_the_scan_it_causes(indexed: Database[Any]) -> None:
    indexed["webhook_deliveries"].drop_index("due")
    code, output = _doctor()
    assert code == 1
    assert "missing" in _line(output, "index webhook_deliveries.due")
    lease = _line(output, "query webhook deliveries: due (lease)")
    assert "problem" in lease
    assert "COLLSCAN" in lease
    assert "2 problems" in output


def test_a_standalone_server_is_a_problem_in_production_and_worth_knowing_in_development() -> None:
    hello = {"isWritablePrimary": True}
    build = {"version": "8.0.4"}
    assert topology(hello, build, development=False).status is Status.PROBLEM
    assert topology(hello, build, development=True).status is Status.INFO
    assert topology({**hello, "setName": "rs0"}, build, development=False).status is Status.OK
    assert topology({"msg": "isdbgrid"}, build, development=False).status is Status.OK


def _shape(name: str) -> Any:
    return next(s for s in query_shapes() if s.name == name)


INDEXED: dict[str, Any] = {
    "stage": "FETCH",
    "inputStage": {"stage": "IXSCAN", "indexName": "due"},
}
# What a mongos answers: each shard's winning plan under `shards`.
SHARDED = {
    "queryPlanner": {
        "winningPlan": {
            "stage": "SHARD_MERGE",
            "shards": [
                {"shardName": "a", "winningPlan": INDEXED},
                {"shardName": "b", "winningPlan": {"stage": "COLLSCAN"}},
            ],
        },
        "rejectedPlans": [{"stage": "COLLSCAN"}],
    }
}


def test_a_collection_scan_on_any_shard_is_a_problem() -> None:
    shape = _shape("webhook deliveries: due (lease)")
    server = Server(secantus=False, indexes={"webhook_deliveries": {"due"}})
    assert judge_plan(shape, SHARDED, server).status is Status.PROBLEM
    rejected_only = {
        "queryPlanner": {"winningPlan": INDEXED, "rejectedPlans": [{"stage": "COLLSCAN"}]}
    }
    assert judge_plan(shape, rejected_only, server).status is Status.OK


class Finds(CommandListener):
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.sent.append(dict(event.command))

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


# Each dossier-list shape the doctor explains, and the list's arguments it stands for.
LISTED = {
    "dossiers: newest first": (DossierFilter(), DossierOrder.RECEIVED_AT_DESC, None),
    "dossiers: by code": (DossierFilter(), DossierOrder.CODE_ASC, None),
    "dossiers: next page (keyset cursor)": (
        DossierFilter(),
        DossierOrder.RECEIVED_AT_DESC,
        Position(NOW, DOSSIER),
    ),
    "dossiers: by status": (
        DossierFilter(status=[DossierStatus.RECEIVED]),
        DossierOrder.RECEIVED_AT_DESC,
        None,
    ),
    "dossiers: by procedure": (
        DossierFilter(procedure_code=PROCEDURE),
        DossierOrder.RECEIVED_AT_DESC,
        None,
    ),
    "dossiers: by agency": (DossierFilter(agency_code=AGENCY), DossierOrder.RECEIVED_AT_DESC, None),
    "dossiers: overdue": (DossierFilter(overdue=True), DossierOrder.RECEIVED_AT_DESC, None),
}


def test_the_dossier_list_shapes_are_the_finds_the_list_sends(
    indexed: Database[Any], mongodb_uri: str
) -> None:
    finds = Finds()

    async def list_each() -> None:
        settings = Settings(mongodb_uri=mongodb_uri, database=indexed.name)
        client = await connect(mongodb_uri, settings, [finds])
        try:
            for spec, order, after in LISTED.values():
                await search(spec, order, 20, after=after, now=NOW)
        finally:
            await client.close()

    asyncio.run(list_each())
    shapes = {s.name: s for s in query_shapes()}
    for name, sent in zip(LISTED, finds.sent[-len(LISTED) :], strict=True):
        assert sent["filter"] == shapes[name].filter, name
        assert list(sent["sort"].items()) == shapes[name].sort, name
