"""The embedded database: SecantusDB as a child process on a free loopback port, syncing
every commit by default, with a pid file that lets the next run stop a leftover child.

SecantusDB is GPL-2.0; we only start it as a separate program and talk to it over
the MongoDB wire protocol, never import it (docs/embedded-database.md).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from api import embedded_processes as processes
from api.private_files import open_private, private_directory

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# When motcua exits (SIGTERM included), the clean stop it waits for before killing the
# child: what is acknowledged is on disk already, and exiting stays within 10 s
# (api/stopping.py).
EXIT_STOP_SECONDS = 3.0
PID_FILE = "secantusd.pid"
# What WiredTiger writes when another process holds its files.
_BUSY = b"Device or resource busy"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message is one readable line."""


class DataDirectoryInUseError(EmbeddedDatabaseError):
    """Another motcua process owns the embedded server of this data directory."""


class NotADataDirectoryError(EmbeddedDatabaseError):
    """The configured data directory holds something else than motcua's data."""


class DataFilesHeldError(EmbeddedDatabaseError):
    """A process that motcua may not (or did not) stop holds the embedded database's files."""


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
    fast with a clear message instead of a storage-engine traceback. The child's pid
    is kept in `secantusd.pid` beside it, so that a run after a crash (the lock is then
    free, but the child may live on and hold the files) can stop it first.
    """

    def __init__(
        self,
        storage: Path,
        log_file: Path | None = None,
        *,
        init: bool = False,
        sync_on_commit: bool = True,
    ) -> None:
        self.storage = storage
        self.init = init
        self.sync_on_commit = sync_on_commit
        self.log_file = log_file or storage.parent / "secantusd.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        # The supervisor stops and spawns from a thread while shutdown may stop too.
        self._process_lock = threading.Lock()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def uri_file(self) -> Path:
        """Where the running server's address is written, for other motcua commands."""
        return self.storage.parent / "embedded.uri"

    @property
    def pid_file(self) -> Path:
        return self.storage.parent / PID_FILE

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def exit_code(self) -> int | None:
        """The child's exit status once it has exited (negative: killed by that signal)."""
        return None if self._process is None else self._process.poll()

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
        try:
            try:
                processes.stop_leftover(self.pid_file, self.storage, STOP_TIMEOUT_SECONDS)
            except processes.FilesHeldError as error:
                raise DataFilesHeldError(str(error)) from None
            private_directory(self.storage)
            self.port = _free_port()
            logged = self.log_size()
            self.spawn()
            self.wait_until_ready(logged)
        except BaseException:
            self.stop()
            raise
        with os.fdopen(open_private(self.uri_file, os.O_WRONLY | os.O_TRUNC), "w") as uri:
            uri.write(self.uri)
        return self.uri

    def spawn(self) -> None:
        """Starts the child on `self.port` and records its pid; returns at once."""
        command = [
            _server_program(),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--storage-path", str(self.storage.resolve()),
            "--log-level", "WARNING",
        ]  # fmt: skip
        if self.sync_on_commit:
            command.append("--sync-on-commit")
        appending = os.O_WRONLY | os.O_APPEND
        with self._process_lock:
            with os.fdopen(open_private(self.log_file, appending), "ab") as log:
                self._process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    # Only prctl and getppid run between fork and exec (embedded_processes.py).
                    preexec_fn=processes.die_with_parent(),  # noqa: PLW1509
                    # Its own process group: a terminal's Ctrl-C (SIGINT to the whole
                    # foreground group) must not stop the database under the API's
                    # shutdown; the API stops it last.
                    start_new_session=True,
                )
            with os.fdopen(open_private(self.pid_file, os.O_WRONLY | os.O_TRUNC), "w") as pid:
                pid.write(str(self._process.pid))

    def log_size(self) -> int:
        """Where the next child's lines will start in its log."""
        try:
            return self.log_file.stat().st_size
        except FileNotFoundError:
            return 0

    def wait_until_ready(self, logged: int = 0) -> None:
        """Returns once the child answers ping; raises when it exits or stays silent.
        `logged`: the log's size before the child started (for the reason it exited)."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        client: MongoClient[dict[str, object]] = MongoClient(
            self.uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500
        )
        try:
            while time.monotonic() < deadline:
                if self.exit_code is not None:
                    raise EmbeddedDatabaseError(self.exit_reason(logged))
                try:
                    client.admin.command("ping")
                    return
                except PyMongoError:
                    time.sleep(0.1)
        finally:
            client.close()
        raise EmbeddedDatabaseError("the embedded database did not answer ping in time")

    def exit_reason(self, logged: int) -> str:
        """Why the child exited at start-up, from what it logged after `logged` bytes."""
        reason = f"the embedded database exited at start-up; see {self.log_file}"
        try:
            with self.log_file.open("rb") as log:
                log.seek(logged)
                written = log.read(1 << 20)
        except OSError:
            return reason
        return processes.busy_reason(self.storage) if _BUSY in written else reason

    def stop_process(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stops the child (SIGTERM, then SIGKILL after `timeout` seconds) and keeps the
        data directory's lock, as the supervisor does before a restart."""
        with self._process_lock:
            process, self._process = self._process, None
            if process is None:
                return
            if process.poll() is None:
                # A child stopped (SIGSTOP) would hold the SIGTERM until continued.
                os.kill(process.pid, signal.SIGCONT)
                process.terminate()
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self.pid_file.unlink(missing_ok=True)

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        self.stop_process(timeout)
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


@dataclass(frozen=True)
class Database:
    uri: str
    # The embedded server the block started, for the app to supervise; None when the
    # URI is configured or another process's server is shared.
    embedded: EmbeddedDatabase | None = None


@contextmanager
def database(
    uri: str | None,
    storage: Path,
    *,
    share: bool = False,
    init: bool = False,
    sync_on_commit: bool = True,
) -> Iterator[Database]:
    """`uri` when configured; otherwise an embedded server on `storage` for the block.

    With `share`, a command such as `motcua seed` uses the embedded server that a
    running `motcua serve` already started on the same data.
    """
    if uri is not None:
        yield Database(uri)
        return
    embedded = EmbeddedDatabase(storage, init=init, sync_on_commit=sync_on_commit)
    try:
        started = embedded.start()
    except DataDirectoryInUseError:
        running = embedded.running_uri() if share else None
        if running is None:
            raise
        yield Database(running)
        return
    try:
        yield Database(started, embedded)
    finally:
        embedded.stop(EXIT_STOP_SECONDS)


@contextmanager
def database_uri(
    uri: str | None, storage: Path, *, share: bool = False, init: bool = False
) -> Iterator[str]:
    """`database(...)`'s address only."""
    with database(uri, storage, share=share, init=init) as found:
        yield found.uri
