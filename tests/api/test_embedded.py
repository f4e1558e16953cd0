"""The embedded SecantusDB: a child process that keeps its data (every commit synced) and
its data directory, and that a crashed run leaves nothing behind to block the next."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pymongo import MongoClient

from api.embedded import (
    MARKER,
    PID_FILE,
    DataDirectoryInUseError,
    DataFilesHeldError,
    EmbeddedDatabase,
    NotADataDirectoryError,
    claim_data_dir,
    database_uri,
)


def test_embedded_database_keeps_data_across_a_restart(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir / "db") as first, MongoClient(first.uri) as client:
        client.motcua.notes.insert_one({"_id": 1, "text": "giữ lại"})
    with EmbeddedDatabase(data_dir / "db") as second:
        assert second.port != 0
        with MongoClient(second.uri) as client:
            assert client.motcua.notes.find_one({"_id": 1}) == {"_id": 1, "text": "giữ lại"}


def test_embedded_database_refuses_a_second_server_on_the_same_data(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir / "db") as running:
        with pytest.raises(DataDirectoryInUseError, match="in use by another motcua process"):
            EmbeddedDatabase(data_dir / "db").start()
        # Other commands (e.g. `motcua seed`) may share the running server instead.
        with database_uri(None, data_dir / "db", share=True) as shared:
            assert shared == running.uri


def test_embedded_database_stops_its_process_and_releases_the_directory(data_dir: Path) -> None:
    embedded = EmbeddedDatabase(data_dir / "db")
    embedded.start()
    process = embedded._process
    assert process is not None
    embedded.stop()
    assert process.poll() is not None
    assert not embedded.uri_file.exists()
    with EmbeddedDatabase(data_dir / "db") as again:  # the lock was released
        assert again.uri.startswith("mongodb://")


def test_configured_uri_is_used_as_is_without_starting_a_server(data_dir: Path) -> None:
    with database_uri("mongodb://db.example:27017", data_dir / "db") as uri:
        assert uri == "mongodb://db.example:27017"
    assert not (data_dir / "db").exists()


def test_second_motcua_serve_exits_with_a_one_line_error(data_dir: Path) -> None:
    env = {**os.environ, "MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_PORT": "0"}
    env.pop("MONGODB_URI", None)
    env.pop("MOTCUA_MONGODB_URI", None)
    with EmbeddedDatabase(data_dir / "db"):
        result = subprocess.run(
            [sys.executable, "-m", "api", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"motcua: the data directory {data_dir} is in use by another motcua process"]
    assert "Traceback" not in result.stderr


def test_data_dir_created_by_motcua_carries_the_marker(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir / "db"):
        assert (data_dir / MARKER).is_file()
    assert claim_data_dir(data_dir) == data_dir  # and is accepted the next time


def test_data_dir_of_something_else_is_refused_unless_init(tmp_path: Path) -> None:
    foreign = tmp_path / "home"
    (foreign / "projects").mkdir(parents=True)
    with pytest.raises(NotADataDirectoryError, match="not a motcua data directory"):
        EmbeddedDatabase(foreign / "db").start()
    assert sorted(p.name for p in foreign.iterdir()) == ["projects"]
    claim_data_dir(foreign, init=True)
    assert (foreign / MARKER).is_file()
    with EmbeddedDatabase(foreign / "db") as embedded:
        assert embedded.uri.startswith("mongodb://")


def test_data_dir_of_an_earlier_version_is_adopted(tmp_path: Path) -> None:
    earlier = tmp_path / "var"
    (earlier / "db").mkdir(parents=True)
    for name in ("jwt-secret", "motcua.lock", "secantusd.log"):
        (earlier / name).write_text("x")
    claim_data_dir(earlier)
    assert (earlier / MARKER).is_file()


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "var").write_text("not a directory")
    with pytest.raises(NotADataDirectoryError, match="is not a directory"):
        claim_data_dir(tmp_path / "var", init=True)


# Durability, the pid file and leftovers of a crashed run (issue 13).

ROOT = Path(__file__).resolve().parents[2]
SERVER = str(Path(sys.executable).with_name("secantusd-py"))
# A parent that starts the embedded database and waits to be killed; from a thread of
# its own when asked, as then the child cannot be told to die with it.
PARENT = """
import sys, threading, time
from pathlib import Path
from api.embedded import EmbeddedDatabase
embedded = EmbeddedDatabase(Path(sys.argv[1]))
if sys.argv[2] == "thread":
    starting = threading.Thread(target=embedded.start)
    starting.start()
    starting.join()
else:
    embedded.start()
print(embedded.pid, flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"  # a zombie holds no file


def _wait_gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _orphan(data_dir: Path, how: str) -> int:
    """The pid of the database child of a parent that was killed with SIGKILL."""
    claim_data_dir(data_dir)
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(data_dir / "db"), how],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    with parent.stdout:
        child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    return child


