"""Every rule a group definition keeps (documents/groups/checking.py): each broken rule is
a GROUP_INVALID (or INVALID_SCHEMA) error naming the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from documents.common.errors import DomainError, ErrorCode
from documents.groups.checking import check_definition
from documents.groups.definition import Feed, GroupMember
from tests.documents.groups.sample import ACTIVE, BIRTH, COMBINED_FORM, INSURANCE, RESIDENCE, group

B, R, H = BIRTH, RESIDENCE, INSURANCE


def _refusal(active: frozenset[str] = ACTIVE, **changes: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_definition(group(**changes), active)
    return caught.value


def _member(code: str, **fields: Any) -> GroupMember:
    return GroupMember(procedure_code=code, **fields)


def test_the_sample_group_keeps_every_rule() -> None:
    check_definition(group(), ACTIVE)
    check_definition(group(combinations=[[B, R], [B, R, H]]), ACTIVE)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"members": [_member(B)]}, "members", "at least two"),
        ({"members": [_member(B), _member("9.999")], "feeds": []}, "members[1].procedureCode",
         "no active procedure"),
        ({"members": [_member(B), _member(R), _member(B)]}, "members[2].procedureCode", "twice"),
        ({"combinations": [[B, "9.999"]]}, "combinations[0][1]", "only members"),
        ({"combinations": [[B]]}, "combinations[0]", "at least two"),
        ({"combinations": [[B, R, R]]}, "combinations[0]", "twice"),
        ({"combinations": [[R, H]]}, "combinations[0]", f"every required member: {B}"),
        ({"combinations": [[B, R], [R, B]]}, "combinations[1]", "listed twice"),
        ({"feeds": [Feed(from_procedure="9.999", to_procedure=R)]}, "feeds[0].fromProcedure",
         "starts at a member"),
        ({"feeds": [Feed(from_procedure=B, to_procedure="9.999")]}, "feeds[0].toProcedure",
         "ends at a member"),
        ({"feeds": [Feed(from_procedure=R, to_procedure=R)]}, "feeds[0].toProcedure",
         "its own result"),
        ({"feeds": [Feed(from_procedure=B, to_procedure=R, fields={"birthNo": "/number"})]},
         "feeds[0].fields", "target is not a JSON pointer"),
        ({"feeds": [Feed(from_procedure=B, to_procedure=R, fields={"/birthNo": "~2"})]},
         "feeds[0].fields./birthNo", "source is not a JSON pointer"),
        ({"processing_days": 6}, "verificationDays", "at least"),
        ({"members": [_member(B, mapping={"/a": "/child/nickname"}), _member(R)], "feeds": []},
         "members[0].mapping./a", "no property of the combined form"),
        ({"members": [_member(B), _member(R, mapping={"/child/name": "/child"})],
          "combined_form": {"type": "object"}, "feeds": []},
         "members[1].mapping./child/name", "no property"),
        ({"members": [_member(B), _member(R, mapping={"": "/child"})], "feeds": []},
         "members[1].mapping", "target is not a JSON pointer"),
        ({"members": [_member(B), _member(R, mapping={"/x": "child"})], "feeds": []},
         "members[1].mapping./x", "source is not a JSON pointer"),
    ],
)  # fmt: skip
def test_each_broken_rule_is_refused_with_its_field(
    changes: dict[str, Any], field: str, words: str
) -> None:
    error = _refusal(**changes)
    assert (error.code, error.field) == (ErrorCode.GROUP_INVALID, field)
    assert words in error.message


def test_an_inactive_or_unknown_member_is_refused() -> None:
    error = _refusal(active=frozenset({B, H}))
    assert (error.code, error.field) == (ErrorCode.GROUP_INVALID, "members[1].procedureCode")


def test_a_combination_without_the_member_that_feeds_one_of_its_members_is_refused() -> None:
    # Optional birth registration: residence alone with insurance would wait forever.
    members = [_member(B), _member(R), _member(H)]
    error = _refusal(members=members, combinations=[[R, H]])
    assert error.field == "combinations[0]"
    assert f"{R} waits for {B}" in error.message


def test_a_cycle_in_the_feeds_is_refused_naming_its_procedures() -> None:
    feeds = [
        Feed(from_procedure=B, to_procedure=R),
        Feed(from_procedure=R, to_procedure=H),
        Feed(from_procedure=H, to_procedure=R),
    ]
    error = _refusal(feeds=feeds)
    assert (error.code, error.field) == (ErrorCode.GROUP_INVALID, "feeds")
    assert f"{R} → {H} → {R}" in error.message
    # The same feeds without the way back are fine.
    check_definition(group(feeds=feeds[:2]), ACTIVE)


def test_a_long_cycle_through_every_member_is_refused() -> None:
    feeds = [
        Feed(from_procedure=B, to_procedure=R),
        Feed(from_procedure=R, to_procedure=H),
        Feed(from_procedure=H, to_procedure=B),
    ]
    error = _refusal(feeds=feeds)
    assert f"{B} → {R} → {H} → {B}" in error.message


def test_the_combined_form_must_be_a_json_schema() -> None:
    error = _refusal(combined_form={"type": "nothing"})
    assert (error.code, error.field) == (ErrorCode.INVALID_SCHEMA, "combinedForm")


def test_sources_resolve_through_properties_and_array_items() -> None:
    mapping = {"/first": "/siblings/0/name", "/mother": "/mother"}
    check_definition(group(members=[_member(B, mapping=mapping), _member(R)], feeds=[]), ACTIVE)
    mapping = {"/x": "/siblings/first/name"}
    error = _refusal(members=[_member(B, mapping=mapping), _member(R)], feeds=[])
    assert error.field == "members[0].mapping./x"
    assert COMBINED_FORM["properties"]["siblings"]["items"]["properties"] == {"name": {}}
