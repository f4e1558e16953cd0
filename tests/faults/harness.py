"""What the fault scenarios break and watch: a database server that SIGKILL stops and that
starts again on its port, API processes on it, the test catalogue, a webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from api.authentication import issue_token
from api.database import connect
from api.embedded import PID_FILE
from api.embedded_processes import read_pid, storage_of
from api.settings import Settings
from bench.processes import ApiProcess, free_port, logged_api_process
from documents.catalogue.agencies import Agency, AgencyLevel
from tests.catalogue import CITY, OTHER_WARD, WARD, load_tiny_catalogue

SERVER_PROGRAM = Path(sys.executable).with_name("secantusd-py")
# The submitters are many requests a second per principal: no rate limit in the way.
UNLIMITED = {"rate_limit_per_minute": "6000000", "rate_limit_burst": "100000"}
EXTRA_WARDS = ["000.22.97.H26", "000.22.96.H26"]
AGENCIES = [WARD, OTHER_WARD, CITY, *EXTRA_WARDS]
Doc = dict[str, Any]
Figures = dict[str, float | int | str]


class Result(ABC):
    """What a scenario found: figures to print, and problems (none when it passed)."""

    @abstractmethod
    def figures(self) -> Figures: ...

    @abstractmethod
    def problems(self) -> list[str]: ...

    def report(self) -> str:
        shown = "; ".join(
            f"{name} {value:.2f}" if isinstance(value, float) else f"{name} {value}"
            for name, value in self.figures().items()
        )
        return "\n".join([*self.problems(), f"figures: {shown}"])


class Server:
    """A SecantusDB server of the scenario's own on one port for its whole life: `kill`
    SIGKILLs it, `start` brings it back on the same data and port. It syncs every
    commit, as the embedded database's defaults do (issue 13)."""

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.log = storage.parent / "secantusd.log"
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    async def start(self, within: float = 30.0) -> float:
        """Starts the server; the monotonic time at which it first answered a ping."""
        self.storage.mkdir(parents=True, exist_ok=True)
        command = [
            str(SERVER_PROGRAM), "--host", "127.0.0.1", "--port", str(self.port),
            "--storage-path", str(self.storage), "--log-level", "WARNING", "--sync-on-commit",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *command, stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL
            )
        return await answering(self.uri, within, self.process)

    async def kill(self) -> float:
        """SIGKILL, as the kernel's OOM killer or a power cut would; the time it died."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        return time.monotonic()

    async def back(self) -> float:
        """Started again on the same port and data: when it answers."""
        return await self.start()

    async def settled(self, within: float) -> float:
        """Nothing watches this one: as soon as it answers."""
        return time.monotonic()

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


class Supervised:
    """The embedded database of a `motcua serve` started without a MongoDB URI, which its
    supervisor restarts: `kill` SIGKILLs the child its pid file names, `back` waits for
    the supervisor's new child to answer."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.killed: int | None = None
        self.api = ""  # the base URL of the API that supervises it, once it runs

    @property
    def uri(self) -> str:
        return (self.data_dir / "embedded.uri").read_text().strip()

    def pid(self) -> int | None:
        return read_pid(self.data_dir / PID_FILE)

    async def kill(self) -> float:
        self.killed = self.pid()
        assert self.killed is not None, "no pid file: is the API serving the embedded database?"
        os.kill(self.killed, signal.SIGKILL)
        return time.monotonic()

    async def back(self, within: float = 30.0) -> float:
        if not await eventually(lambda: self.pid() not in (None, self.killed), within):
            raise RuntimeError(f"the supervisor did not restart the database within {within} s")
        return await answering(self.uri, within)

    async def settled(self, within: float) -> float:
        """When the supervisor has seen the new child healthy (`/readyz`): a kill before
        that counts as one more failed attempt in a row, and its backoff doubles."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.api) as http:
            while time.monotonic() < deadline:
                body = (await http.get("/readyz")).json()
                if body.get("embeddedDatabase", {}).get("state") == "up":
                    return time.monotonic()
                await asyncio.sleep(0.05)
        raise RuntimeError(f"/readyz did not say the embedded database is up within {within} s")

    def leftover(self) -> None:
        """Kills the child if the API left it behind (the test failed half-way)."""
        pid = self.pid()
        if pid is not None and storage_of(pid) == (self.data_dir / "db").resolve():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


async def eventually(check: Callable[[], bool], within: float, step: float = 0.01) -> bool:
    """Whether `check()` holds within `within` seconds, polling every `step`."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def answering(
    uri: str, within: float, process: asyncio.subprocess.Process | None = None
) -> float:
    """The monotonic time at which the server at `uri` first answers a ping."""
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        uri, serverSelectionTimeoutMS=100, connectTimeoutMS=200
    )
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            if process is not None and process.returncode is not None:
                raise RuntimeError(f"the database server exited with {process.returncode}")
            try:
                await client.admin.command("ping")
                return time.monotonic()
            except PyMongoError:
                await asyncio.sleep(0.02)
    finally:
        await client.close()
    raise RuntimeError(f"the database server did not answer within {within} s")


@asynccontextmanager
async def own_server(workdir: Path) -> AsyncIterator[Server]:
    server = Server(workdir / "db")
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


async def load_catalogue(uri: str, database: str, data_dir: Path) -> Settings:
    """The tiny test catalogue and two more wards to receive at; the settings the API
    processes share (their token secret is in `data_dir`)."""
    settings = Settings(
        mongodb_uri=uri,
        database=database,
        data_dir=data_dir,
        dev_mode=True,
        # Every server here syncs on commit: the scenarios' own, the embedded one (its
        # default), the test session's (an embedded one too, tests/conftest.py).
        secantus_sync_on_commit=True,
    )
    client = await connect(uri, settings)
    try:
        await load_tiny_catalogue()
        await Agency.insert_many(
            [
                Agency(code=code, name=f"UBND Phường {i}", level=AgencyLevel.WARD, parent_code=CITY)
                for i, code in enumerate(EXTRA_WARDS)
            ]
        )
    finally:
        await client.close()
    return settings


def officer(settings: Settings, name: str, agency: str = CITY) -> str:
    """A reception officer's token; the city's sees every dossier of the catalogue."""
    return issue_token(settings, "officer:reception", sub=f"faults-{name}", agency=agency)


def api(
    settings: Settings,
    workdir: Path,
    env: dict[str, str] | None = None,
    *,
    embedded: bool = False,
) -> contextlib.AbstractAsyncContextManager[ApiProcess]:
    """`motcua serve` on the scenario's database, without rate limits, logging to a file.
    With `embedded`, it starts (and supervises) its own database in the data directory."""
    declared = {} if embedded else {"secantus_sync_on_commit": "true"}
    return logged_api_process(
        None if embedded else settings.mongodb_uri,
        settings.database,
        settings.data_dir,
        {**UNLIMITED, **declared, **(env or {})},
        log=workdir / "api.log",
    )


@dataclass
class Receiver:
    """A webhook receiver in a thread: records every POSTed event's dossier code."""

    url: str = ""
    codes: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


@contextmanager
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            with lock:
                found.codes.append(body.get("dossierCode", ""))
                found.types.append(body.get("type", ""))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
