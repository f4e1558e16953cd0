"""Acknowledged means on disk: every write and every commit asks for a journaled
majority, and the API refuses to start on a deployment that could still lose an
acknowledged write unless MOTCUA_ALLOW_UNJOURNALED_WRITES says so (docs/durability.md)."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener, CommandStartedEvent

from api.database import UnsafeDeploymentError, check_database, connect
from api.embedded import _free_port, _server_program
from api.settings import Settings
from tests.api.test_cli import _run_main
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code } } }"""
WRITES = {"insert", "update", "delete", "findAndModify"}
JOURNALED_MAJORITY = {"w": "majority", "j": True}


def _is_secantus(uri: str) -> bool:
    client: MongoClient[dict[str, Any]]
    with MongoClient(uri) as client:
        return "secantusVersion" in client.admin.command("buildInfo")


@pytest.fixture
def secantus(mongodb_uri: str) -> str:
    if not _is_secantus(mongodb_uri):
        pytest.skip("the tests' database is not SecantusDB")
    return mongodb_uri


class Commands(CommandListener):
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def started(self, event: CommandStartedEvent) -> None:
        self.seen.append(dict(event.command))

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


async def test_every_write_and_commit_asks_for_a_journaled_majority(settings: Settings) -> None:
    commands = Commands()
    async for _, http in running_app(settings, [commands]):
        await load_tiny_catalogue()  # plain writes
        gql = GraphQLClient(http, settings).as_role("officer:reception", WARD)
        payload = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
        assert payload["errors"] == []  # a transaction
    commits = [c for c in commands.seen if "commitTransaction" in c]
    assert commits
    assert all(c["writeConcern"] == JOURNALED_MAJORITY for c in commits), commits
    # Writes outside transactions; a command's name is its first key.
    plain = [(next(iter(c)), c) for c in commands.seen if "autocommit" not in c]
    plain = [(name, c) for name, c in plain if name in WRITES]
    assert plain
    unjournaled = [
        (c[name], c.get("writeConcern"))
        for name, c in plain
        if c.get("writeConcern") != JOURNALED_MAJORITY
        # Rate-limit buckets are worth no wait (documents/access/rate_limits.py).
        and c[name] != "rate_limits"
    ]
    assert unjournaled == []


async def test_start_refuses_a_secantusdb_not_declared_to_sync_on_commit(
    secantus: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    undeclared = settings.model_copy(update={"secantus_sync_on_commit": False})
    with pytest.raises(UnsafeDeploymentError) as refused:
        await connect(secantus, undeclared)
    message = str(refused.value)
    assert message.startswith("refusing to start: the database is SecantusDB")
    assert "MOTCUA_SECANTUS_SYNC_ON_COMMIT=true" in message
    assert "MOTCUA_ALLOW_UNJOURNALED_WRITES=true" in message
    assert "\n" not in message
    # Declared, it starts; allowed, it starts with a warning.
    await check_database(secantus, settings)
    allowed = undeclared.model_copy(update={"allow_unjournaled_writes": True})
    with caplog.at_level(logging.WARNING, logger="motcua.database"):
        client = await connect(secantus, allowed)
    await client.close()
    assert any("MOTCUA_ALLOW_UNJOURNALED_WRITES" in r.getMessage() for r in caplog.records)


@contextlib.contextmanager
def secantus_server(tmp_path: Path, *flags: str) -> Iterator[str]:
    """A SecantusDB started by hand, with `flags` (and --sync-on-commit)."""
    port = _free_port()
    storage = flags[flags.index("--storage-path") + 1] if "--storage-path" in flags else None
    command = [_server_program(), "--host", "127.0.0.1", "--port", str(port), "--sync-on-commit"]
    if storage is None:
        command += ["--storage-path", str(tmp_path / "db")]
    log = (tmp_path / "secantusd.log").open("ab")
    server = subprocess.Popen([*command, *flags], stdout=log, stderr=subprocess.STDOUT)
    uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    try:
        client: MongoClient[dict[str, Any]]
        with MongoClient(uri, serverSelectionTimeoutMS=500) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.admin.command("ping")
                    break
                except PyMongoError:
                    assert time.monotonic() < deadline, "SecantusDB did not start"
                    time.sleep(0.1)
        yield uri
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (("--storage-path", ":memory:"), "the SecantusDB keeps its data in memory"),
        (("--standalone",), "the SecantusDB runs with --standalone"),
    ],
)
async def test_start_refuses_a_secantusdb_that_cannot_keep_its_writes(
    tmp_path: Path, flags: tuple[str, ...], reason: str
) -> None:
    with secantus_server(tmp_path, *flags) as uri:
        settings = Settings(
            mongodb_uri=uri,
            database=f"test_{uuid.uuid4().hex[:12]}",
            data_dir=tmp_path / "var",
            secantus_sync_on_commit=True,  # declared, and still refused
        )
        with pytest.raises(UnsafeDeploymentError) as refused:
            await check_database(uri, settings)
        assert str(refused.value).startswith(f"refusing to start: {reason}")


