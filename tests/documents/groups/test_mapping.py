"""A member's data derived from the combined form, and a result's fields copied into a
waiting member (documents/groups/mapping.py)."""

from __future__ import annotations

from documents.groups.definition import GroupMember
from documents.groups.mapping import copy_pointers, derive_member_data

COMBINED = {
    "child": {"fullName": "Nguyễn Thị Bé", "birthDate": "2026-03-02", "notes": None},
    "mother": {"idNumber": "001190000001", "address": {"ward": "Phường Thử"}},
    "siblings": [{"name": "An"}, {"name": "Bình"}],
    "a/b": {"~x": 1},
}


def test_values_land_at_nested_targets_creating_the_objects_on_the_way() -> None:
    member = GroupMember(
        procedure_code="1.001193",
        mapping={
            "/child/name": "/child/fullName",
            "/child/dob": "/child/birthDate",
            "/parents/mother/id": "/mother/idNumber",
            "/parents/mother/home": "/mother/address",
            "/elder": "/siblings/1/name",
            "/escaped": "/a~1b/~0x",
        },
    )
    assert derive_member_data(member, COMBINED) == {
        "child": {"name": "Nguyễn Thị Bé", "dob": "2026-03-02"},
        "parents": {"mother": {"id": "001190000001", "home": {"ward": "Phường Thử"}}},
        "elder": "Bình",
        "escaped": 1,
    }


def test_a_missing_source_leaves_the_target_absent_not_null() -> None:
    member = GroupMember(
        procedure_code="1.004194",
        mapping={
            "/person/name": "/child/fullName",
            "/person/gender": "/child/gender",  # not given
            "/nothing": "/father/idNumber",  # no father at all
            "/third": "/siblings/2/name",  # out of range
            "/deeper": "/child/fullName/first",  # below a string
            "/notes": "/child/notes",  # given as null: copied as null
        },
    )
    assert derive_member_data(member, COMBINED) == {
        "person": {"name": "Nguyễn Thị Bé"},
        "notes": None,
    }


def test_the_derived_data_is_a_copy() -> None:
    member = GroupMember(procedure_code="x", mapping={"/home": "/mother/address"})
    derived = derive_member_data(member, COMBINED)
    derived["home"]["ward"] = "changed"
    assert COMBINED["mother"]["address"] == {"ward": "Phường Thử"}  # type: ignore[index]


def test_copy_pointers_fills_an_existing_document() -> None:
    data = {"person": {"name": "Bé"}}
    copy_pointers({"/person/birthNo": "/number", "/x": "/missing"}, {"number": "12/2026"}, data)
    assert data == {"person": {"name": "Bé", "birthNo": "12/2026"}}