@contextmanager
def _secantusd(storage: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A secantusd-py on `storage` that motcua did not start, answering ping."""
    storage.mkdir(parents=True, exist_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [SERVER, "--port", str(port), "--storage-path", str(storage.resolve())]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
        with MongoClient(uri, serverSelectionTimeoutMS=30_000, journal=True) as client:
            client.admin.command("ping")
            client.motcua.notes.insert_one({"_id": "before"})
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_embedded_database_keeps_every_committed_transaction_when_killed(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir / "db") as embedded:
        with MongoClient(embedded.uri) as client:
            notes = client.motcua.notes
            for number in range(200):
                with client.start_session() as session, session.start_transaction():
                    notes.insert_one({"_id": number}, session=session)
        assert embedded.pid is not None
        os.kill(embedded.pid, signal.SIGKILL)  # right after the last commit
    with EmbeddedDatabase(data_dir / "db") as again, MongoClient(again.uri) as client:
        assert client.motcua.notes.count_documents({}) == 200


def test_pid_file_names_the_child_for_its_owner_only_and_goes_with_it(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir / "db") as embedded:
        assert embedded.pid_file == data_dir / PID_FILE
        assert embedded.pid_file.read_text() == str(embedded.pid)
        assert stat.S_IMODE(embedded.pid_file.stat().st_mode) == 0o600
    assert not embedded.pid_file.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_child_stops_when_its_parent_is_killed(data_dir: Path) -> None:
    child = _orphan(data_dir, "main")
    assert _wait_gone(child, 20), f"the database child {child} outlived its parent"
    with EmbeddedDatabase(data_dir / "db") as embedded:
        assert embedded.pid != child


def test_start_after_a_crash_stops_the_leftover_child_named_by_the_pid_file(
    data_dir: Path,
) -> None:
    # Started from a thread, the child was not told to die with its parent: it lives on
    # and holds the files, as on other systems or when the parent died too early.
    child = _orphan(data_dir, "thread")
    try:
        assert not _wait_gone(child, 1)
        with EmbeddedDatabase(data_dir / "db") as embedded, MongoClient(embedded.uri) as client:
            assert _gone(child)
            assert embedded.pid_file.read_text() == str(embedded.pid)
            client.motcua.notes.insert_one({"_id": 1})
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def test_leftover_child_is_stopped_and_its_acknowledged_data_kept(data_dir: Path) -> None:
    claim_data_dir(data_dir)
    with _secantusd(data_dir / "db") as leftover:
        (data_dir / PID_FILE).write_text(str(leftover.pid))
        with EmbeddedDatabase(data_dir / "db") as embedded, MongoClient(embedded.uri) as client:
            assert leftover.wait(5) is not None
            assert client.motcua.notes.find_one() == {"_id": "before"}


def test_pid_file_naming_another_program_is_not_trusted(data_dir: Path) -> None:
    claim_data_dir(data_dir)
    with subprocess.Popen(["sleep", "60"]) as other:
        try:
            (data_dir / PID_FILE).write_text(str(other.pid))
            with EmbeddedDatabase(data_dir / "db"):
                assert other.poll() is None
        finally:
            other.kill()


def test_secantusd_that_motcua_did_not_start_is_named_and_left_alone(data_dir: Path) -> None:
    claim_data_dir(data_dir)
    with _secantusd(data_dir / "db") as stranger:
        with pytest.raises(DataFilesHeldError) as raised:
            EmbeddedDatabase(data_dir / "db").start()
        assert str(raised.value) == (
            f"the embedded database's files in {data_dir / 'db'} are held by process "
            f"{stranger.pid} (secantusd-py, user {getpass.getuser()}), which motcua did not "
            f"start: stop it (kill {stranger.pid}), then start again"
        )
        assert stranger.poll() is None
        with (data_dir / "motcua.lock").open() as lock:  # released
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="running motcua as another user needs root and setpriv",
)
def test_serve_names_a_leftover_it_may_not_stop_and_how_to_free_it(data_dir: Path) -> None:
    claim_data_dir(data_dir)
    with _secantusd(data_dir / "db") as leftover:  # root's
        (data_dir / PID_FILE).write_text(str(leftover.pid))
        os.chown(data_dir, 65534, 65534)
        # motcua as "nobody", able to read root's files (the interpreter's) but not to
        # signal root's processes.
        setpriv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        setpriv += ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
        env = {**os.environ, "MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_PORT": "0"}
        env.pop("MONGODB_URI", None)
        env.pop("MOTCUA_MONGODB_URI", None)
        result = subprocess.run(
            [*setpriv, sys.executable, "-m", "api", "serve"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines == [
            f"motcua: the embedded database's files in {data_dir / 'db'} are held by process "
            f"{leftover.pid} (secantusd-py, user root), left over from an earlier run, which "
            f"motcua may not stop: stop it as its user or as root (kill {leftover.pid}), "
            "then start again"
        ]
        assert leftover.poll() is None


_CTRL_C_SCRIPT = """
import sys, time
from pathlib import Path
from pymongo import MongoClient
from api.embedded import EmbeddedDatabase
database = EmbeddedDatabase(Path(sys.argv[1]))
database.start()
try:
    print("ready", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    time.sleep(0.5)  # what the API's shutdown still does with its database
    with MongoClient(database.uri, serverSelectionTimeoutMS=2000) as client:
        client.admin.command("ping")
    print("still up", flush=True)
finally:
    database.stop()
"""


def test_ctrl_c_in_a_terminal_does_not_stop_the_database_under_the_api(data_dir: Path) -> None:
    """A terminal sends SIGINT to its whole foreground process group; the database must
    stay up until the API, shutting down, has finished with it and stops it itself."""
    api = subprocess.Popen(
        [sys.executable, "-c", _CTRL_C_SCRIPT, str(data_dir / "db")],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal's foreground job
    )
    try:
        assert api.stdout is not None
        assert api.stdout.readline().strip() == "ready"
        os.killpg(api.pid, signal.SIGINT)
        out, _ = api.communicate(timeout=30)
    finally:
        if api.poll() is None:
            os.killpg(api.pid, signal.SIGKILL)
            api.wait()
    assert out.strip() == "still up"
    assert api.returncode == 0
