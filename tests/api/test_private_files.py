"""Development files are the owner's alone: 0700 directories, 0600 files, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.authentication import development_secret
from api.embedded import EmbeddedDatabase
from api.private_files import open_private, private_directory


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask (022) would leave new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_development_secret_and_its_directory_are_the_owners_alone(tmp_path: Path) -> None:
    secret = tmp_path / "var" / "nested" / "jwt-secret"

    development_secret(secret)

    assert mode(secret) == 0o600
    assert mode(secret.parent) == 0o700
    assert mode(secret.parent.parent) == 0o700  # missing parents too


def test_the_embedded_database_keeps_its_data_directory_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with EmbeddedDatabase(data_dir / "db") as embedded:
        written = [data_dir / "motcua.lock", embedded.log_file, embedded.uri_file]

        assert mode(data_dir) == 0o700
        assert mode(data_dir / "db") == 0o700
        assert {path.name: mode(path) for path in written} == {path.name: 0o600 for path in written}


def test_files_written_by_earlier_versions_are_tightened(tmp_path: Path) -> None:
    old = tmp_path / "embedded.uri"
    old.write_text("mongodb://old")
    old.chmod(0o644)

    os.close(open_private(old, os.O_WRONLY | os.O_TRUNC))

    assert mode(old) == 0o600


def test_existing_directories_are_left_as_they_are(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)

    private_directory(tmp_path / "var")

    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "var") == 0o700
