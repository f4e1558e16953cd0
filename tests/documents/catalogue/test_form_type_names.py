"""The naming rule of the typed form data and the shapes it types (docs/forms.md)."""

from __future__ import annotations

from typing import Any

import pytest

from documents.catalogue.forms.shapes import (
    Enum,
    Fields,
    Incompatible,
    Items,
    Scalar,
    Unmappable,
    merged,
    shape_of,
)
from documents.catalogue.forms.type_names import enum_value_name, form_type_name


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("birth-registration", "BirthRegistrationFormData"),
        ("đăng-ký-kết-hôn", "DangKyKetHonFormData"),
        ("ĐẤT_ĐAI", "DATDAIFormData"),
        ("giấy phép xây dựng", "GiayPhepXayDungFormData"),
        ("cấp_đổi--hộ chiếu", "CapDoiHoChieuFormData"),
        ("01-permit", "Form01PermitFormData"),
        ("permitV2", "PermitV2FormData"),
    ],
)
def test_a_key_becomes_an_ascii_pascal_case_type_name(key: str, name: str) -> None:
    assert form_type_name(key) == name
    assert name.isascii()


@pytest.mark.parametrize(
    ("value", "name"),
    [("Nữ", "NU"), ("hộ khẩu thường trú", "HO_KHAU_THUONG_TRU"), ("1", "_1"), ("Đã", "DA")],
)
def test_an_enum_value_becomes_an_upper_case_ascii_name(value: str, name: str) -> None:
    assert enum_value_name(value) == name


def test_an_enum_value_with_no_letter_or_digit_has_no_name() -> None:
    assert enum_value_name("—") is None


def _schema(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def test_shapes_map_objects_lists_enums_dates_and_refs() -> None:
    shape = shape_of(
        {
            "type": "object",
            "$defs": {"person": _schema(name={"type": "string"})},
            "properties": {
                "born": {"type": "string", "format": "date"},
                "at": {"type": ["string", "null"], "format": "date-time"},
                "floors": {"type": "integer"},
                "area": {"type": "number"},
                "kind": {"oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
                "mother": {"$ref": "#/$defs/person"},
                "tags": {"type": "array", "items": {"enum": ["x", "y"]}},
            },
        }
    )
    assert shape == Fields(
        (
            ("born", Scalar("Date")),
            ("at", Scalar("DateTime")),
            ("floors", Scalar("Int")),
            ("area", Scalar("Float")),
            ("kind", Enum(("a", "b"))),
            ("mother", Fields((("name", Scalar("String")),))),
            ("tags", Items(Enum(("x", "y")))),
        )
    )


@pytest.mark.parametrize(
    "schema",
    [
        _schema(**{"full name": {"type": "string"}}),
        _schema(extra={"type": "object", "additionalProperties": {"type": "string"}}),
        _schema(pick={"oneOf": [_schema(a={"type": "string"}), _schema(b={"type": "string"})]}),
        _schema(any={}),
        _schema(loop={"$ref": "#/properties/loop"}),
        _schema(same={"enum": ["a b", "a-b"]}),
    ],
)
def test_what_graphql_cannot_type_is_unmappable(schema: dict[str, Any]) -> None:
    with pytest.raises(Unmappable):
        shape_of(schema)


def test_versions_merge_added_fields_and_enum_values_but_not_a_changed_type() -> None:
    v1 = shape_of(_schema(a={"type": "string"}, k={"enum": ["x"]}))
    v2 = shape_of(_schema(b={"type": "integer"}, k={"enum": ["y"]}))
    assert merged(v1, v2) == Fields(
        (("a", Scalar("String")), ("k", Enum(("x", "y"))), ("b", Scalar("Int")))
    )
    with pytest.raises(Incompatible, match="/a was String and is now Int"):
        merged(v1, shape_of(_schema(a={"type": "integer"})))
