"""Which choices a group allows and the order its members run in
(documents/groups/combinations.py)."""

from __future__ import annotations

import pytest

from documents.common.errors import DomainError, ErrorCode
from documents.groups.combinations import allowed, feed_order, find_cycle, waits_for
from documents.groups.definition import Feed, GroupMember
from tests.documents.groups.sample import BIRTH, INSURANCE, RESIDENCE, group

B, R, H = BIRTH, RESIDENCE, INSURANCE


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({B, R, H}, True),
        ({B, R}, True),
        ({B, H}, True),
        ({R, H}, False),  # the required birth registration is missing
        ({B}, False),  # one procedure is not a group submission
        ({B, R, "9.999"}, False),  # not a member
        (set(), False),
    ],
)
def test_any_two_or_more_with_the_required_member_when_no_combinations_are_listed(
    chosen: set[str], expected: bool
) -> None:
    assert allowed(group(), chosen) is expected


def test_listed_combinations_are_the_only_ones_allowed() -> None:
    listed = group(combinations=[[B, R, H], [B, R]])
    assert allowed(listed, {B, R})
    assert allowed(listed, [H, R, B])
    assert not allowed(listed, {B, H})


def test_a_member_listed_twice_in_the_choice_is_not_allowed() -> None:
    assert not allowed(group(), [B, R, R])


def test_a_member_waiting_for_a_member_not_chosen_is_not_allowed() -> None:
    optional = group(members=[GroupMember(procedure_code=c) for c in (B, R, H)])
    assert allowed(optional, {B, R})
    assert not allowed(optional, {R, H})  # both wait for the birth registration


def test_feed_order_puts_each_member_after_the_ones_it_waits_for() -> None:
    # Insurance waits for residence, which waits for the birth; listed in reverse.
    chain = group(
        members=[GroupMember(procedure_code=c, required=c == B) for c in (H, R, B)],
        feeds=[Feed(from_procedure=R, to_procedure=H), Feed(from_procedure=B, to_procedure=R)],
    )
    assert feed_order(chain, {B, R, H}) == [B, R, H]
    assert waits_for(chain, H) == [R]
    assert waits_for(chain, B) == []


def test_feed_order_keeps_the_groups_order_among_members_free_to_go() -> None:
    assert feed_order(group(), {H, R, B}) == [B, R, H]
    assert feed_order(group(feeds=[]), {H, B}) == [B, H]


def test_feed_order_refuses_a_choice_the_group_does_not_allow() -> None:
    with pytest.raises(DomainError) as caught:
        feed_order(group(), {R, H})
    assert (caught.value.code, caught.value.field) == (
        ErrorCode.VALIDATION_FAILED,
        "procedureCodes",
    )


def test_find_cycle() -> None:
    feeds = [Feed(from_procedure="a", to_procedure="b"), Feed(from_procedure="b", to_procedure="a")]
    assert find_cycle(["a", "b", "c"], feeds) == ["a", "b", "a"]
    assert find_cycle(["a", "b", "c"], feeds[:1]) is None
    assert find_cycle(["a", "c"], feeds) is None  # b is not a member