def _serve(env: dict[str, str]) -> tuple[int, list[str]]:
    """`motcua serve` as a user runs it, which must give up at once: its exit code and
    the lines it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.endswith("MONGODB_URI")}
    done = subprocess.run(
        [sys.executable, "-m", "api", "serve", "--port", str(_free_port())],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done.returncode, [line for line in done.stderr.splitlines() if line]


def test_serve_refuses_an_unsafe_database_in_one_line_with_exit_code_2(
    secantus: str, tmp_path: Path
) -> None:
    code, lines = _serve(
        {
            "MOTCUA_MONGODB_URI": secantus,
            "MOTCUA_DATA_DIR": str(tmp_path / "var"),
            "MOTCUA_SECANTUS_SYNC_ON_COMMIT": "false",
        }
    )
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith("motcua: refusing to start: the database is SecantusDB")


@pytest.mark.parametrize("command", [["seed"], ["stats", "verify"]])
def test_other_commands_refuse_an_unsafe_database_in_one_line_with_exit_code_2(
    secantus: str,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("MOTCUA_MONGODB_URI", secantus)
    monkeypatch.setenv("MOTCUA_DATABASE", f"cli_{uuid.uuid4().hex[:10]}")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MOTCUA_SECANTUS_SYNC_ON_COMMIT", "false")
    code, lines = _run_main(command, capsys)
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith("motcua: refusing to start: the database is SecantusDB")


def test_serve_refuses_its_embedded_database_without_sync_on_commit_unless_allowed(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "var"
    settings = {"MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_EMBEDDED_SYNC_ON_COMMIT": "false"}
    code, lines = _serve(settings)
    assert code == 2
    assert "MOTCUA_EMBEDDED_SYNC_ON_COMMIT=true" in lines[-1]
    assert not (data_dir / "embedded.uri").exists()  # its database was stopped
    # Allowed, it starts (and stops at SIGTERM).
    allowed = {**os.environ, **settings, "MOTCUA_ALLOW_UNJOURNALED_WRITES": "true"}
    allowed = {k: v for k, v in allowed.items() if not k.endswith("MONGODB_URI")}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        env=allowed,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, "motcua serve refused the allowed database"
            assert time.monotonic() < deadline, "motcua serve did not answer in time"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(30)


def test_serve_against_a_database_that_does_not_answer_is_one_line_with_exit_code_1(
    tmp_path: Path,
) -> None:
    closed = _free_port()
    code, lines = _serve(
        {
            "MOTCUA_MONGODB_URI": f"mongodb://127.0.0.1:{closed}/",
            "MOTCUA_DATA_DIR": str(tmp_path / "var"),
            # The check waits as long as a request would: 1.8 s here.
            "MOTCUA_OPERATION_TIMEOUT_SECONDS": "2",
        }
    )
    assert code == 1
    assert lines == [
        "motcua: the database did not answer the start-up check (ServerSelectionTimeoutError)"
    ]
