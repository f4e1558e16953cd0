"""`motcua serve` and `motcua seed`, run as a user runs them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from api.cli.main import SAMPLE_QUERY, _banner, cli, main
from api.embedded import MARKER
from api.settings import Settings
from demo.catalogue import CITY
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
    # The generated dossiers, besides the members of the demo's group submissions.
    single = {d["code"] for d in db.dossiers.find({"group_code": None})}
    assert len(single) == 12
    received = db.dossier_events.find({"type": "RECEIVED"})
    assert len([e for e in received if e["dossier_code"] in single]) == 12
    groups = db.dossier_groups.count_documents({})
    assert groups >= 4
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
    assert db.dossiers.count_documents({"group_code": None}) == 15
    assert db.dossier_groups.count_documents({}) == groups  # submitted with the catalogue


def test_serve_seeds_an_empty_database_and_answers_a_nested_query(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "MOTCUA_DATA_DIR": str(tmp_path / "var"), "MOTCUA_DEMO_DOSSIERS": "8"}
    for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "MOTCUA_PORT", "MOTCUA_DEV_MODE"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--seed-if-empty", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    banner = _read_banner(server)
    try:
        # The banner's own token, pasted as the banner says, shows the sample's dossiers.
        header = json.loads(next(b for b in banner if b.lstrip().startswith("{") and "Bearer" in b))
        token = header["Authorization"].removeprefix("Bearer ")
        # The API answers while the demo history is still being seeded (docs/demo.md).
        body = _wait_for(url, SAMPLE_QUERY, server, token)
        deadline = time.monotonic() + 180
        while len(body["data"]["dossiers"]["edges"]) < 5:
            assert time.monotonic() < deadline, body
            time.sleep(0.5)
            body = _wait_for(url, SAMPLE_QUERY, server, token)
        anonymous = httpx.post(url, json={"query": SAMPLE_QUERY}).json()
        assert anonymous["data"]["dossiers"]["edges"] == []  # why the banner has a token
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
    assert f"motcua is serving GraphQL at {url}" in banner
    assert SAMPLE_QUERY in "\n".join(banner)
    assert not (tmp_path / "var" / "embedded.uri").exists()  # the database was stopped


def _read_banner(server: subprocess.Popen[str]) -> list[str]:
    """The lines `serve` prints before it starts listening, up to the sample query."""
    assert server.stdout is not None
    lines: list[str] = []
    while SAMPLE_QUERY not in (line := server.stdout.readline()):
        assert line, "".join(lines)  # the process ended before printing its banner
        lines.append(line.strip())
    return [*lines, line.strip()]


def test_banner_in_production_mode_prints_no_token() -> None:
    production = Settings(mongodb_uri="mongodb://db.example:27017", port=8001)
    assert _banner(production) == ["motcua is serving GraphQL at http://127.0.0.1:8001/graphql"]


def test_banner_token_is_a_city_officer_the_api_accepts(data_dir: Path) -> None:
    lines = _banner(Settings(data_dir=data_dir, dev_mode=True))
    [header] = [json.loads(line) for line in lines if "Bearer" in line]
    token = header["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["role"], claims["agency"]) == ("officer:reception", CITY)


def test_cli_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"motcua {version('motcua')}\n"


def _run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`motcua <argv>` as the console script runs it, in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["motcua", *argv])
        with pytest.raises(SystemExit) as exited:
            main()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return int(exited.value.code or 0), [line for line in captured.err.splitlines() if line]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["token", "--role", "officer:leader"], "--agency is required for role officer:leader"),
        (["token", "--role", "agency_admin"], "--agency is required for role agency_admin"),
        (
            ["token", "--role", "officer:specialist", "--agency", "000.99.99.H26"],
            "unknown agency '000.99.99.H26' in the configured database",
        ),
        (
            ["token", "--role", "applicant", "--id-number", "00109001234"],
            "--id-number must be a citizen's 12-digit identification number",
        ),
        (
            ["token", "--role", "applicant", "--id-number", "0010900123456"],
            "--id-number must be a citizen's 12-digit identification number",
        ),
        (["token", "--role", "applicant"], "--id-number is required for role applicant"),
        (["token", "--role", "officer:chief"], "unknown role 'officer:chief'"),
        (["token"], "Missing option '--role'."),
        (["serve", "--port", "http"], "Invalid value for '--port'"),
    ],
)
def test_cli_errors_are_one_plain_line_with_exit_code_2(
    seeded_database: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
    data_dir: Path,
) -> None:
    monkeypatch.setenv("MOTCUA_DEV_MODE", "true")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(data_dir))
    seeded_database.agencies.insert_one({"code": CITY, "name": "Hà Nội"})
    code, lines = _run_main(argv, capsys)
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"motcua: {message}")


def test_cli_serve_with_tracing_but_not_its_extra_is_one_plain_line(
    seeded_database: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
) -> None:
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("MOTCUA_OTEL_ENABLED", "true")
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)  # the extra is missing
    code, lines = _run_main(["serve", "--port", str(_free_port())], capsys)
    assert code == 2
    assert lines[-1] == (
        "motcua: tracing is configured (MOTCUA_OTEL_ENABLED or OTEL_EXPORTER_OTLP_ENDPOINT) "
        "but its packages are missing: pip install 'motcua[tracing]'"
    )


def test_cli_token_for_a_known_agency_is_signed(
    seeded_database: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MOTCUA_DEV_MODE", "true")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "var"))
    seeded_database.agencies.insert_one({"code": CITY, "name": "Hà Nội"})
    result = CliRunner().invoke(cli, ["token", "--role", "officer:leader", "--agency", CITY])
    assert result.exit_code == 0, result.output
    assert jwt.decode(result.stdout.strip(), options={"verify_signature": False})["agency"] == CITY


def test_cli_bad_setting_is_named_without_its_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("MOTCUA_PORT", "s3cret")
    code, lines = _run_main(["token", "--role", "system_admin"], capsys)
    assert code == 2
    assert lines[0].startswith("motcua: MOTCUA_PORT: ")
    assert "s3cret" not in lines[0]


def test_cli_foreign_data_dir_is_refused_unless_init(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8")
    for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "MOTCUA_DEV_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(foreign))
    for argv in (["serve"], ["seed"], ["stats", "verify"], ["token", "--role", "system_admin"]):
        code, lines = _run_main(argv, capsys)
        assert code == 2
        assert len(lines) == 1
        assert "is not a motcua data directory" in lines[0]
        assert "--init" in lines[0]
    assert sorted(p.name for p in foreign.iterdir()) == ["holiday.jpg"]  # nothing written
    seeded = CliRunner().invoke(cli, ["seed", "--init"])
    assert seeded.exit_code == 0, seeded.output
    assert (foreign / MARKER).is_file()
    assert (foreign / "db").is_dir()


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
