"""`motcua serve` and `motcua seed`, run as a user runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from api.authentication import issue_token
from api.cli.main import cli
from api.settings import Settings
from documents.catalogue.forms.validation import validate_data
from documents.dossiers.statuses import DossierStatus

NESTED = (
    "{ dossiers(first: 5) { edges { node { code procedure { name } events(last: 1) { type } } } } }"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def seeded_database(mongodb_uri: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    name = f"cli_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", name)
    with MongoClient(mongodb_uri, tz_aware=True) as client:
        yield client[name]
        client.drop_database(name)


def test_seed_loads_the_catalogue_once_and_valid_dossiers_each_time(seeded_database: Any) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["seed", "--dossiers", "12"])
    assert first.exit_code == 0, first.output
    db = seeded_database
    agencies = db.agencies.count_documents({})
    assert agencies >= 10
    assert db.procedures.count_documents({}) >= 6
    assert db.dossiers.count_documents({}) == 12
    assert db.dossier_events.count_documents({"type": "RECEIVED"}) == 12
    statuses = {d["status"] for d in db.dossiers.find()}
    assert statuses == {s.value for s in DossierStatus}  # the demo shows every status
    finished = db.dossiers.find_one({"status": "RETURNED"})
    assert finished is not None
    assert len(finished["steps"]) >= 3  # a real control slip, step by step
    assert all(step["finished_at"] for step in finished["steps"])

    forms = {(f["key"], f["version"]): f["json_schema"] for f in db.forms.find()}
    for dossier in db.dossiers.find():
        schema = forms[(dossier["form_key"], dossier["form_version"])]
        assert validate_data(schema, dossier["data"]) == []

    again = runner.invoke(cli, ["seed", "--dossiers", "3"])
    assert again.exit_code == 0, again.output
    assert db.agencies.count_documents({}) == agencies
    assert db.dossiers.count_documents({}) == 15


def test_serve_seeds_an_empty_database_and_answers_a_nested_query(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path / "var"),
        "MOTCUA_PORT": str(port),
        "MOTCUA_DEMO_DOSSIERS": "8",
    }
    env.pop("MONGODB_URI", None)
    env.pop("MOTCUA_MONGODB_URI", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--seed-if-empty"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    # Signed with the data directory's secret, as `motcua token` does.
    token = issue_token(Settings(data_dir=tmp_path / "var"), "system_admin", sub="admin")
    try:
        body = _wait_for(url, NESTED, server, token)
        edges = body["data"]["dossiers"]["edges"]
        assert len(edges) == 5
        assert all(e["node"]["procedure"]["name"] for e in edges)
        assert all(len(e["node"]["events"]) == 1 for e in edges)
        graphiql = httpx.get(url, headers={"accept": "text/html"})
        assert graphiql.status_code == 200
        assert "graphiql" in graphiql.text.lower()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert f"http://127.0.0.1:{port}/graphql" in output
    assert not (tmp_path / "var" / "embedded.uri").exists()  # the database was stopped


def _wait_for(url: str, query: str, server: subprocess.Popen[str], token: str) -> Any:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        try:
            response = httpx.post(
                url, json={"query": query}, headers={"authorization": f"Bearer {token}"}, timeout=5
            )
            return response.json()
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError("motcua serve did not answer in time")
