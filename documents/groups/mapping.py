"""Copying values between JSON documents by pairs of JSON pointers (RFC 6901): a member's
data derived from the combined form, and a result's data filled into a waiting member."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException

from documents.groups.definition import GroupMember

_MISSING = object()


def read_pointer(document: Any, pointer: str) -> Any:
    """The value at `pointer` in `document`, or `_MISSING` when there is none (a missing
    key, an index out of range, a pointer that walks into a scalar)."""
    try:
        return JsonPointer(pointer).resolve(document, _MISSING)
    except (JsonPointerException, TypeError):
        return _MISSING


def write_pointer(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Set `value` at `pointer`, creating the objects on the way that do not exist yet.
    An existing list on the way is indexed (or appended to with `-`)."""
    parts = JsonPointer(pointer).parts
    if not parts:
        raise ValueError("the empty pointer names the whole document, not a field")
    node: Any = document
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            index = len(node) if part == "-" else int(part)
            if index == len(node):
                node.append(value if last else {})
            elif last:
                node[index] = value
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
        else:  # pragma: no cover - only a list or a dict is ever walked into
            raise ValueError(f"cannot write below a scalar at {pointer}")


def copy_pointers(
    pairs: Mapping[str, str], source: Mapping[str, Any], into: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`into` (a new object when None) with each `target -> source pointer` pair copied from
    `source`. A source value that is absent leaves its target absent (never null)."""
    result: dict[str, Any] = {} if into is None else into
    for target, pointer in pairs.items():
        value = read_pointer(source, pointer)
        if value is not _MISSING:
            write_pointer(result, target, copy.deepcopy(value))
    return result


def derive_member_data(member: GroupMember, combined_data: Mapping[str, Any]) -> dict[str, Any]:
    """A member's form data, derived from the combined form's data by its mapping."""
    return copy_pointers(member.mapping, combined_data)
