"""Plain fields skip jsonschema's per-field validator (documents/catalogue/forms/
plain_fields.py) and the outcome is the same: every error, path and message."""

from __future__ import annotations

import itertools
from typing import Any

from jsonschema import Draft202012Validator, validators

from documents.catalogue.forms import validation
from documents.catalogue.forms.formats import FORMAT_CHECKER
from documents.catalogue.forms.plain_fields import plainly_valid

# The form validator as it was, with jsonschema's own `properties`.
Unhurried = validators.extend(
    Draft202012Validator, validators=validation.ECMA_KEYWORDS, format_checker=FORMAT_CHECKER
)

FIELDS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "string", "maxLength": 3, "title": "Tên"},
    {"type": "string", "minLength": 2, "maxLength": 4},
    {"type": "integer"},
    {"type": "number", "description": "Số tiền"},
    {"type": "boolean"},
    {"type": "null"},
    {"maxLength": 2},
    {"type": ["string", "null"], "maxLength": 2},
    {"type": "string", "format": "email"},
    {"type": "string", "pattern": "^\\d{3}$"},
    {"enum": ["a", 1]},
    {"type": "object", "properties": {"x": {"type": "integer"}}},
]
VALUES: list[Any] = [
    "",
    "ab",
    "abcd",
    "abcdef",
    "ｘｙ",
    1,
    0,
    2.0,
    2.5,
    -3,
    True,
    False,
    None,
    [],
    {"x": "1"},
    {"x": 1},
    "a@b.vn",
    "123",
    "１２３",
]


def _outcome(validator: Any, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(e.absolute_path), e.validator, e.message) for e in validator.iter_errors(data)
    )


def test_every_plain_and_other_field_gives_the_errors_it_gave_before() -> None:
    for field, value in itertools.product(FIELDS, VALUES):
        schema = {"type": "object", "properties": {"f": field, "g": {"type": "string"}}}
        data = {"f": value, "g": value}
        fast = validation.FormValidator(schema, format_checker=FORMAT_CHECKER)
        slow = Unhurried(schema, format_checker=FORMAT_CHECKER)
        assert _outcome(fast, data) == _outcome(slow, data), (field, value)


def test_only_a_plain_field_with_a_passing_value_is_skipped() -> None:
    assert plainly_valid({"type": "string", "maxLength": 3, "title": "Tên"}, "abc")
    assert not plainly_valid({"type": "string", "maxLength": 3}, "abcd")
    assert not plainly_valid({"type": "integer"}, True)  # a bool is no number
    assert plainly_valid({"type": "integer"}, 2.0)  # as jsonschema counts integers
    assert not plainly_valid({"type": "string", "pattern": "^a$"}, "a")  # not plain
    assert not plainly_valid({"type": ["string", "null"]}, None)  # one type only


def test_a_700_field_form_still_names_the_one_field_that_fails() -> None:
    schema = {
        "type": "object",
        "properties": {f"f{i:03}": {"type": "string", "maxLength": 5} for i in range(700)},
    }
    data = {f"f{i:03}": "ok" for i in range(700)}
    data["f350"] = "too long"
    violations = validation.validate_data(schema, data)
    assert [(v.path, v.code) for v in violations] == [("/f350", "TOO_LONG")]
