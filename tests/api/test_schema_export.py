"""`motcua schema export`: the whole schema with each published form's type, for codegen;
`motcua sdl` stays the static part (schema.graphql)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from api.cli.main import cli


@pytest.fixture
def database(mongodb_uri: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    name = f"export_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MOTCUA_MONGODB_URI", mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", name)
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_uri, tz_aware=True) as client:
        yield client[name]
        client.drop_database(name)


def _form(key: str, version: int | None, status: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {
            "fullName": {"type": "string"},
            "birthDate": {"type": "string", "format": "date"},
            "mother": {"type": "object", "properties": {"fullName": {"type": "string"}}},
        },
    }
    hints = {"order": [], "fields": [{"pointer": "/fullName", "label_vi": "Họ và tên"}]}
    now = datetime.now(UTC)
    return {
        "key": key, "version": version, "title": "Khai sinh", "json_schema": schema,
        "hints": hints, "status": status, "created_at": now, "published_at": now,
    }  # fmt: skip


def test_schema_export_prints_every_published_form_type_and_sdl_stays_static(
    database: Any,
) -> None:
    database.forms.insert_many(
        [
            _form("birth-registration", 1, "PUBLISHED"),
            _form("đăng-ký-kết-hôn", 1, "RETIRED"),  # its dossiers still exist
            _form("work-in-progress", None, "DRAFT"),
        ]
    )
    exported = CliRunner().invoke(cli, ["schema", "export"])
    assert exported.exit_code == 0, exported.output
    sdl = exported.output
    assert (
        "union FormData = UntypedFormData | BirthRegistrationFormData | DangKyKetHonFormData" in sdl
    )
    assert "type BirthRegistrationFormDataMother {" in sdl
    assert '"""Họ và tên"""\n  fullName: String\n' in sdl
    assert "birthDate: Date\n" in sdl
    assert "WorkInProgressFormData" not in sdl  # drafts have no type

    static = CliRunner().invoke(cli, ["sdl"])
    assert static.exit_code == 0
    assert "union FormData = UntypedFormData\n" in static.output
    assert "BirthRegistrationFormData" not in static.output
