"""The embedded database: SecantusDB as a child process on a free loopback port.

SecantusDB is GPL-2.0; we only start it as a separate program and talk to it over
the MongoDB wire protocol, never import it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from api.private_files import open_private, private_directory

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message is one readable line."""


class DataDirectoryInUseError(EmbeddedDatabaseError):
    """Another motcua process owns the embedded server of this data directory."""


class NotADataDirectoryError(EmbeddedDatabaseError):
    """The configured data directory holds something else than motcua's data."""


# Written into every data directory motcua creates or adopts (docs/production.md).
MARKER = ".motcua-data-dir"
# What older versions wrote before the marker existed: a directory holding only these
# (the jwt-secret's drafts too) is adopted as motcua's.
_EARLIER_ENTRIES = frozenset({"db", "jwt-secret", "motcua.lock", "secantusd.log", "embedded.uri"})


def claim_data_dir(path: Path, *, init: bool = False) -> Path:
    """`path` as motcua's data directory: created (owner-only) with the marker when
    missing or empty, accepted with the marker, adopted when it holds only what older
    versions wrote; anything else is refused unless `init` (`--init`) says to use it."""
    if (path / MARKER).is_file():
        return path
    if path.exists() and not path.is_dir():
        raise NotADataDirectoryError(f"the data directory {path} is not a directory")
    entries = list(path.iterdir()) if path.exists() else []
    earlier = all(e.name in _EARLIER_ENTRIES or e.name.startswith(".jwt-secret-") for e in entries)
    if not (earlier or init):
        raise NotADataDirectoryError(
            f"the data directory {path} is not empty and is not a motcua data directory "
            f"(no {MARKER}); set MOTCUA_DATA_DIR to a new or empty directory, "
            "or pass --init to use this one"
        )
    private_directory(path)
    os.close(open_private(path / MARKER, os.O_WRONLY))
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_program() -> str:
    beside_python = Path(sys.executable).with_name("secantusd-py")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("secantusd-py")
    if found is None:
        raise EmbeddedDatabaseError("secantusd-py not found: install the SecantusDB package")
    return found


class EmbeddedDatabase:
    """Start with `start()` (or `with`), read `uri`, stop with `stop()`.

    A lock file in the data directory makes a second server on the same data fail
    fast with a clear message instead of a storage-engine traceback.
    """

    def __init__(self, storage: Path, log_file: Path | None = None, *, init: bool = False) -> None:
        self.storage = storage
        self.init = init
        self.log_file = log_file or storage.parent / "secantusd.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def uri_file(self) -> Path:
        """Where the running server's address is written, for other motcua commands."""
        return self.storage.parent / "embedded.uri"

    def running_uri(self) -> str | None:
        """The address of the server another process started on this data, if any."""
        try:
            return self.uri_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _acquire_lock(self) -> None:
        claim_data_dir(self.storage.parent, init=self.init)
        private_directory(self.storage.parent)
        lock_path = self.storage.parent / "motcua.lock"
        lock = os.fdopen(open_private(lock_path, os.O_RDWR | os.O_APPEND), "a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise DataDirectoryInUseError(
                f"the data directory {self.storage.parent} is in use by another motcua process"
            ) from None
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        self._lock = lock

    def start(self) -> str:
        self._acquire_lock()
        private_directory(self.storage)
        self.port = _free_port()
        command = [
            _server_program(),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--storage-path", str(self.storage),
            "--log-level", "WARNING",
        ]  # fmt: skip
        with os.fdopen(open_private(self.log_file, os.O_WRONLY | os.O_APPEND), "ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._wait_until_ready()
        with os.fdopen(open_private(self.uri_file, os.O_WRONLY | os.O_TRUNC), "w") as uri:
            uri.write(self.uri)
        return self.uri

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        client: MongoClient[dict[str, object]] = MongoClient(
            self.uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500
        )
        try:
            while time.monotonic() < deadline:
                if self._process is not None and self._process.poll() is not None:
                    self.stop()
                    raise EmbeddedDatabaseError(
                        f"the embedded database exited at start-up; see {self.log_file}"
                    )
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    time.sleep(0.1)
        finally:
            client.close()
        self.stop()
        raise EmbeddedDatabaseError("the embedded database did not answer ping in time")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._lock is not None:
            self.uri_file.unlink(missing_ok=True)
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def __enter__(self) -> EmbeddedDatabase:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextmanager
def database_uri(
    uri: str | None, storage: Path, *, share: bool = False, init: bool = False
) -> Iterator[str]:
    """`uri` when configured; otherwise an embedded server on `storage` for the block.

    With `share`, a command such as `motcua seed` uses the embedded server that a
    running `motcua serve` already started on the same data.
    """
    if uri is not None:
        yield uri
        return
    embedded = EmbeddedDatabase(storage, init=init)
    try:
        started = embedded.start()
    except DataDirectoryInUseError:
        running = embedded.running_uri() if share else None
        if running is None:
            raise
        yield running
        return
    try:
        yield started
    finally:
        embedded.stop()
