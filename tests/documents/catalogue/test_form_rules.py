"""The validator a client can match: ECMA-262 patterns, strict and known formats only,
NOT_ALLOWED for an enum written as `oneOf` of `const`s, and errors with parameters and
Vietnamese and English messages that never repeat the value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from documents.catalogue.forms.validation import check_schema, validate_data, validator_for
from documents.common.errors import DomainError, ErrorCode


def _form(**fields: Any) -> dict[str, Any]:
    return {"type": "object", "properties": fields}


def _refusal(schema: dict[str, Any]) -> str:
    with pytest.raises(DomainError) as caught:
        check_schema(schema)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID_SCHEMA, "schema")
    return caught.value.message


def test_an_unknown_format_is_refused_with_its_pointer() -> None:
    said = _refusal(_form(owner=_form(phone={"type": "string", "format": "phone-number"})))
    assert "unknown format 'phone-number'" in said
    assert "/properties/owner/properties/phone/format" in said
    for known in ("date", "date-time", "email", "vn-citizen-id", "vn-phone", "vn-tax-code"):
        check_schema(_form(value={"type": "string", "format": known}))


def test_a_pattern_that_is_not_ecma_262_is_refused_with_its_pointer() -> None:
    said = _refusal(_form(code={"type": "string", "pattern": r"^(?P<year>\d{4})$"}))
    assert "not an ECMA-262 regular expression at /properties/code/pattern" in said
    said = _refusal({"type": "object", "patternProperties": {r"^a\Z": {}}})
    assert "/patternProperties/^a\\Z" in said
    # ECMA-262 with the u flag, which Python's `re` does not compile.
    check_schema(_form(name={"type": "string", "pattern": r"^\p{L}+$"}))


def test_pattern_properties_follow_ecma_262() -> None:
    schema = {
        "type": "object",
        "patternProperties": {r"^\d+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    assert validate_data(schema, {"12": 1}) == []
    # Fullwidth digits are no \d in ECMA-262: the key matches no pattern.
    found = validate_data(schema, {"１２": 1})
    assert [(v.path, v.code) for v in found] == [("/*", "UNKNOWN_FIELD")]


def test_an_enum_written_as_one_of_const_fails_as_not_allowed_with_the_allowed_values() -> None:
    ethnic = {"oneOf": [{"const": "KINH", "title": "Kinh"}, {"const": "TAY", "title": "Tày"}]}
    [found] = validate_data(_form(ethnic=ethnic), {"ethnic": "HOA"})
    assert (found.path, found.code) == ("/ethnic", "NOT_ALLOWED")
    assert found.params == {"allowed": ["KINH", "TAY"]}
    assert found.message_vi == "Phải là một trong các giá trị cho phép"
    # A oneOf that is not an enum stays INVALID.
    either = {"oneOf": [{"type": "string"}, {"type": "string", "minLength": 1}]}
    assert [v.code for v in validate_data(_form(x=either), {"x": "ab"})] == ["INVALID"]


def test_errors_carry_params_and_messages_in_both_languages_without_the_value() -> None:
    schema = _form(
        idNumber={"type": "string", "pattern": r"^\d{12}$", "title": "Số định danh"},
        plate={"type": "string", "pattern": "^[0-9]{2}[A-Z]$"},
        floors={"type": "integer", "maximum": 7},
        name={"type": "string", "maxLength": 5},
        email={"type": "string", "format": "email"},
        kind={"enum": ["CITIZEN", "BUSINESS"]},
        age={"type": "integer"},
    )
    secret = "０９１２３４５６７８９９"
    data = {
        "idNumber": secret,
        "plate": secret,
        "floors": 912345,
        "name": secret,
        "email": secret,
        "kind": secret,
        "age": secret,
    }
    found = {v.path: v for v in validate_data(schema, data)}
    assert {path: (v.code, v.params) for path, v in found.items()} == {
        "/idNumber": (
            "BAD_PATTERN",
            {"pattern": r"^\d{12}$", "pattern_name": "Số định danh"},
        ),
        "/plate": ("BAD_PATTERN", {"pattern": "^[0-9]{2}[A-Z]$", "pattern_name": "/plate"}),
        "/floors": ("TOO_LARGE", {"limit": 7.0}),
        "/name": ("TOO_LONG", {"limit": 5.0}),
        "/email": ("BAD_FORMAT", {"format": "email"}),
        "/kind": ("NOT_ALLOWED", {"allowed": ["CITIZEN", "BUSINESS"]}),
        "/age": ("WRONG_TYPE", {"types": ["integer"]}),
    }
    assert found["/floors"].message == "must be at most 7"
    assert found["/floors"].message_vi == "Phải nhỏ hơn hoặc bằng 7"
    assert found["/idNumber"].message_vi == "Không đúng mẫu Số định danh"
    assert found["/age"].message_vi == "Phải là số nguyên"
    said = repr(list(found.values()))
    for value in (secret, "912345"):
        assert value not in said


def test_required_fields_are_named_in_both_languages() -> None:
    schema = {**_form(fullName={"type": "string"}), "required": ["fullName"]}
    [found] = validate_data(schema, {})
    assert (found.path, found.code, found.message) == (
        "/fullName",
        "REQUIRED",
        "'fullName' is required",
    )
    assert found.message_vi == "Trường fullName là bắt buộc"


def test_a_form_is_compiled_once_for_every_copy_of_its_schema() -> None:
    schema = _form(name={"type": "string", "pattern": "^[A-Z]+$"})
    assert validator_for(schema)[0] is validator_for(copy.deepcopy(schema))[0]
    assert validator_for(schema)[0] is not validator_for(_form(name={"type": "string"}))[0]
