"""The embedded SecantusDB: a child process that keeps its data and its data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pymongo import MongoClient

from api.embedded import DataDirectoryInUseError, EmbeddedDatabase, database_uri


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
