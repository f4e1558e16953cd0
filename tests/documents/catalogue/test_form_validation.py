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
