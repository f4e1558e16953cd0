"""Display hints against their schema: `*` pointers, `$ref`, options, widgets, sections."""

from __future__ import annotations

from typing import Any

import pytest

from documents.catalogue.forms.definition import (
    DisplayHints,
    FieldHint,
    OptionHint,
    SectionHint,
    Widget,
)
from documents.catalogue.forms.hints import check_hints, options_of, schemas_at
from documents.common.errors import DomainError
from documents.dossiers.privacy import mask_fields

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "person": {
            "type": "object",
            "properties": {
                "fullName": {"type": "string"},
                "sex": {"oneOf": [{"const": "M", "title": "Nam"}, {"const": "F", "title": "Nữ"}]},
            },
        },
        "loop": {"$ref": "#/$defs/loop"},
        "address": {"$anchor": "address", "properties": {"street": {"type": "string"}}},
        "office": {"$id": "urn:example:office", "properties": {"name": {"type": "string"}}},
    },
    "type": "object",
    "properties": {
        "father": {"$ref": "#/$defs/person"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/person"}},
        "purpose": {"type": "string", "enum": ["WORK", "STUDY"]},
        "note": {"type": "string"},
        "count": {"type": "integer"},
        "idCard": {"type": "string"},
        "loop": {"$ref": "#/$defs/loop"},
        "home": {"$ref": "#address"},
        "office": {"$ref": "urn:example:office"},
        "remote": {"$ref": "https://example.com/person.json"},
    },
}


def hint(pointer: str, **extra: Any) -> FieldHint:
    return FieldHint(pointer=pointer, label_vi="Nhãn", **extra)


def refusal(hints: DisplayHints) -> tuple[str, str]:
    with pytest.raises(DomainError) as raised:
        check_hints(SCHEMA, hints)
    return raised.value.field or "", str(raised.value)


@pytest.mark.parametrize(
    "pointer",
    [
        "/children/*/fullName",
        "/father/fullName",
        "/father/sex",
        "/children/*",
        "/purpose",
        "/home/street",  # through an $anchor
        "/office/name",  # through a subschema's own $id
    ],
)
def test_hint_may_name_a_field_in_an_array_or_behind_a_ref(pointer: str) -> None:
    check_hints(SCHEMA, DisplayHints(fields=[hint(pointer)]))
    assert schemas_at(SCHEMA, pointer)


@pytest.mark.parametrize(
    "pointer",
    [
        "/children/*/nickname",  # not in the $ref'd person
        "/children/0/fullName",  # items are addressed by `*`, not by index
        "/father/*",  # father is no array
        "/loop/x",  # a $ref loop declares nothing
        "/remote/fullName",  # a $ref to another document is never fetched
        "fullName",  # not a pointer
    ],
)
def test_hint_naming_an_undeclared_field_is_refused_with_its_pointer(pointer: str) -> None:
    field, message = refusal(DisplayHints(fields=[hint("/note"), hint(pointer)]))
    assert field == "hints.fields.1.pointer"
    assert repr(pointer) in message


def test_options_come_from_oneof_const_titles_or_from_hint_labels() -> None:
    sex = options_of(SCHEMA, hint("/children/*/sex"))
    assert [(o.value, o.label_vi) for o in sex] == [("M", "Nam"), ("F", "Nữ")]
    labelled = hint(
        "/purpose", options=[OptionHint(value="STUDY", label_vi="Học", label_en="Study")]
    )
    assert options_of(SCHEMA, labelled) == [
        OptionHint(value="STUDY", label_vi="Học", label_en="Study")
    ]
    relabelled = hint("/father/sex", options=[OptionHint(value="F", label_vi="Phụ nữ")])
    assert [o.label_vi for o in options_of(SCHEMA, relabelled)] == ["Nam", "Phụ nữ"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (hint("/purpose", options=[OptionHint(value="PLAY", label_vi="Chơi")]), "options"),
        (hint("/note", options=[OptionHint(value="x", label_vi="x")]), "options"),
        (hint("/note", widget=Widget.SELECT), "widget"),
        (hint("/count", widget=Widget.DATE), "widget"),
        (hint("/idCard", widget=Widget.FILE), "paperSlot"),
        (hint("/idCard", paper_slot="cccd"), "paperSlot"),
        (hint("/children/*/fullName", profile_attribute="fullName"), "profileAttribute"),
    ],
)
def test_hint_that_does_not_suit_its_field_is_refused(bad: FieldHint, field: str) -> None:
    assert refusal(DisplayHints(fields=[bad]))[0] == f"hints.fields.0.{field}"


def test_widgets_that_suit_their_fields_pass() -> None:
    check_hints(
        SCHEMA,
        DisplayHints(
            fields=[
                hint("/purpose", widget=Widget.RADIO),
                hint("/children/*/sex", widget=Widget.SELECT),
                hint("/note", widget=Widget.TEXTAREA, placeholder_vi="Ghi chú", help_en="A note"),
                hint("/idCard", widget=Widget.FILE, paper_slot="cccd"),
            ]
        ),
    )


def test_sections_and_order_must_name_declared_fields_once() -> None:
    good = SectionHint(key="a", title_vi="A", fields=["/note", "/children/*/fullName"])
    check_hints(SCHEMA, DisplayHints(order=["note", "*"], sections=[good]))
    stray = SectionHint(key="b", title_vi="B", fields=["/nope"])
    assert refusal(DisplayHints(sections=[good, stray]))[0] == "hints.sections.1.fields"
    twice = SectionHint(key="b", title_vi="B", fields=["/note"])
    assert refusal(DisplayHints(sections=[good, twice]))[0] == "hints.sections.1.fields"
    same_key = SectionHint(key="a", title_vi="B")
    assert refusal(DisplayHints(sections=[good, same_key]))[0] == "hints.sections.1.key"
    assert refusal(DisplayHints(order=["note", "colour"]))[0] == "hints.order"
    assert refusal(DisplayHints(fields=[hint("/note"), hint("/note")]))[0] == (
        "hints.fields.1.pointer"
    )


def test_a_sensitive_pointer_with_a_star_masks_every_item() -> None:
    data: dict[str, Any] = {
        "children": [{"fullName": "Nguyễn Văn An"}, {"fullName": "Lê Bình"}],
        "note": "x",
    }
    masked = mask_fields(data, ["/children/*/fullName"])
    assert [c["fullName"] for c in masked["children"]] == ["Nguy*******An", "Lê***nh"]
    assert masked["note"] == "x"
    assert data["children"][0]["fullName"] == "Nguyễn Văn An"
