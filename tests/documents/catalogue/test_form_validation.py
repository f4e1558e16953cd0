from __future__ import annotations

import pytest

from documents.catalogue.forms.validation import check_schema, guard_data, pointer, validate_data
from documents.common.errors import DomainError, ErrorCode


def test_pointer_escapes_slashes_and_tildes() -> None:
    assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


def test_check_schema_rejects_a_schema_that_breaks_the_2020_12_metaschema() -> None:
    with pytest.raises(DomainError) as caught:
        check_schema({"type": "object", "required": "name"})
    assert caught.value.code is ErrorCode.INVALID_SCHEMA


def test_validate_data_reports_nested_and_array_paths() -> None:
    schema = {
        "type": "object",
        "properties": {
            "people": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"age": {"type": "integer"}},
                },
            }
        },
    }
    found = validate_data(schema, {"people": [{"name": "A"}, {"age": "x"}]})
    assert [(v.path, v.code) for v in found] == [
        ("/people/1/age", "WRONG_TYPE"),
        ("/people/1/name", "REQUIRED"),
    ]


def test_guard_data_allows_twenty_levels_and_refuses_twenty_one() -> None:
    def nest(levels: int) -> dict[str, object]:
        value: dict[str, object] = {}
        for _ in range(levels - 1):
            value = {"a": value}
        return value

    guard_data(nest(20))
    with pytest.raises(DomainError) as caught:
        guard_data(nest(21))
    assert caught.value.code is ErrorCode.DATA_TOO_DEEP


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, float("inf"), float("-inf"), float("nan")])
def test_guard_data_refuses_numbers_mongodb_or_json_cannot_hold(number: float) -> None:
    with pytest.raises(DomainError) as caught:
        guard_data({"floors": number}, frozenset({"floors"}))
    assert caught.value.code is ErrorCode.VALIDATION_FAILED
    assert caught.value.field == "data/floors"
    guard_data({"floors": 2**63 - 1, "ratio": 1e308})


def test_messages_and_paths_never_quote_the_data() -> None:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "email": {"type": "string", "format": "email"},
            "plate": {"type": "string", "pattern": "^[0-9]{2}[A-Z]$", "maxLength": 4},
            "floors": {"type": "integer", "maximum": 7},
        },
    }
    data = {"email": "0912345678", "plate": "Nguyễn Văn An", "floors": 912345678, "0987654321": 1}
    found = validate_data(schema, data)
    assert {(v.path, v.code) for v in found} >= {
        ("/email", "BAD_FORMAT"),
        ("/plate", "BAD_PATTERN"),
        ("/plate", "TOO_LONG"),
        ("/floors", "TOO_LARGE"),
        ("/*", "UNKNOWN_FIELD"),  # the key is whatever the client typed
    }
    said = repr(found)
    for value in ("0912345678", "Nguyễn", "912345678", "0987654321"):
        assert value not in said
    with pytest.raises(DomainError) as caught:
        guard_data({"0912345678": {"$where": 1}}, frozenset())
    assert "0912345678" not in f"{caught.value.field} {caught.value.message}"
