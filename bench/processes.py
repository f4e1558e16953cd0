"""Real API processes (`python -m api serve`) sharing one database, for benches and tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class ApiProcess:
    base: str
    pid: int

    @property
    def ws_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"

    def rss_bytes(self) -> int:
        """Resident memory, from /proc (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS in /proc status")


def api_process(
    mongodb_uri: str, database: str, data_dir: Path, **env: str
) -> AbstractAsyncContextManager[ApiProcess]:
    """A separate API process on a free port, once it answers."""
    return logged_api_process(mongodb_uri, database, data_dir, env)


@asynccontextmanager
async def logged_api_process(
    mongodb_uri: str | None,
    database: str,
    data_dir: Path,
    env: Mapping[str, str],
    log: Path | None = None,
) -> AsyncIterator[ApiProcess]:
    """`api_process`, with `env` as MOTCUA_ settings and its output in `log` if given.
    Without `mongodb_uri` it starts its own embedded database in `data_dir`."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "MOTCUA_MONGODB_URI"}},
        "MOTCUA_DATABASE": database,
        "MOTCUA_DATA_DIR": str(data_dir),
        "MOTCUA_PORT": str(port),
        **{f"MOTCUA_{name.upper()}": value for name, value in env.items()},
    }
    if mongodb_uri is not None:
        environment["MOTCUA_MONGODB_URI"] = mongodb_uri
    with contextlib.ExitStack() as files:
        output = files.enter_context(log.open("ab")) if log else asyncio.subprocess.DEVNULL
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "api",
            "serve",
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            # On a machine loaded by other test runs, a start has taken over 40 s.
            deadline = time.monotonic() + START_SECONDS
            while time.monotonic() < deadline:
                if process.returncode is not None:
                    raise RuntimeError(f"the API process exited with {process.returncode}")
                try:
                    await http.post("/graphql", json={"query": "{ __typename }"})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise RuntimeError(f"the API process did not start within {START_SECONDS:.0f} s")
        yield ApiProcess(base, process.pid)
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # a test may have killed it
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
