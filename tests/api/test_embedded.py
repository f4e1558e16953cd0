"""The embedded SecantusDB: a child process that keeps its data and its data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pymongo import MongoClient

from api.embedded import (
    MARKER,
    DataDirectoryInUseError,
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
