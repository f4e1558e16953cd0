"""Logs: `motcua serve` writes JSON lines, uvicorn's access log included, each with the
request id, and no query string; the metrics port is served beside the API."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.observability.logs import RequestContextFilter, logging_config, request_scope
from api.settings import Settings

ID_NUMBER = "001099012345"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, process: subprocess.Popen[bytes], within: float = 90) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert process.poll() is None, "motcua serve exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("motcua serve did not answer /healthz in time")


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_serve_logs_json_lines_with_the_request_id_and_serves_the_metrics_port(
    tmp_path: Path,
) -> None:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path / "var"),
        "MOTCUA_PORT": str(port),
        "MOTCUA_METRICS_PORT": str(metrics_port),
        "MOTCUA_LOG_FORMAT": "json",
    }
    for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, process)
            variables = json.dumps({"id": ID_NUMBER})
            answer = httpx.get(
                f"{base}/graphql",
                params={"query": "query($id: String) { __typename }", "variables": variables},
                headers={"x-request-id": "trace-me-1", "accept": "application/json"},
            )
            assert answer.status_code == 200
            assert httpx.get(f"{base}/metrics").status_code == 404
            scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
            assert scraped.status_code == 200
            assert "motcua_http_requests_total" in scraped.text
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(60)
    text = log_path.read_text()
    lines = json_lines(text)
    assert lines, text
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    mine = [line for line in access if line["request_id"] == "trace-me-1"]
    assert len(mine) == 1, access
    assert mine[0]["path"] == "/graphql"
    assert mine[0]["status"] == 200
    assert "?" not in mine[0]["message"]
    assert ID_NUMBER not in text
    assert any(line["logger"] == "uvicorn.error" for line in lines)  # start-up lines too


def test_text_format_carries_the_request_id_and_drops_query_strings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = logging_config(Settings(log_format="text"))
    assert config["formatters"]["default"] == {
        "format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"
    }
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", f"/tra-cuu?ma=HN-1&id={ID_NUMBER}", "1.1", 200), None,
    )  # fmt: skip
    with request_scope("abc"):
        assert RequestContextFilter().filter(record)
    assert record.request_id == "abc"  # type: ignore[attr-defined]
    assert record.getMessage() == '1.2.3.4:5 - "GET /tra-cuu HTTP/1.1" 200'


def test_json_is_the_default_in_production_and_text_in_development() -> None:
    assert Settings(mongodb_uri="mongodb://db", dev_mode=False).json_logs
    assert not Settings(dev_mode=True).json_logs
    assert Settings(dev_mode=True, log_format="json").json_logs


def test_the_adapters_http_client_logs_only_its_warnings() -> None:
    """httpx logs every request's URL at INFO: an adapter's failures are logged by the
    adapter itself, so the process log is not one line per outbox delivery."""
    config = logging_config(Settings(log_level="DEBUG"))
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["httpx"]["level"] == "WARNING"
