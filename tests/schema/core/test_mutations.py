"""The mutation machinery of schema/core/mutations.py, without a database: the
arguments it adds and hashes, and the plain form of argument values."""

from __future__ import annotations

from datetime import date
from enum import Enum

import pytest
import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from schema import build_schema
from schema.core.mutations import KEY, PayloadMutation, plain


def test_every_payload_mutation_hashes_all_of_its_arguments_and_takes_the_key_last() -> None:
    mutation = build_schema().get_type_by_name("Mutation")  # the extensions applied
    assert isinstance(mutation, StrawberryObjectDefinition)
    fields = mutation.fields
    extended = [(f, e) for f in fields for e in f.extensions if isinstance(e, PayloadMutation)]
    assert len(extended) >= 16
    for found, extension in extended:
        names = [a.python_name for a in found.arguments]
        assert extension.argument_names == [n for n in names if n != KEY], found.python_name
        assert (names[-1] == KEY) is extension.idempotent, found.python_name
    # No mutation takes an idempotency key but handles it by hand.
    keyed = {f.python_name for f in fields if any(a.python_name == KEY for a in f.arguments)}
    assert keyed == {f.python_name for f, e in extended if e.idempotent}


class _Colour(Enum):
    RED = 1


@strawberry.input
class _Inner:
    when: date
    colour: _Colour
    note: str | None = strawberry.UNSET


class _Upload:
    filename = "a.pdf"
    size = 12
    content_type = "application/pdf"

    async def read(self, size: int = -1) -> bytes:
        return b""


def test_plain_turns_arguments_into_json_data() -> None:
    value = {"inner": [_Inner(when=date(2026, 3, 5), colour=_Colour.RED)], "file": _Upload()}

    assert plain(value) == {
        "inner": [{"when": "2026-03-05", "colour": 1, "note": None}],
        "file": {"filename": "a.pdf", "size": 12, "contentType": "application/pdf"},
    }
    with pytest.raises(TypeError):
        plain(object())
